"""What a fuzz run counts per target, and the case runner's time limit."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from dataclasses import dataclass, field

CASE_TIMEOUT_S = 20
"""An in-process case that takes longer is a hang (a failure), not a slow success."""


class CaseTimeout(Exception):
    """Raised in the main thread when a case overruns `CASE_TIMEOUT_S`."""


@contextlib.contextmanager
def time_limit(seconds: int = CASE_TIMEOUT_S) -> Iterator[None]:
    """SIGALRM-based (main thread only): a hang in parsing code becomes a reported failure."""

    def expire(signum: int, frame: object) -> None:
        raise CaseTimeout(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Tally:
    target: str
    cases: int = 0
    refused: int = 0
    """Answered with a clear error (4xx with a message, the component's own exception)."""
    accepted: int = 0
    """Still valid after mutation, and handled as such."""
    failures: list[str] = field(default_factory=list)

    def refuse(self) -> None:
        self.cases += 1
        self.refused += 1

    def accept(self) -> None:
        self.cases += 1
        self.accepted += 1

    def fail(self, detail: str) -> None:
        self.cases += 1
        self.failures.append(detail[:3000])

    def row(self) -> list[object]:
        return [self.target, self.cases, self.refused, self.accepted, len(self.failures)]
