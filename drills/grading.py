"""Grading an answer against a question's key points.

`Grader` is the seam: `KeyPointGrader` applies SCHEMA.md's match rules; an embedding-based
grader can replace it later behind the same one-method Protocol.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from drills.content_model import ContentPack, KeyPoint
from drills.exceptions import ContentIssue
from drills.matching import entry_matches, normalise, term_used


class Gradable(Protocol):
    """What a grader needs of a question (Question and BaselineItem both qualify)."""

    @property
    def kind(self) -> str: ...
    @property
    def key_points(self) -> tuple[KeyPoint, ...]: ...
    @property
    def avoid_jargon(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class GradeResult:
    score: float
    """Fraction of key points covered, 0..1."""
    covered: tuple[str, ...]
    """Texts of the key points the answer covered, in rubric order."""
    missed: tuple[str, ...]
    jargon_used: tuple[str, ...] = ()
    """ELI5 only: the question's avoid_jargon terms that appear in the answer."""

    def to_json(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "covered": list(self.covered),
            "missed": list(self.missed),
            "jargon_used": list(self.jargon_used),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GradeResult:
        return cls(
            float(data.get("score", 0.0)),
            tuple(data.get("covered", ())),
            tuple(data.get("missed", ())),
            tuple(data.get("jargon_used", ())),
        )


class Grader(Protocol):
    def grade(self, question: Gradable, text: str) -> GradeResult: ...


class KeyPointGrader:
    """A key point is covered when every one of its match entries is found in the answer."""

    def grade(self, question: Gradable, text: str) -> GradeResult:
        words = normalise(text)
        covered: list[str] = []
        missed: list[str] = []
        for point in question.key_points:
            hit = all(entry_matches(entry, words) for entry in point.match)
            (covered if hit else missed).append(point.text)
        total = len(question.key_points)
        score = round(len(covered) / total, 4) if total else 0.0
        jargon = tuple(t for t in question.avoid_jargon if term_used(t, words)) if question.kind == "eli5" else ()
        return GradeResult(score, tuple(covered), tuple(missed), jargon)


def self_check(pack: ContentPack, grader: Grader | None = None) -> Iterator[ContentIssue]:
    """Each question's own model answer (ELI5: its reference) must cover all its key points,
    and an ELI5 reference must not use its own jargon."""
    grader = grader or KeyPointGrader()
    for item in pack.all_items():
        result = grader.grade(item, item.answer_text)
        for index, point in enumerate(item.key_points, start=1):
            if point.text in result.missed:
                yield ContentIssue(
                    item.file,
                    item.line,
                    f"{item.id}: the model answer does not cover key point {index}",
                )
        for term in result.jargon_used:
            yield ContentIssue(item.file, item.line, f"{item.id}: the reference uses the jargon '{term}'")
