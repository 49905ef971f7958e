"""Rendered sentences kept in memory, so a reply can start from audio made before it was due.

Three kinds of entry, by where the audio came from (`ChunkSource`): fixed prompts rendered at
start-up (pinned: never evicted), short pieces synthesised once and kept because they recur
("Good:", "Question 2 of 5."), and pieces rehearsed ahead of a reply the dialogue is about to
give (used once, then dropped: they are one reply's sentences).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from tts.engine import ChunkSource


@dataclass(frozen=True)
class Cached:
    audio: np.ndarray
    source: ChunkSource


class SentenceCache:
    """Thread-safe, keyed by (sentence, rate): pinned fixed prompts plus a bounded LRU of the
    rest (`max_entries`; 0 keeps nothing but pinned prompts). Synthesis runs on worker threads."""

    def __init__(self, max_entries: int) -> None:
        self._max = max_entries
        self._pinned: dict[tuple[str, float], np.ndarray] = {}
        self._items: OrderedDict[tuple[str, float], Cached] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, sentence: str, rate: float) -> Cached | None:
        """The cached audio and where it came from; a rehearsed entry is handed out once."""
        key = _key(sentence, rate)
        with self._lock:
            pinned = self._pinned.get(key)
            if pinned is not None:
                self.hits += 1
                return Cached(pinned, ChunkSource.FIXED)
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self.hits += 1
            if item.source is ChunkSource.REHEARSED:
                del self._items[key]
            else:
                self._items.move_to_end(key)
            return item

    def has(self, sentence: str, rate: float) -> bool:
        """Cached (a look that counts as neither a hit nor a miss)."""
        key = _key(sentence, rate)
        with self._lock:
            return key in self._pinned or key in self._items

    def pin(self, sentence: str, rate: float, audio: np.ndarray) -> None:
        """Keep a fixed prompt for the life of the process."""
        audio.setflags(write=False)  # shared between sessions: nobody may mutate it
        with self._lock:
            self._pinned[_key(sentence, rate)] = audio
            self._items.pop(_key(sentence, rate), None)

    def put(self, sentence: str, rate: float, audio: np.ndarray, source: ChunkSource) -> None:
        """Keep a learned or rehearsed piece (the least recently used goes when full)."""
        if self._max <= 0:
            return
        key = _key(sentence, rate)
        audio.setflags(write=False)
        with self._lock:
            if key in self._pinned:
                return
            self._items[key] = Cached(audio, source)
            self._items.move_to_end(key)
            while len(self._items) > self._max:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._pinned) + len(self._items)


def _key(sentence: str, rate: float) -> tuple[str, float]:
    return sentence, round(rate, 3)
