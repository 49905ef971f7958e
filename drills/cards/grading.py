"""How close a spoken answer came to a card's back, and the rating that suggests.

A card is graded as a question with one key point, its spoken back, with no match entries.
Only the semantic grader can judge such a point; when the answer was graded by keyword rules
(`grading.engine = "keyword"`, or the grader worker's fallback) it scores 0 whatever was said,
so Viva says nothing about closeness then."""

from __future__ import annotations

from dataclasses import dataclass

from drills.cards.scheduler import Rating
from drills.content_model import KeyPoint
from drills.grading import Grader

KEYWORD_METHODS = ("keyword", "keyword-fallback")
"""`GradeResult.method` values of graders that need match entries to find anything."""


@dataclass(frozen=True)
class CardGradable:
    """A card as `Grader.grade` sees it."""

    key_points: tuple[KeyPoint, ...]
    kind: str = "card"
    avoid_jargon: tuple[str, ...] = ()


@dataclass(frozen=True)
class Closeness:
    score: float
    """0..1, the grader's score."""
    suggested: Rating


def suggest(score: float) -> Rating:
    """A rating from a score when the grader does not suggest one."""
    if score >= 0.9:
        return Rating.EASY
    if score >= 0.6:
        return Rating.GOOD
    if score >= 0.35:
        return Rating.HARD
    return Rating.AGAIN


def closeness(grader: Grader, spoken_back: str, answer: str) -> Closeness | None:
    """The answer's closeness to the back, or None when grading is not available."""
    if not answer.strip() or not spoken_back.strip():
        return None
    result = grader.grade(CardGradable((KeyPoint(text=spoken_back, match=()),)), answer)
    if result.method in KEYWORD_METHODS:
        return None
    suggested = result.suggested_rating
    try:
        rating = Rating.parse(suggested) if suggested is not None else suggest(result.score)
    except ValueError:
        rating = suggest(result.score)
    return Closeness(round(float(result.score), 4), rating)
