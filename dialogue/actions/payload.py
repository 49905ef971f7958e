"""The `custom` payload every bot message carries (docs/internal-api.md), and the question state
the actions keep in slots to build it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

ANSWER = "answer"
COMMAND = "command"
IDLE = "idle"
RATING = "rating"

PAYLOAD_VERSION = 1
_QUESTION_FIELDS = ("id", "kind", "unit", "day", "title", "prompt")
_CARD_FIELDS = ("id", "deck", "front", "spoken_front", "state", "cram")

# What the learner may say next during a card review: the voice bot biases recognition
# towards these and picks its endpointing from the mode (docs/voice-protocol.md).
EXPECT_ANSWER = ("show me", "i don't know", "skip", "repeat", "how many left", "pause", "stop")
EXPECT_RATING = ("again", "hard", "good", "easy", "repeat", "skip", "how many left", "pause", "stop")


@dataclass(frozen=True)
class OpenQuestion:
    """The attempt the learner is (or was last) answering and its question."""

    attempt_id: str
    question: dict[str, Any]
    """The API's question object: id, kind, prompt, terms, unit, day, title."""
    position: int | None = None
    total: int | None = None

    @property
    def prompt(self) -> str:
        return str(self.question.get("prompt") or "")

    @classmethod
    def from_api(
        cls, body: dict[str, Any], position: int | None = None, total: int | None = None
    ) -> OpenQuestion | None:
        """From a next-question, current or retry reply; None when it holds no attempt."""
        attempt_id = body.get("attempt_id")
        question = body.get("question")
        if not attempt_id or not isinstance(question, dict) or not question.get("prompt"):
            return None
        return cls(
            attempt_id=str(attempt_id),
            question=question,
            position=body.get("position", position),
            total=body.get("total", total),
        )

    @classmethod
    def from_slots(cls, tracker: Tracker) -> OpenQuestion | None:
        attempt_id = tracker.get_slot("attempt_id")
        question = tracker.get_slot("question")
        if not attempt_id or not isinstance(question, dict):
            return None
        return cls(
            attempt_id=str(attempt_id),
            question=question,
            position=tracker.get_slot("position"),
            total=tracker.get_slot("total"),
        )

    def slot_events(self) -> list[SlotSet]:
        return [
            SlotSet("attempt_id", self.attempt_id),
            SlotSet("question_id", self.question.get("id")),
            SlotSet("question_kind", self.question.get("kind")),
            SlotSet("question", self.question),
            SlotSet("position", self.position),
            SlotSet("total", self.total),
            # A new attempt starts with no answer: otherwise the form would count it as filled.
            SlotSet("answer_text", None),
        ]


def build(
    mode: str,
    open_question: OpenQuestion | None = None,
    rate: float | None = None,
    card: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload for one bot message.

    Attempt, question, terms and position only apply while the learner answers (mode `answer`):
    in `command` or `idle` mode the client must not post transcripts against an attempt.
    `rate` is set only on the reply to "slower"/"faster"; the client keeps it until changed.
    `card` (the card slot) applies while a card is reviewed: mode `answer` for its front,
    `rating` once its back was said; `expect` then lists what the learner may say.
    """
    payload: dict[str, Any] = {
        "viva": PAYLOAD_VERSION,
        "mode": mode,
        "attempt_id": None,
        "question": None,
        "terms": None,
        "rate": rate,
        "position": None,
        "total": None,
        "card": None,
        "expect": None,
    }
    if mode in (ANSWER, RATING) and card:
        payload.update(
            card={k: card.get(k) for k in _CARD_FIELDS} | {"remaining": card.get("remaining")},
            position=card.get("position"),
            total=card.get("total"),
            expect=list(EXPECT_RATING if mode == RATING else EXPECT_ANSWER),
        )
        return payload
    if mode == ANSWER and open_question is not None:
        q = open_question.question
        payload.update(
            attempt_id=open_question.attempt_id,
            question={k: q.get(k) for k in _QUESTION_FIELDS},
            terms=list(q.get("terms") or []),
            position=open_question.position,
            total=open_question.total,
        )
    return payload
