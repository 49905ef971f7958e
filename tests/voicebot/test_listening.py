"""What the bot's payload makes the recogniser listen for, and the voice-to-voice measure."""

from asr.events import FinalTranscript
from asr.options import EndpointProfile
from dialogue.payload import TurnState
from voicebot.biasing import COMMAND_HOTWORDS, commands_for
from voicebot.latency import VoiceToVoice
from voicebot.listening import listening_for


def test_an_open_question_gets_a_patient_ear_and_its_terms() -> None:
    listening = listening_for(TurnState(mode="answer", attempt_id="a1", terms=("eigenvector", "lambda")))
    assert listening.profile is EndpointProfile.ANSWER
    assert listening.hotwords.startswith("eigenvector lambda") and listening.hotwords.endswith(COMMAND_HOTWORDS)
    assert "give me a hint" in listening.commands


def test_between_questions_commands_end_quickly() -> None:
    for mode in ("command", "idle"):
        listening = listening_for(TurnState(mode=mode))
        assert listening.profile is EndpointProfile.COMMAND and listening.hotwords == COMMAND_HOTWORDS
        assert listening.commands == commands_for(mode)
    # `answer` without an attempt or a card is not a question
    assert listening_for(TurnState(mode="answer")).profile is EndpointProfile.COMMAND
    assert "start" in listening_for(TurnState(mode="idle")).commands


def test_voice_to_voice_runs_from_the_end_of_speech_to_the_first_reply_frame() -> None:
    clock = VoiceToVoice()
    assert clock.first_frame(5.0) is None  # a reply nobody asked for (the greeting) is not a turn
    # speech ended at stream time 2.0, endpoint at 2.3, final 0.1 s after the endpoint, at wall 10.0
    clock.final(FinalTranscript(1, "next", 1.0, 2.0, speech_end=2.0, endpoint_at=2.3, ready_delay=0.1), 10.0)
    assert abs(clock.first_frame(10.2) - 0.6) < 1e-9
    assert clock.first_frame(11.0) is None  # one reply per final
    assert [round(x, 6) for x in clock.latencies] == [0.6]
