"""Where speech starts and ends inside a clip: the reference points of "heard" latency.

A learner's clip carries Piper's leading and trailing silence; latency is measured from the last
voiced sample (what a person hears as the end of speech), not from the end of the file.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

AUDIBLE = 0.01
"""-40 dBFS: a sample above this is audible (used for the clip and for Viva's voice alike)."""


@dataclass(frozen=True)
class VoicedSpan:
    first: int
    """Index of the first audible sample."""
    last: int
    """Index of the last audible sample."""
    sample_rate: int

    @property
    def onset_s(self) -> float:
        return self.first / self.sample_rate

    @property
    def end_s(self) -> float:
        """Seconds from the clip's start to just after its last audible sample."""
        return (self.last + 1) / self.sample_rate


def voiced_span(samples: np.ndarray, sample_rate: int, level: float = AUDIBLE) -> VoicedSpan:
    """The first and last samples of `samples` whose magnitude exceeds `level`."""
    loud = np.flatnonzero(np.abs(samples) > level)
    if loud.size == 0:
        raise ValueError("the clip has no audible sample")
    return VoicedSpan(int(loud[0]), int(loud[-1]), sample_rate)
