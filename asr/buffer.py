"""A growable float32 audio buffer with cheap appends and front trimming."""

from __future__ import annotations

import numpy as np


class AudioBuffer:
    """Samples from `offset` (an absolute sample index) onwards; amortised O(1) appends."""

    def __init__(self, offset: int = 0, capacity: int = 16_000 * 8) -> None:
        self._data = np.zeros(capacity, dtype=np.float32)
        self._size = 0
        self.offset = offset

    @property
    def end(self) -> int:
        return self.offset + self._size

    def append(self, samples: np.ndarray) -> None:
        need = self._size + samples.shape[0]
        if need > self._data.shape[0]:
            grown = np.zeros(max(need, 2 * self._data.shape[0]), dtype=np.float32)
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : need] = samples
        self._size = need

    def slice(self, start: int, end: int) -> np.ndarray:
        """A copy of absolute samples [start, end), clipped to what the buffer holds."""
        lo = max(start, self.offset) - self.offset
        hi = min(end, self.end) - self.offset
        return self._data[lo:hi].copy() if hi > lo else np.zeros(0, dtype=np.float32)

    def drop_before(self, position: int) -> None:
        """Forget samples before absolute index `position`."""
        cut = min(max(position - self.offset, 0), self._size)
        if cut:
            self._data[: self._size - cut] = self._data[cut : self._size]
            self._size -= cut
            self.offset += cut
