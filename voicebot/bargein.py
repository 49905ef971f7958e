"""When does the learner's voice stop Viva's? A plain policy and its confirm loop, testable
without audio or aiortc."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass


@dataclass
class BargeInPolicy:
    """Stop playback when the learner speaks over Viva — but not for noise or echo.

    webrtcvad's onset is fast but also fires on residual echo and noise, so the onset audio
    (the last ~0.8 s) is confirmed by Silero's speech probability first; `ignored` counts the
    checks that said "not speech" (the session re-checks while the utterance goes on).
    """

    threshold: float = 0.5
    stops: int = 0
    ignored: int = 0

    def should_stop(self, viva_speaking: bool, speech_probability: float) -> bool:
        if not viva_speaking:
            return False
        if speech_probability >= self.threshold:
            self.stops += 1
            return True
        self.ignored += 1
        return False


@dataclass(frozen=True)
class BargeInOptions:
    """checks: how many times an onset is scored while it goes on (the first 100-200 ms of a
        word can score low, so one look is not enough);
    recheck_s: the wait between two checks, for more of the utterance to arrive."""

    checks: int = 4
    recheck_s: float = 0.12


@dataclass(frozen=True)
class BargeIn:
    """A confirmed barge-in: the speech probability that confirmed it and on which check (1-based)."""

    probability: float
    check: int


class BargeInConfirmer:
    """Confirm an onset heard while Viva talks is speech, re-checking as the utterance goes on.

    The session supplies the facts: whether Viva is still talking, whether the learner is still
    in the utterance, and the speech probability of the latest audio. It stops as soon as
    either is over (nothing to interrupt, or the onset was a blip)."""

    def __init__(self, policy: BargeInPolicy | None = None, options: BargeInOptions | None = None) -> None:
        self.policy = policy or BargeInPolicy()
        self.options = options or BargeInOptions()

    async def confirm(
        self,
        speaking: Callable[[], bool],
        in_utterance: Callable[[], bool],
        speech_probability: Callable[[], Awaitable[float]],
    ) -> BargeIn | None:
        """The barge-in if the onset is confirmed while Viva still talks; else None."""
        for attempt in range(self.options.checks):
            if attempt:
                await asyncio.sleep(self.options.recheck_s)
            if not speaking() or not in_utterance():
                return None
            probability = await speech_probability()
            if self.policy.should_stop(speaking(), probability):
                return BargeIn(probability, attempt + 1)
        return None
