"""Short spoken commands (Piper and espeak-ng voices) through the real model, as the voice bot
decodes them in command mode: biased by the command words, never looping."""

import numpy as np
import pytest

from asr.audio import load_file
from asr.whisper import DecodeRequest, _looped
from benchmarks.metrics import normalize
from tests.conftest import espeak, silence
from voicebot.biasing import COMMAND_HOTWORDS

pytestmark = pytest.mark.slow

COMMANDS = [
    "repeat the question",
    "skip",
    "next",
    "give me a hint",
    "tell me the answer",
    "slower please",
    "let me try again",
    "i don't know",
    "skip this one",
    "next question",
    "faster",
    "stop",
]


@pytest.mark.parametrize("voice", ["piper", "espeak"])
def test_commands_are_heard(transcriber, say, tmp_path, voice: str) -> None:
    heard = []
    for index, phrase in enumerate(COMMANDS):
        audio = say(phrase) if voice == "piper" else load_file(espeak(phrase, tmp_path / f"{index}.wav"))
        text = transcriber.transcribe(
            np.concatenate([silence(0.3), audio, silence(0.25)]), DecodeRequest(beam_size=5, hotwords=COMMAND_HOTWORDS)
        ).text
        assert not _looped(text), text
        heard.append(normalize(text))
    right = [h for h, p in zip(heard, COMMANDS, strict=True) if normalize(p) in h]
    assert len(right) >= len(COMMANDS) - 1, list(zip(COMMANDS, heard, strict=True))


def test_a_short_command_under_question_biasing_does_not_loop(transcriber, say) -> None:
    audio = np.concatenate([silence(0.3), say("repeat the question"), silence(0.5)])
    for beam in (1, 5):
        request = DecodeRequest(beam_size=beam, hotwords="eigenvector eigenvalue invariant subspace span")
        assert normalize(transcriber.transcribe(audio, request).text) == "repeat the question"
