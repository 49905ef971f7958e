"""Bot turns as the clients see them: text plus the machine-readable `custom` state.

Rasa's REST channel returns a text message followed by a separate `{"custom": …}` message for
each utterance; `parse_turns` pairs them back into one `BotTurn`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from drills.ids import is_attempt_id

log = logging.getLogger(__name__)

MODES = ("answer", "command", "idle", "rating")


@dataclass(frozen=True)
class QuestionRef:
    id: str
    kind: str
    prompt: str = ""
    unit: int | None = None
    day: int | None = None
    title: str = ""


@dataclass(frozen=True)
class CardRef:
    """The card being reviewed (payload `card`)."""

    id: int
    deck: str = ""
    front: str = ""
    spoken_front: str = ""
    state: str = ""
    cram: bool = False
    remaining: int | None = None


@dataclass(frozen=True)
class TurnState:
    """What the learner is doing now, as the last bot turn said."""

    mode: str = "command"
    attempt_id: str | None = None
    question: QuestionRef | None = None
    terms: tuple[str, ...] = ()
    rate: float | None = None
    position: int | None = None
    total: int | None = None
    card: CardRef | None = None
    """Set while a card is reviewed: mode `answer` for its front, `rating` for its rating."""
    expect: tuple[str, ...] = ()
    """During a card review: what the learner may say next (for recognition biasing)."""

    @property
    def answering(self) -> bool:
        """A question's answer is expected (the client stores candidate answers first)."""
        return self.mode == "answer" and self.attempt_id is not None

    @property
    def rating(self) -> bool:
        return self.mode == "rating" and self.card is not None

    def as_json(self) -> dict[str, Any]:
        question = None
        if self.question is not None:
            q = self.question
            question = {"id": q.id, "kind": q.kind, "prompt": q.prompt, "unit": q.unit, "day": q.day, "title": q.title}
        return {
            "mode": self.mode,
            "attempt_id": self.attempt_id,
            "question": question,
            "terms": list(self.terms),
            "rate": self.rate,
            "position": self.position,
            "total": self.total,
            "card": None if self.card is None else asdict(self.card),
            "expect": list(self.expect),
        }


@dataclass(frozen=True)
class BotTurn:
    text: str
    state: TurnState | None = None
    """None when the message carried no payload (the previous state stands)."""
    raw: Mapping[str, Any] = field(default_factory=dict)


def parse_state(custom: Mapping[str, Any]) -> TurnState:
    question = custom.get("question")
    ref = None
    if isinstance(question, Mapping) and question.get("id"):
        ref = QuestionRef(
            id=str(question["id"]),
            kind=str(question.get("kind") or ""),
            prompt=str(question.get("prompt") or ""),
            unit=_int(question.get("unit")),
            day=_int(question.get("day")),
            title=str(question.get("title") or ""),
        )
    mode = str(custom.get("mode") or "command")
    rate = custom.get("rate")
    card = custom.get("card")
    card_ref = None
    if isinstance(card, Mapping) and _int(card.get("id")) is not None:
        card_ref = CardRef(
            id=int(card["id"]),
            deck=str(card.get("deck") or ""),
            front=str(card.get("front") or ""),
            spoken_front=str(card.get("spoken_front") or ""),
            state=str(card.get("state") or ""),
            cram=bool(card.get("cram")),
            remaining=_int(card.get("remaining")),
        )
    return TurnState(
        mode=mode if mode in MODES else "command",
        attempt_id=_attempt_id(custom.get("attempt_id")),
        question=ref,
        terms=tuple(str(t) for t in custom.get("terms") or () if str(t).strip()),
        rate=float(rate) if isinstance(rate, (int, float)) else None,
        position=_int(custom.get("position")),
        total=_int(custom.get("total")),
        card=card_ref,
        expect=tuple(str(e) for e in custom.get("expect") or ()),
    )


def _attempt_id(value: object) -> str | None:
    """The payload's attempt id if it has an attempt id's shape: it names a recording file."""
    if not value:
        return None
    if not is_attempt_id(value):
        log.warning("ignored a Rasa payload whose attempt_id is not an attempt id")
        return None
    return str(value)


def _int(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def parse_turns(messages: Sequence[Mapping[str, Any]]) -> list[BotTurn]:
    """Pair each text message with the `custom` message that follows it."""
    turns: list[BotTurn] = []
    for message in messages:
        custom = message.get("custom")
        text = message.get("text")
        if isinstance(custom, Mapping) and custom.get("viva"):
            state = parse_state(custom)
            if text:
                turns.append(BotTurn(str(text), state, message))
            elif turns and turns[-1].state is None:
                turns[-1] = BotTurn(turns[-1].text, state, message)
            else:
                turns.append(BotTurn(str(custom.get("text") or ""), state, message))
        elif text:
            turns.append(BotTurn(str(text), None, message))
    return [t for t in turns if t.text or t.state is not None]


def latest_state(turns: Sequence[BotTurn], previous: TurnState) -> TurnState:
    for turn in reversed(turns):
        if turn.state is not None:
            return turn.state
    return previous
