"""A bounded LRU of rendered sentences, so fixed prompts cost nothing after the first time."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np


class SentenceCache:
    """Thread-safe LRU keyed by (sentence, rate); synthesis runs on worker threads."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._items: OrderedDict[tuple[str, float], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, sentence: str, rate: float) -> np.ndarray | None:
        key = (sentence, round(rate, 3))
        with self._lock:
            audio = self._items.get(key)
            if audio is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return audio

    def put(self, sentence: str, rate: float, audio: np.ndarray) -> None:
        if self._max <= 0:
            return
        audio.setflags(write=False)  # shared between sessions: nobody may mutate it
        with self._lock:
            self._items[(sentence, round(rate, 3))] = audio
            self._items.move_to_end((sentence, round(rate, 3)))
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
