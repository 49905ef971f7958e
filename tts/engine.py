"""The engine interface: one sentence of text in, float32 mono samples out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class AudioChunk:
    """Synthesised audio for one piece of text, with its sample rate attached."""

    samples: np.ndarray
    """1-D float32 in [-1, 1]."""
    sample_rate: int
    text: str
    """The (normalised) text this chunk speaks."""

    @property
    def duration(self) -> float:
        return self.samples.shape[0] / self.sample_rate


class SpeechEngine(Protocol):
    """A synthesiser for single sentences. Implementations: Piper, Coqui."""

    name: str
    sample_rate: int

    def synthesize(self, sentence: str, rate: float) -> np.ndarray:
        """Speak one sentence (already normalised) at `rate` (1.0 = normal)."""
        ...
