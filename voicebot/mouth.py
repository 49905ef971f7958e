"""Speaking: text → sentence-streamed TTS on a worker thread → the playback queue."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from tts.engine import AudioChunk, ChunkSource
from tts.speaker import Speaker
from voicebot.playback import PlaybackQueue, to_frames


@dataclass(frozen=True)
class SpokenChunk:
    """One chunk of speech queued: where its audio came from, whether it starts the text
    (its wait is then the time to first audio), and how long it was waited for."""

    source: ChunkSource
    first: bool
    waited: float
    """Seconds from asking the TTS pool for it until it was ready (pool queue included)."""


class Mouth:
    """One session's voice. `say` returns when the text is queued (or interrupted)."""

    def __init__(
        self,
        speaker: Speaker,
        executor: Executor,
        queue: PlaybackQueue,
        on_chunk: Callable[[SpokenChunk], None] | None = None,
    ) -> None:
        self._speaker = speaker
        self._executor = executor
        self.queue = queue
        self.rate = speaker.options.rate
        self._synthesising = 0
        self._on_chunk = on_chunk

    @property
    def busy(self) -> bool:
        """Synthesising or with audio still queued: Viva is talking."""
        return self._synthesising > 0 or len(self.queue) > 0

    async def say(self, text: str) -> bool:
        """Synthesise piece by piece; each piece is queued as soon as it exists.

        A cached piece is taken on the loop (~2 ms to resample 2 s of audio), so a reply's
        start never queues behind synthesis for another reply or a rehearsal on the TTS pool.
        Returns False when a barge-in (`interrupt`) cut it short.
        """
        generation = self.queue.generation
        loop = asyncio.get_running_loop()
        rate = self.rate
        self._synthesising += 1
        try:
            for index, piece in enumerate(self._speaker.plan(text)):
                asked = time.perf_counter()
                chunk = self._speaker.cached_piece(piece, rate, first=index == 0)
                if chunk is not None:
                    frames = to_frames(chunk.samples, chunk.sample_rate)
                else:  # synthesis is blocking work: the TTS pool
                    frames, chunk = await loop.run_in_executor(
                        self._executor, _synthesised_frames, self._speaker, piece, rate, index == 0
                    )
                if self._on_chunk is not None:
                    self._on_chunk(SpokenChunk(chunk.source, index == 0, time.perf_counter() - asked))
                if generation != self.queue.generation or not await self.queue.put(frames, generation):
                    return False
            return True
        finally:
            self._synthesising -= 1

    async def rehearse(self, text: str) -> None:
        """Synthesise the piece the start of a reply about to be said waits for into the TTS
        cache, on the TTS pool (`say` then starts from it). Not speaking: `busy` is unchanged."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._speaker.rehearse, text, self.rate)

    def interrupt(self) -> None:
        self.queue.clear()

    async def drained(self, poll_s: float = 0.02) -> None:
        """Wait until everything queued has been played (or cleared)."""
        while self.busy:
            await asyncio.sleep(poll_s)


def _synthesised_frames(speaker: Speaker, piece: str, rate: float, first: bool) -> tuple[list[np.ndarray], AudioChunk]:
    chunk = speaker.piece(piece, rate, first=first)
    return to_frames(chunk.samples, chunk.sample_rate), chunk
