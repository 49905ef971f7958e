"""What the review page shows, as frozen dataclasses with `to_json` (times as ISO 8601, UTC)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from drills.grading.calibration import content_score
from drills.grading.result import LABELS

COMPETENCIES: tuple[str, ...] = ("concept_accuracy", "depth", "clarity", "structure", "communication")
"""The mentor rubric's competencies, each scored 1 (weak) to 4 (strong)."""
COMPETENCY_SCALE = (1, 4)
REVIEW_LABELS = LABELS
"""What a person may say of a key point: the grader's four labels."""


def iso(moment: datetime | None) -> str | None:
    """SQLite hands back naive UTC datetimes; the page gets explicit UTC."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()


def auto_score(grading: Mapping[str, Any] | None) -> int | None:
    """The grader's 0-5 content score (older records: from the 0-1 score)."""
    if not grading:
        return None
    if isinstance(grading.get("content_score"), int):
        return int(grading["content_score"])
    score = grading.get("score")
    return round(5 * float(score)) if isinstance(score, (int, float)) else None


def mentor_score(auto_labels: Sequence[str], overrides: Mapping[int, str]) -> int | None:
    """The 0-5 content score with a person's labels in place of the grader's (None: not reviewed)."""
    if not overrides or not auto_labels:
        return None
    return content_score([overrides.get(i, label) for i, label in enumerate(auto_labels)])


@dataclass(frozen=True)
class Filters:
    unit: int | None = None
    kind: str | None = None
    """Question kind: theory | design | eli5 | behavioural."""
    min_score: int | None = None
    """On the grader's 0-5 content score (answers without one never pass a score filter)."""
    max_score: int | None = None

    def admits(self, unit: int | None, kind: str, score: int | None) -> bool:
        if self.unit is not None and unit != self.unit:
            return False
        if self.kind and kind != self.kind:
            return False
        if self.min_score is not None and (score is None or score < self.min_score):
            return False
        return not (self.max_score is not None and (score is None or score > self.max_score))


@dataclass(frozen=True)
class AnswerSummary:
    id: str
    position: int
    try_no: int
    question_id: str
    prompt: str
    kind: str
    unit: int | None
    part: str
    status: str
    day: int | None
    answered_at: str | None
    auto_score: int | None
    mentor_score: int | None
    has_audio: bool
    duration: float | None


@dataclass(frozen=True)
class SessionSummary:
    id: str
    learner_id: str
    mode: str
    status: str
    started_at: str | None
    days: tuple[int, ...]
    units: tuple[int, ...]
    answers: tuple[AnswerSummary, ...]
    auto_mean: float | None
    """Mean of the shown answers' 0-5 content scores."""
    mentor_mean: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PointView:
    index: int
    point: str
    label: str
    """The grader's label."""
    confidence: float
    evidence: str
    start: int
    end: int
    contrast: str
    mentor_label: str | None = None
    reviewer: str | None = None


@dataclass(frozen=True)
class CommentView:
    id: int
    at: float | None
    text: str
    author: str
    created_at: str | None


@dataclass(frozen=True)
class ReviewView:
    """What people said of an answer, beside the grader."""

    points: tuple[PointView, ...]
    competencies: dict[str, int]
    comments: tuple[CommentView, ...]
    auto_score: int | None
    mentor_score: int | None
    competency_mean: float | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class AnswerDetail:
    id: str
    learner_id: str
    session_id: str | None
    question: dict[str, Any]
    """id, prompt, kind, unit, unit_title, model_answer, key_points."""
    status: str
    part: str
    day: int | None
    answered_at: str | None
    text: str
    typed: bool
    duration: float | None
    tokens: tuple[dict[str, Any], ...]
    has_audio: bool
    grading: dict[str, Any]
    """content_score, score, rating, method, eli5, delivery (the stored grading's figures)."""
    review: ReviewView
    history: tuple[dict[str, Any], ...] = field(default=())
    """Earlier explanations an ELI5 retry replaced: text and score."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
