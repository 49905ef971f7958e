"""Viva's voice going out: a bounded frame queue and the outbound WebRTC track.

TTS audio (any rate, float32) is resampled once to 48 kHz and cut into 20 ms frames; the track
hands out one frame per 20 ms of wall clock (silence when the queue is empty), so the pacing
is right whatever the producer does. Barge-in clears the queue in one call.
"""

from __future__ import annotations

import asyncio
import fractions
import time
from collections import deque
from collections.abc import Callable

import av
import numpy as np
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from asr.audio import float32_to_int16

OUT_RATE = 48_000
FRAME = 960  # 20 ms at 48 kHz
_TIME_BASE = fractions.Fraction(1, OUT_RATE)
_SILENCE = np.zeros(FRAME, dtype=np.int16)


def to_frames(samples: np.ndarray, sample_rate: int) -> list[np.ndarray]:
    """float32 mono at `sample_rate` → 20 ms int16 frames at 48 kHz (last one zero-padded)."""
    if samples.size == 0:
        return []
    pcm = float32_to_int16(samples).reshape(1, -1)
    frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
    frame.sample_rate = sample_rate
    resampler = av.AudioResampler(format="s16", layout="mono", rate=OUT_RATE, frame_size=FRAME)
    out = [f.to_ndarray().reshape(-1) for f in resampler.resample(frame) + resampler.resample(None)]
    if out and out[-1].shape[0] < FRAME:
        out[-1] = np.pad(out[-1], (0, FRAME - out[-1].shape[0]))
    return out


class FrameClock:
    """Wall-clock pacing of a 20 ms track: `tick` returns the next frame's pts when it is due.

    Due times come from the start, not the previous frame, so a late frame does not delay the rest.
    """

    def __init__(self) -> None:
        self._start: float | None = None
        self._pts = 0

    async def tick(self) -> int:
        if self._start is None:
            self._start = time.monotonic()
            return self._pts
        self._pts += FRAME
        delay = self._start + self._pts / OUT_RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        return self._pts


def pcm_frame(samples: np.ndarray, pts: int) -> av.AudioFrame:
    """One 20 ms frame of int16 mono at 48 kHz, stamped for aiortc."""
    frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = OUT_RATE
    frame.pts = pts
    frame.time_base = _TIME_BASE
    return frame


class PlaybackQueue:
    """Frames waiting to be played; bounded, so a long reply applies back-pressure to TTS."""

    def __init__(self, max_seconds: float = 20.0) -> None:
        self._frames: deque[np.ndarray] = deque()
        self._max = int(max_seconds * OUT_RATE / FRAME)
        self._space = asyncio.Event()
        self._space.set()
        self.generation = 0
        """Bumped by `clear`: producers of an older generation stop adding frames."""

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def seconds(self) -> float:
        return len(self._frames) * FRAME / OUT_RATE

    async def put(self, frames: list[np.ndarray], generation: int) -> bool:
        """Queue frames; False when a `clear` made this producer stale."""
        for frame in frames:
            while len(self._frames) >= self._max:
                self._space.clear()
                await self._space.wait()
            if generation != self.generation:
                return False
            self._frames.append(frame)
        return True

    def pop(self) -> np.ndarray | None:
        frame = self._frames.popleft() if self._frames else None
        if len(self._frames) < self._max:
            self._space.set()
        return frame

    def clear(self) -> None:
        self._frames.clear()
        self.generation += 1
        self._space.set()


class SpeechTrack(MediaStreamTrack):
    """The outbound audio track: queued speech, else silence, paced at 20 ms."""

    kind = "audio"

    def __init__(self, queue: PlaybackQueue, on_first_frame: Callable[[float], None] | None = None) -> None:
        super().__init__()
        self.queue = queue
        self._on_first_frame = on_first_frame
        self._clock = FrameClock()
        self._was_playing = False

    @property
    def playing(self) -> bool:
        return self._was_playing or len(self.queue) > 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        pts = await self._clock.tick()
        samples = self.queue.pop()
        speaking = samples is not None
        if speaking and not self._was_playing and self._on_first_frame is not None:
            self._on_first_frame(time.monotonic())
        self._was_playing = speaking
        return pcm_frame(samples if speaking else _SILENCE, pts)
