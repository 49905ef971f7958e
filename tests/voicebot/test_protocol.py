"""The data channel's messages, parsed and built without a connection (voicebot/protocol.py)."""

import json

import pytest

from dialogue.payload import QuestionRef, TurnState
from voicebot import protocol
from voicebot.protocol import Control, Hello, Ping, Start, TypedText, Unreadable


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ('{"type": "hello"}', Hello(False)),
        ('{"type": "hello", "resume": true}', Hello(True)),
        ('{"type": "start", "mode": "drill"}', Start("/start_drill")),
        ('{"type": "start", "mode": "flashcards"}', Start("/start_flashcards")),
        ('{"type": "text", "text": "eigenvectors are scaled"}', TypedText("eigenvectors are scaled")),
        ('{"type": "control", "action": "done"}', Control("done")),
        ('{"type": "control", "action": "skip"}', Control("skip")),
        ('{"type": "control", "action": "pause"}', Control("pause")),
        ('{"type": "ping", "t": 12.5}', Ping(12.5)),
    ],
)
def test_page_messages_become_typed_inputs(raw: str, parsed: protocol.PageMessage) -> None:
    assert protocol.parse(raw) == parsed


@pytest.mark.parametrize(
    "raw", ["not json", "[1, 2]", '"hello"', "42", b'{"type": "hello"}', None, "[" * 100_000 + "]" * 100_000]
)
def test_unreadable_messages_are_reported(raw: object) -> None:
    assert protocol.parse(raw) == Unreadable()


@pytest.mark.parametrize(
    "raw",
    [
        '{"type": "start", "mode": "karaoke"}',
        '{"type": "start", "mode": ["drill"]}',
        '{"type": "text", "text": 42}',
        '{"type": "control", "action": "explode"}',
        '{"type": "teleport"}',
        "{}",
    ],
)
def test_messages_viva_does_not_act_on_are_ignored(raw: str) -> None:
    assert protocol.parse(raw) is None


def test_typed_text_is_cut_to_the_limit() -> None:
    parsed = protocol.parse(json.dumps({"type": "text", "text": "a" * (protocol.MAX_TEXT_CHARS + 50)}))
    assert isinstance(parsed, TypedText) and len(parsed.text) == protocol.MAX_TEXT_CHARS


def test_buttons_map_to_dialogue_intents_and_done_does_not() -> None:
    assert Control("repeat").intent == "/repeat"
    assert Control("stop").intent == "/stop"
    assert Control("done").intent is None


def test_state_message_carries_the_turn_and_who_is_listening() -> None:
    turn = TurnState(mode="answer", attempt_id="a1", question=QuestionRef("q1", "theory", "Why?"), position=2, total=3)
    message = json.loads(protocol.encode(protocol.state(turn, "ada", speaking=True)))
    assert message["type"] == "state" and message["mode"] == "answer" and message["question"]["prompt"] == "Why?"
    assert message["learner"] == {"id": "ada"} and (message["position"], message["total"]) == (2, 3)
    assert message["speaking"] and not message["listening"] and not message["thinking"]
    thinking = protocol.state(turn, "ada", speaking=False, thinking=True)
    assert not thinking["listening"] and thinking["thinking"]
    assert protocol.state(turn, "ada", speaking=False)["listening"]


def test_outgoing_messages_have_the_documented_shape() -> None:
    assert protocol.final("skip", 0.9) == {"type": "final", "text": "skip", "confidence": 0.9}
    assert protocol.bot("Okay, skipped.") == {"type": "bot", "text": "Okay, skipped."}
    assert protocol.pong(3.5) == {"type": "pong", "t": 3.5}
    assert protocol.error("nope") == {"type": "error", "message": "nope"}
    assert protocol.taken_over("gone") == {"type": "taken_over", "message": "gone"}
