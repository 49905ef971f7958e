"""The re-prompt after a long silence: a question is open, Viva has finished speaking and the
learner says nothing for `delay_s`; then Viva offers help once. Testable with a fake scheduler."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

REPROMPT = "Take your time. Say hint if you're stuck, or repeat to hear the question again."


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
        delay_s: float,
        quiet: Callable[[], bool],
        fire: Callable[[], None],
        scheduler: Scheduler = _loop_call_later,
    ) -> None:
        self.delay_s = delay_s
        self._quiet = quiet
        self._fire = fire
        self._schedule = scheduler
        self._timer: Timer | None = None

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def schedule(self) -> None:
        """(Re)start the wait; a delay of 0 or less turns re-prompts off."""
        self.cancel()
        if self.delay_s > 0:
            self._timer = self._schedule(self.delay_s, self._due)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _due(self) -> None:
        self._timer = None
        if self._quiet():
            self._fire()
