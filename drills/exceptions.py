"""Errors raised by the drills package."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class ContentIssue:
    """One problem in the content files: where it is and what is wrong."""

    file: str
    """Path relative to the content directory, e.g. `units/01-linear-algebra.yaml`."""
    line: int
    """1-based line of the offending node (0 when the whole file is missing)."""
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class DrillsError(Exception):
    """Base class for errors of the drills package."""


class ContentError(DrillsError):
    """The content pack is invalid; `issues` lists every problem found, not just the first."""

    def __init__(self, issues: Iterable[ContentIssue]) -> None:
        self.issues: tuple[ContentIssue, ...] = tuple(sorted(issues))
        lines = "\n".join(str(issue) for issue in self.issues)
        super().__init__(f"{len(self.issues)} problem(s) in the content:\n{lines}")


class StudyError(DrillsError):
    """A request the study service refuses; `str(error)` is a short sentence fit to speak."""

    status = 400


class BadRequest(StudyError):
    """The input is malformed or empty."""

    status = 400


class NotFound(StudyError):
    """Unknown learner, attempt or question."""

    status = 404


class Conflict(StudyError):
    """The request does not fit the current state (no session, attempt already closed…)."""

    status = 409
