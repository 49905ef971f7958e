"""The keyword grader: SCHEMA.md's `match` rules. Fast and model-free, so `viva content check`
uses it, and the semantic grader falls back to it when its worker is unavailable.

It cannot tell right from wrong (an answer with the roles swapped still matches every entry);
`SemanticGrader` can.
"""

from __future__ import annotations

from collections.abc import Iterator

from drills.content_model import ContentPack
from drills.exceptions import ContentIssue
from drills.grading.protocol import Gradable, Grader
from drills.grading.result import GradeResult, PointJudgement, summarise
from drills.matching import compile_entry, normalise, term_used


class KeyPointGrader:
    """A key point is a hit when every one of its match entries is found in the answer, else a miss."""

    method = "keyword"

    def grade(self, question: Gradable, text: str) -> GradeResult:
        words = normalise(text)
        points: list[PointJudgement] = []
        for point in question.key_points:
            found = [compile_entry(entry).search(words) for entry in point.match]
            if point.match and all(found):
                evidence = ", ".join(m.group(0) for m in found if m)
                points.append(PointJudgement(point.text, "hit", 1.0, evidence))
            else:
                points.append(PointJudgement(point.text, "miss", 1.0))
        return keyword_result(question, words, tuple(points), self.method)


def keyword_result(question: Gradable, words: str, points: tuple[PointJudgement, ...], method: str) -> GradeResult:
    score, content, rating = summarise(points)
    jargon = tuple(t for t in question.avoid_jargon if term_used(t, words)) if question.kind == "eli5" else ()
    return GradeResult(
        score,
        tuple(p.point for p in points if p.label == "hit"),
        tuple(p.point for p in points if p.label != "hit"),
        jargon,
        points,
        content,
        rating,
        method=method,
    )


def self_check(pack: ContentPack, grader: Grader | None = None) -> Iterator[ContentIssue]:
    """Each question's own model answer (ELI5: its reference) must cover all its key points,
    and an ELI5 reference must not use its own jargon.

    `viva content check` runs it with the keyword rules (milliseconds for the whole pack, no
    model to load); any `Grader` can be passed."""
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
