"""The data channel `viva`: page messages parsed into typed inputs, and the messages Viva sends.

No aiortc here: `parse` takes the channel's raw message, the builders return plain dicts, and
`encode` makes the text the session sends. docs/voice-protocol.md lists every message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from dialogue.conversation import START_INTENTS
from dialogue.payload import TurnState
from voicebot.silence import PAUSE_INTENT

MAX_TEXT_CHARS = 10_000
"""A typed line longer than this is cut (the store cuts answers shorter still)."""

CONTROL_INTENTS = {
    "repeat": "/repeat",
    "skip": "/skip",
    "stop": "/stop",
    "slower": "/slower",
    "faster": "/faster",
    "pause": PAUSE_INTENT,
}
"""The page's buttons that are dialogue commands (`done` is not: it ends the spoken answer)."""
DONE = "done"


# -- page → Viva ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hello:
    """The channel opened; `resume` after a reconnect (ask the open question again)."""

    resume: bool


@dataclass(frozen=True)
class Start:
    """Start a study mode; `intent` is what the dialogue is sent (`/start_drill`, …)."""

    intent: str


@dataclass(frozen=True)
class TypedText:
    text: str


@dataclass(frozen=True)
class Control:
    """A button: `done` (end the spoken answer now) or one of `CONTROL_INTENTS`."""

    action: str

    @property
    def intent(self) -> str | None:
        return CONTROL_INTENTS.get(self.action)


@dataclass(frozen=True)
class Ping:
    t: Any


@dataclass(frozen=True)
class Unreadable:
    """Not JSON, or not a JSON object: the page is told."""


PageMessage = Hello | Start | TypedText | Control | Ping | Unreadable


def parse(raw: object) -> PageMessage | None:
    """The page's message as a typed input; None for one Viva ignores (an unknown type, a
    `start` of an unknown mode, a `text` without text, an unknown button)."""
    try:
        data = json.loads(raw) if isinstance(raw, str) else None
    except (json.JSONDecodeError, RecursionError):  # RecursionError: "[[[[…" nested too deep
        data = None
    if not isinstance(data, dict):
        return Unreadable()
    kind = data.get("type")
    if kind == "hello":
        return Hello(bool(data.get("resume")))
    if kind == "start":
        mode = data.get("mode")
        intent = START_INTENTS.get(mode) if isinstance(mode, str) else None
        return Start(intent) if intent is not None else None
    if kind == "text" and isinstance(data.get("text"), str):
        return TypedText(data["text"][:MAX_TEXT_CHARS])
    if kind == "control":
        action = str(data.get("action"))
        return Control(action) if action == DONE or action in CONTROL_INTENTS else None
    if kind == "ping":
        return Ping(data.get("t"))
    return None


# -- Viva → page ------------------------------------------------------------------------------

UNREADABLE = "unreadable message"
TURN_FAILED = "Sorry, something went wrong with that turn. Please try again."


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message)


def state(turn: TurnState, learner_id: str, *, speaking: bool, thinking: bool = False) -> dict[str, Any]:
    """The whole UI state, sent on every change."""
    return {
        "type": "state",
        "listening": not speaking and not thinking,
        "speaking": speaking,
        "thinking": thinking,
        **turn.as_json(),
        "learner": {"id": learner_id},
    }


def speech_started() -> dict[str, Any]:
    return {"type": "speech_started"}


def partial(text: str) -> dict[str, Any]:
    return {"type": "partial", "text": text}


def final(text: str, confidence: float) -> dict[str, Any]:
    return {"type": "final", "text": text, "confidence": confidence}


def bot(text: str) -> dict[str, Any]:
    """A caption: what Viva is saying now."""
    return {"type": "bot", "text": text}


def barge_in() -> dict[str, Any]:
    return {"type": "barge_in"}


def error(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}


def taken_over(message: str) -> dict[str, Any]:
    return {"type": "taken_over", "message": message}


def pong(t: Any) -> dict[str, Any]:
    return {"type": "pong", "t": t}
