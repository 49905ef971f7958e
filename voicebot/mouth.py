"""Speaking: text → sentence-streamed TTS on a worker thread → the playback queue."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import Executor

from tts.engine import AudioChunk
from tts.speaker import Speaker
from voicebot.playback import PlaybackQueue, to_frames

_DONE = object()


class Mouth:
    """One session's voice. `say` returns when the text is queued (or interrupted)."""

    def __init__(self, speaker: Speaker, executor: Executor, queue: PlaybackQueue) -> None:
        self._speaker = speaker
        self._executor = executor
        self.queue = queue
        self.rate = speaker.options.rate
        self._synthesising = 0

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
        try:
            while True:
                # next() synthesises one sentence: blocking work, so it runs on the TTS pool.
                item = await loop.run_in_executor(self._executor, _next_frames, chunks)
                if item is _DONE:
                    return True
                if generation != self.queue.generation or not await self.queue.put(item, generation):
                    return False
        finally:
            self._synthesising -= 1
            with contextlib.suppress(ValueError):  # cancelled while a worker is inside the generator
                chunks.close()

    def interrupt(self) -> None:
        self.queue.clear()

    async def drained(self, poll_s: float = 0.02) -> None:
        """Wait until everything queued has been played (or cleared)."""
        while self.busy:
            await asyncio.sleep(poll_s)


def _next_frames(chunks) -> object:
    chunk: AudioChunk | None = next(chunks, None)
    if chunk is None:
        return _DONE
    return to_frames(chunk.samples, chunk.sample_rate)
