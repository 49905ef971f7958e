"""The engine interface: one sentence of text in, float32 mono samples out."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

import numpy as np


class ChunkSource(StrEnum):
    """Where a chunk's audio came from (tts/cache.py keeps all but the last kind)."""

    FIXED = "fixed"
    """A fixed prompt, pre-rendered at start-up."""
    LEARNED = "learned"
    """A short piece synthesised for an earlier reply and kept (openers recur)."""
    REHEARSED = "rehearsed"
    """Synthesised ahead, while the dialogue was still deciding (voicebot/foresight.py)."""
    SYNTHESISED = "synthesised"
    """Not cached: synthesised when it was needed."""


@dataclass(frozen=True)
class AudioChunk:
    """Synthesised audio for one piece of text, with its sample rate attached."""

    samples: np.ndarray
    """1-D float32 in [-1, 1]."""
    sample_rate: int
    text: str
    """The (normalised) text this chunk speaks."""
    source: ChunkSource = ChunkSource.SYNTHESISED

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
