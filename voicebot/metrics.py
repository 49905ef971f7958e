"""Latency figures as sessions run: an observer outside the data path."""

from __future__ import annotations

import logging
from collections import defaultdict, deque

import numpy as np

log = logging.getLogger(__name__)


class Metrics:
    """Bounded recent samples per measure; read by /api/metrics (loopback) and the benchmarks."""

    def __init__(self, keep: int = 2000) -> None:
        self._samples: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=keep))

    def observe(self, name: str, value: float) -> None:
        self._samples[name].append(value)

    def voice_to_voice(self, session_id: str, seconds: float, mode: str) -> None:
        self.observe(f"voice_to_voice.{mode}", seconds)
        log.info("voice-to-voice %.0f ms (%s)", seconds * 1000, mode, extra={"session": session_id})

    def summary(self) -> dict[str, dict[str, float]]:
        out = {}
        for name, values in sorted(self._samples.items()):
            data = np.asarray(values)
            out[name] = {
                "n": int(data.size),
                "p50": float(np.percentile(data, 50)),
                "p95": float(np.percentile(data, 95)),
            }
        return out
