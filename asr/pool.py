"""A bounded, prioritised pool of decode workers shared by every stream in the process.

Decoding is blocking CPU work: it runs on worker threads so the event loop never blocks.
Finals jump the queue ahead of partials, and callers skip optional work (partials) while the
pool is saturated, so one long answer cannot starve another learner's endpoint. Within a
priority the shortest audio goes first: a short utterance (often a command, decoded in ~50 ms)
ends its turn without waiting behind other learners' long answers (~300 ms each).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from asr.transcript import Transcript
from asr.whisper import DecodeRequest, Transcriber

FINAL = 0
"""Priority of speculative/final decodes and window commits."""
PARTIAL = 1


class DecodePool:
    """Runs `Transcriber.transcribe` on `workers` threads, finals first."""

    def __init__(self, transcriber: Transcriber, workers: int = 1) -> None:
        if workers < 1:
            raise ValueError("a decode pool needs at least one worker")
        self.transcriber = transcriber
        self.workers = workers
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="asr-decode")
        self._running = 0
        self._waiting: list[tuple[int, int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    @property
    def load(self) -> int:
        """Decodes running or waiting."""
        return self._running + len(self._waiting)

    @property
    def saturated(self) -> bool:
        """True when a new decode would have to wait: optional work should be skipped."""
        return self.load >= self.workers

    async def decode(self, audio: np.ndarray, request: DecodeRequest, priority: int = FINAL) -> Transcript:
        await self._acquire(priority, audio.shape[0])
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(self._executor, self.transcriber.transcribe, audio, request)
        finally:
            self._release()

    async def _acquire(self, priority: int, samples: int) -> None:
        if self._running < self.workers and not self._waiting:
            self._running += 1
            return
        ticket: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, samples, next(self._order), ticket))
        try:
            await ticket  # _release hands us the slot (already counted in _running)
        except asyncio.CancelledError:
            if ticket.done() and not ticket.cancelled():
                self._release()  # the slot was handed over just as we were cancelled
            raise

    def _release(self) -> None:
        self._running -= 1
        while self._waiting:
            *_, ticket = heapq.heappop(self._waiting)
            if not ticket.done():
                self._running += 1
                ticket.set_result(None)
                return

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
