"""The study calls clients make in-process, adapted from `StudyService` to plain values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogue.payload import QuestionRef, TurnState
from drills.results import TranscriptInput
from drills.service import StudyService


class StudyPort:
    """What text mode and the voice bot need from the study service (blocking calls)."""

    def __init__(self, service: StudyService) -> None:
        self.service = service

    def record_transcript(self, attempt_id: str, text: str, **details: Any) -> Mapping[str, Any]:
        """Store and grade a candidate answer: `{"grading": {…}, "candidate": key, "reply": …}`
        (`reply`: what confirming it makes Viva say)."""
        return self.service.record_transcript(attempt_id, TranscriptInput(text=text, **details)).to_json()

    def attach_audio(self, attempt_id: str, path: str) -> None:
        self.service.attach_audio(attempt_id, path)

    def save_partial(self, attempt_id: str, text: str, duration: float | None) -> None:
        self.service.save_partial(attempt_id, text, duration)

    def said_so_far(self, attempt_id: str) -> str:
        return self.service.said_so_far(attempt_id)

    def card_back(self, card_id: int) -> str:
        """What Viva says when the card's back is revealed (nothing changes)."""
        return self.service.cards.back_text(card_id)

    def open_turn_state(self, learner_id: str) -> TurnState | None:
        """The open question as a turn state (to resume after a reconnect), or None."""
        turn = self.service.current(learner_id)
        if turn.done or not turn.attempt_id or turn.question is None:
            return None
        q = turn.question
        return TurnState(
            mode="answer",
            attempt_id=turn.attempt_id,
            question=QuestionRef(q.id, q.kind, q.prompt, q.unit, q.day, q.title),
            terms=tuple(q.terms),
            position=turn.position,
            total=turn.total,
        )
