"""What the study service returns: frozen dataclasses whose `to_json()` is the API's body."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from drills.grading import GradeResult


@dataclass(frozen=True)
class LearnerView:
    learner_id: str
    name: str
    start_date: str
    interview_date: str | None
    double_up: bool

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RemedialView:
    kind: str
    """pod | remedial_focus | moved_topic."""
    ref: str
    title: str


@dataclass(frozen=True)
class PlanStatus:
    day: int
    day_type: str
    unit: int | None
    title: str
    week: int
    takeaways: tuple[str, ...]
    summary: str
    fits: bool
    fit_message: str | None
    baseline_done: bool
    remedial: tuple[RemedialView, ...]
    double_up: bool
    days: tuple[int, ...]
    """The plan days the next drill session covers (two when doubling up)."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class QuestionView:
    id: str
    kind: str
    """theory | design | eli5 | behavioural | baseline."""
    prompt: str
    terms: tuple[str, ...]
    unit: int | None
    day: int | None
    title: str
    part: str


@dataclass(frozen=True)
class Turn:
    """A question being asked (next-question, current, retry) or the end of the session."""

    done: bool
    position: int | None = None
    total: int | None = None
    attempt_id: str | None = None
    question: QuestionView | None = None
    summary: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SessionStarted:
    session_id: str
    mode: str
    total: int
    intro: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TranscriptInput:
    text: str
    final: bool = True
    audio_id: str | None = None
    duration: float | None = None
    confidence: float | None = None
    words: list[Any] | None = None
    typed: bool = False
    carried: str | None = None
    """What the learner said toward this attempt before a reconnect that no final covered (the
    partial saved when the connection dropped). A final candidate is `carried` + `text` while
    no answer to the attempt has been confirmed yet."""


@dataclass(frozen=True)
class StoredCandidate:
    """A candidate answer stored and graded by the client, before the dialogue decides about it."""

    grade: GradeResult
    candidate: str | None
    """Names the stored final candidate: the dialogue confirms this one (None for a partial)."""
    reply: str | None = None
    """What confirming this candidate makes Viva say (`AnswerFeedback.feedback`), known before the
    dialogue decides: a voice client starts synthesising it beside the Rasa turn. None for a partial."""

    def to_json(self) -> dict[str, Any]:
        return {"grading": self.grade.to_json(), "candidate": self.candidate, "reply": self.reply}


@dataclass(frozen=True)
class AnswerFeedback:
    feedback: str
    """The complete spoken reply (for an ELI5 jargon retry it ends with the retry request)."""
    score: float
    covered: tuple[str, ...]
    missed: tuple[str, ...]
    retry: bool = False
    retry_prompt: str | None = None
    jargon_used: tuple[str, ...] = ()

    @classmethod
    def from_grade(cls, grade: GradeResult, feedback: str, retry_prompt: str | None) -> AnswerFeedback:
        return cls(
            feedback,
            grade.score,
            grade.covered,
            grade.missed,
            retry_prompt is not None,
            retry_prompt,
            grade.jargon_used,
        )

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
