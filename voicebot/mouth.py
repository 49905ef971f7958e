"""Speaking: text → sentence-streamed TTS on a worker thread → the playback queue."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass

import numpy as np

from tts.engine import AudioChunk, ChunkSource
from tts.speaker import Speaker
from voicebot.playback import PlaybackQueue, to_frames

_DONE = object()


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
        """Synthesise sentence by sentence; each sentence is queued as soon as it exists.

        Returns False when a barge-in (`interrupt`) cut it short.
        """
        generation = self.queue.generation
        loop = asyncio.get_running_loop()
        chunks = self._speaker.stream(text, self.rate)
        self._synthesising += 1
        first = True
        try:
            while True:
                asked = time.perf_counter()
                # next() synthesises one sentence: blocking work, so it runs on the TTS pool.
                item = await loop.run_in_executor(self._executor, _next_frames, chunks)
                if item is _DONE:
                    return True
                frames, source = item
                if self._on_chunk is not None:
                    self._on_chunk(SpokenChunk(source, first, time.perf_counter() - asked))
                first = False
                if generation != self.queue.generation or not await self.queue.put(frames, generation):
                    return False
        finally:
            self._synthesising -= 1
            with contextlib.suppress(ValueError):  # cancelled while a worker is inside the generator
                chunks.close()

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


def _next_frames(chunks: Iterator[AudioChunk]) -> tuple[list[np.ndarray], ChunkSource] | object:
    chunk: AudioChunk | None = next(chunks, None)
    if chunk is None:
        return _DONE
    return to_frames(chunk.samples, chunk.sample_rate), chunk.source
