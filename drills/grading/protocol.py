"""The grading seam: what a grader needs of a question, and the one-method `Grader`."""

from __future__ import annotations

from typing import Protocol

from drills.content_model import KeyPoint
from drills.grading.result import GradeResult


class Gradable(Protocol):
    """What a grader needs of a question (Question and BaselineItem both qualify).

    Graders also read `prompt`, `terms`, `answer_text` and `unit` when present."""

    @property
    def kind(self) -> str: ...
    @property
    def key_points(self) -> tuple[KeyPoint, ...]: ...
    @property
    def avoid_jargon(self) -> tuple[str, ...]: ...


class Grader(Protocol):
    def grade(self, question: Gradable, text: str) -> GradeResult: ...
