"""The voice side of a card review, without models: how the recogniser listens while a card's
answer or its rating is expected, and what a silence does (re-prompt once, then pause)."""

from __future__ import annotations

import pytest

from asr.options import EndpointProfile, VadOptions
from asr.policy import DecodeKind
from dialogue.payload import CardRef, TurnState
from tests.asr.test_policy import Script, silence_before_end
from voicebot.listening import listening_for
from voicebot.silence import CARD_REPROMPT, RATING_REPROMPT, REPROMPT, NudgeKind, SilencePolicy, is_pause

CARD = CardRef(id=42, deck="Viva::03", front="Gini impurity", spoken_front="What does Gini impurity measure?")
EXPECT_RATING = ("again", "hard", "good", "easy", "repeat", "skip", "how many left", "pause", "stop")
EXPECT_ANSWER = ("show me", "i don't know", "skip", "repeat", "how many left", "pause", "stop")
RATING = TurnState(mode="rating", card=CARD, expect=EXPECT_RATING, position=1, total=3)
CARD_ANSWER = TurnState(mode="answer", card=CARD, expect=EXPECT_ANSWER, position=1, total=3)
DRILL_ANSWER = TurnState(mode="answer", attempt_id="a" * 32, terms=("gini", "entropy"))
COMMAND = TurnState(mode="command")


def scripted(state: TurnState) -> Script:
    listening = listening_for(state)
    return Script(listening.profile, commands=listening.commands, hotwords=listening.hotwords)


def say_once(script: Script, text: str, speech_ms: int = 600) -> float:
    """Speech, then the speculative decode of it returns `text`; returns when speech ended."""
    script.silence(300)
    script.speak(speech_ms)
    ended = script.now
    script.silence(90)  # the pause began: the speculation was issued
    script.answer(DecodeKind.SPECULATION, text)
    return ended


def test_a_rating_is_listened_for_with_short_endpointing_and_rating_words_first() -> None:
    listening = listening_for(RATING)
    assert listening.profile is EndpointProfile.COMMAND
    assert listening.hotwords.split()[:4] == ["again", "hard", "good", "easy"]
    for phrase in ("good", "got it", "nailed it", "missed it", "too easy", "again", "hard", "easy", "how many left"):
        assert phrase in listening.commands


def test_a_cards_answer_is_patient_and_biased_to_the_review_commands() -> None:
    listening = listening_for(CARD_ANSWER)
    assert listening.profile is EndpointProfile.ANSWER
    assert "show me" in listening.hotwords and "show me" in listening.commands
    assert "good" not in listening.commands  # a card's answer may be "good": it is not a command here
    drill = listening_for(DRILL_ANSWER)
    assert drill.profile is EndpointProfile.ANSWER and drill.hotwords.startswith("gini entropy")
    assert listening_for(COMMAND).profile is EndpointProfile.COMMAND


@pytest.mark.parametrize("said", ["Nailed it.", "Missed it!", "Too easy.", "I knew it"])
def test_a_two_word_rating_ends_its_turn_within_the_command_pause(said: str) -> None:
    s = scripted(RATING)
    ended = say_once(s, said)
    s.silence(300)
    final = s.finals()[0]
    assert final.text == said and final.reason == "command_phrase"
    assert silence_before_end(s, ended) <= VadOptions().command_pause_ms


def test_good_while_a_rating_is_expected_ends_as_a_command_within_the_command_hangover() -> None:
    s = scripted(RATING)
    ended = say_once(s, "Good.", speech_ms=400)
    s.silence(450)
    final = s.finals()[0]
    assert final.text == "Good." and final.reason == "command_phrase"
    assert silence_before_end(s, ended) < VadOptions().command_hangover_ms + 60


def test_a_one_word_answer_to_a_card_waits_for_more() -> None:
    s = scripted(CARD_ANSWER)
    say_once(s, "Entropy.", speech_ms=500)
    s.silence(900)
    assert s.finals() == []  # the answer profile holds: "entropy, because …" may follow
    s2 = scripted(CARD_ANSWER)
    ended = say_once(s2, "Show me.", speech_ms=500)
    s2.silence(400)
    assert s2.finals()[0].reason == "command_phrase"
    assert silence_before_end(s2, ended) < VadOptions().command_hangover_ms + 60


# -- silences ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "reprompt"), [(CARD_ANSWER, CARD_REPROMPT), (RATING, RATING_REPROMPT)])
def test_a_card_review_reprompts_once_then_pauses_then_waits(state: TurnState, reprompt: str) -> None:
    policy = SilencePolicy(after_s=20.0)
    assert policy.wait_for(state) == 20.0
    assert policy.nudge(state).text == reprompt  # type: ignore[union-attr]
    assert policy.wait_for(state) == 20.0
    assert policy.nudge(state).kind is NudgeKind.PAUSE  # type: ignore[union-attr]
    assert policy.paused
    assert policy.wait_for(state) is None and policy.nudge(state) is None  # the pause's reply: no nudging
    policy.learner_acted("repeat")
    assert not policy.paused and policy.nudge(state).kind is NudgeKind.REPROMPT  # type: ignore[union-attr]


def test_a_drill_answer_is_nudged_once_and_commands_never() -> None:
    policy = SilencePolicy(after_s=25.0)
    assert policy.nudge(DRILL_ANSWER).text == REPROMPT  # type: ignore[union-attr]
    assert policy.wait_for(DRILL_ANSWER) is None
    assert policy.wait_for(COMMAND) is None and policy.nudge(COMMAND) is None
    assert SilencePolicy(after_s=0).wait_for(RATING) is None


def test_a_pause_the_learner_asks_for_holds_until_they_act_again() -> None:
    policy = SilencePolicy(after_s=25.0)
    policy.learner_acted("Pause.")
    assert policy.paused and policy.wait_for(RATING) is None
    policy.learner_acted("good")
    assert policy.wait_for(RATING) == 25.0
    assert is_pause("/pause") and is_pause("Hold on!") and not is_pause("paused gradient descent")
