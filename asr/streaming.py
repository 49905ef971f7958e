"""Streaming recognition: the async shell around `StreamingPolicy`.

It frames the audio, runs webrtcvad on each 30 ms frame (microseconds, on the event loop), feeds
the policy, emits the policy's events and runs its decode jobs on the shared pool (finals ahead
of partials). Every decision — when to decode, what a result means, when an utterance ends —
is the policy's (`asr/policy.py`), tested there with a fake clock and no model.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from asr.audio import FRAME_SAMPLES
from asr.events import AsrEvent
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.policy import DecodeJob, PolicyOutput, StreamingPolicy
from asr.pool import FINAL, PARTIAL, DecodePool
from asr.transcript import Transcript
from asr.vad import FrameVad

log = logging.getLogger(__name__)


class StreamingRecognizer:
    """Feeds 16 kHz mono float32 audio in; calls `on_event` with typed `AsrEvent`s.

    `realtime=False` processes a file as fast as possible with the same windowing and
    decoding, minus partials and speculation (each decode is awaited in order).
    """

    def __init__(
        self,
        pool: DecodePool,
        on_event: Callable[[AsrEvent], None],
        *,
        asr: AsrOptions,
        vad: VadOptions,
        profile: EndpointProfile = EndpointProfile.COMMAND,
        hotwords: str | None = None,
        commands: tuple[str, ...] | None = None,
        realtime: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pool = pool
        self._emit = on_event
        self._vad = FrameVad(vad)
        self._policy = StreamingPolicy(
            asr, vad, profile=profile, hotwords=hotwords, commands=commands, realtime=realtime, clock=clock
        )
        self._realtime = realtime
        self._carry = np.zeros(0, dtype=np.float32)
        self._tasks: set[asyncio.Task[Any]] = set()

    # -- public API ------------------------------------------------------------------------

    @property
    def in_utterance(self) -> bool:
        return self._policy.in_utterance

    def set_context(
        self,
        *,
        profile: EndpointProfile | None = None,
        hotwords: str | None = None,
        commands: tuple[str, ...] | None = None,
    ) -> None:
        """Change the endpoint profile, biasing terms and command set (takes effect immediately)."""
        self._policy.set_context(profile=profile, hotwords=hotwords, commands=commands)

    async def feed(self, samples: np.ndarray) -> None:
        """Consume audio; any length, float32 16 kHz mono."""
        if samples.dtype != np.float32:
            samples = samples.astype(np.float32)
        data = np.concatenate([self._carry, samples]) if self._carry.size else samples
        whole = data.shape[0] // FRAME_SAMPLES * FRAME_SAMPLES
        for offset in range(0, whole, FRAME_SAMPLES):
            frame = data[offset : offset + FRAME_SAMPLES]
            await self._handle(self._policy.push(frame, self._vad.is_speech(frame), busy=self._pool.saturated))
        self._carry = data[whole:].copy()

    async def end_utterance(self) -> None:
        """End the current utterance now (a "Done answering" button)."""
        await self._handle(self._policy.end_utterance())

    async def finish(self) -> None:
        """End of stream: flush the tail, end any utterance and wait for its final."""
        if self._carry.size:
            tail = np.zeros(FRAME_SAMPLES, dtype=np.float32)
            tail[: self._carry.size] = self._carry
            self._carry = np.zeros(0, dtype=np.float32)
            await self.feed(tail)
        await self.end_utterance()
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        """Cancel every decode this stream started."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
        self._tasks.clear()

    # -- policy outputs --------------------------------------------------------------------

    async def _handle(self, outputs: list[PolicyOutput]) -> None:
        for item in outputs:
            if not isinstance(item, DecodeJob):
                self._emit(item)
            elif self._realtime:
                task = asyncio.get_running_loop().create_task(self._decode(item))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
            else:
                await self._decode(item)  # offline: in order, before more audio is read

    async def _decode(self, job: DecodeJob) -> None:
        transcript: Transcript | None = None
        try:
            transcript = await self._pool.decode(job.audio, job.request, FINAL if job.final_grade else PARTIAL)
        except asyncio.CancelledError:
            raise
        except Exception:  # the policy decodes afresh or reports the utterance as lost
            log.exception("asr %s decode failed", job.kind)
        await self._handle(self._policy.decoded(job.ticket, transcript))
