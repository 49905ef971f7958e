"""The re-prompt timer: Viva has finished speaking and the learner says nothing for a while;
then, if the moment is still quiet, Viva nudges (what it says, and how long to wait, is the
silence policy's: voicebot/silence.py). Testable with a fake scheduler."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol


class Timer(Protocol):
    def cancel(self) -> None: ...


Scheduler = Callable[[float, Callable[[], None]], Timer]
"""`loop.call_later`'s shape: run the callback after so many seconds; the handle cancels it."""


def _loop_call_later(delay: float, callback: Callable[[], None]) -> Timer:
    return asyncio.get_running_loop().call_later(delay, callback)


class Reprompter:
    """One pending re-prompt at most.

    `quiet()` says whether the moment is still right when the timer fires (the learner is not
    speaking, Viva is not talking, the session is open); `fire()` says the re-prompt.
    """

    def __init__(
        self,
        quiet: Callable[[], bool],
        fire: Callable[[], None],
        scheduler: Scheduler = _loop_call_later,
    ) -> None:
        self._quiet = quiet
        self._fire = fire
        self._schedule = scheduler
        self._timer: Timer | None = None

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def schedule(self, delay_s: float | None) -> None:
        """(Re)start the wait; None (this silence passes unremarked) or 0 only cancels."""
        self.cancel()
        if delay_s is not None and delay_s > 0:
            self._timer = self._schedule(delay_s, self._due)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _due(self) -> None:
        self._timer = None
        if self._quiet():
            self._fire()
