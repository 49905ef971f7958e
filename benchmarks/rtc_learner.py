"""A scripted learner over real WebRTC (aiortc), for tests and benchmarks.

It speaks prepared audio into its microphone track in real time, hears Viva's audio track,
and records every data-channel message with its arrival time.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from typing import Any

import aiohttp
import av
import numpy as np
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from asr.audio import float32_to_int16
from benchmarks.speech_marks import voiced_span
from voicebot.playback import FRAME, OUT_RATE, FrameClock, pcm_frame, to_frames


class MicTrack(MediaStreamTrack):
    """Plays queued speech (48 kHz) in real time; silence otherwise."""

    kind = "audio"

    def __init__(self) -> None:
        super().__init__()
        self._pending: deque[np.ndarray] = deque()
        self._clock = FrameClock()
        self.last_speech_sent: float | None = None
        self.on_frame: Callable[[np.ndarray], None] | None = None

    def play(self, samples_48k: np.ndarray) -> float:
        """Queue speech; returns its duration in seconds."""
        pcm = float32_to_int16(samples_48k)
        pad = (-pcm.shape[0]) % FRAME
        pcm = np.concatenate([pcm, np.zeros(pad, np.int16)])
        self._pending.extend(pcm.reshape(-1, FRAME))
        return pcm.shape[0] / OUT_RATE

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        pts = await self._clock.tick()
        if self._pending:
            data = self._pending.popleft()
            if not self._pending:
                self.last_speech_sent = time.monotonic()
        else:
            data = np.zeros(FRAME, np.int16)
        if self.on_frame is not None:
            self.on_frame(data)
        return pcm_frame(data, pts)


def upsample(samples_16k: np.ndarray) -> np.ndarray:
    """16 kHz → 48 kHz for the mic (PyAV resampler; the test audio comes from Piper)."""
    frames = to_frames(samples_16k, 16_000)
    return (np.concatenate(frames).astype(np.float32) / 32768.0) if frames else np.zeros(0, np.float32)


class RtcLearner:
    def __init__(self, base_url: str, learner_id: str, verify_tls: bool = True) -> None:
        self.base_url = base_url.rstrip("/")
        self.verify_tls = verify_tls
        """False for a self-signed certificate (a local experiment)."""
        self.learner_id = learner_id
        self.mic = MicTrack()
        self.pc = RTCPeerConnection()
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.heard: list[tuple[float, float]] = []
        """(arrival time, RMS) of every 20 ms frame of Viva's voice."""
        self.session_id: str | None = None
        self._reader: asyncio.Task[None] | None = None
        self._channel = None
        self._opened = asyncio.Event()

    async def connect(self, hello: bool = True) -> None:
        self.pc.addTrack(self.mic)
        self._channel = self.pc.createDataChannel("viva")
        self._channel.on("open", self._opened.set)
        self._channel.on("message", lambda m: self.messages.append((time.monotonic(), json.loads(m))))

        @self.pc.on("track")
        def _track(track: MediaStreamTrack) -> None:
            self._reader = asyncio.ensure_future(self._read(track))

        await self.pc.setLocalDescription(await self.pc.createOffer())
        body = {"sdp": self.pc.localDescription.sdp, "type": "offer", "learner_id": self.learner_id}
        connector = aiohttp.TCPConnector(ssl=None if self.verify_tls else False)
        async with (
            aiohttp.ClientSession(connector=connector) as http,
            http.post(f"{self.base_url}/api/offer", json=body) as response,
        ):
            reply = await response.json()
            if response.status != 200:
                raise RuntimeError(f"offer rejected: {response.status} {reply}")
        self.session_id = reply["session_id"]
        await self.pc.setRemoteDescription(RTCSessionDescription(reply["sdp"], reply["type"]))
        await asyncio.wait_for(self._opened.wait(), 15)
        if hello:
            self.send({"type": "hello", "resume": False})

    async def _read(self, track: MediaStreamTrack) -> None:
        try:
            while True:
                frame = await track.recv()
                data = frame.to_ndarray().astype(np.float32) / 32768.0
                self.heard.append((time.monotonic(), float(np.sqrt(np.mean(data**2)))))
        except MediaStreamError:
            return

    def send(self, message: dict[str, Any]) -> None:
        self._channel.send(json.dumps(message))

    def send_raw(self, message: str | bytes) -> None:
        """Any data-channel message, as a hostile page could send it (tests/fuzz)."""
        self._channel.send(message)

    async def say(self, samples_16k: np.ndarray) -> float:
        """Speak and wait until the clip has been sent; returns when its last voiced sample was
        spoken (monotonic): the clip's trailing silence is not part of the learner's speech."""
        duration = self.mic.play(upsample(samples_16k))
        while self.mic.busy:
            await asyncio.sleep(0.01)
        assert self.mic.last_speech_sent is not None
        clip_end = self.mic.last_speech_sent + FRAME / OUT_RATE  # the last frame covers 20 ms from then
        return clip_end - (duration - voiced_span(samples_16k, 16_000).end_s)

    async def wait_for(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float, since: float = 0.0
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            for at, message in self.messages[seen:]:
                if at >= since and predicate(message):
                    return message
            seen = len(self.messages)
            await asyncio.sleep(0.02)
        kinds = [m.get("type") for _, m in self.messages[-12:]]
        raise TimeoutError(f"no matching message within {timeout} s; last: {kinds}")

    def first_voice_after(self, since: float, level: float = 0.01) -> float | None:
        """When Viva's voice was first heard after `since`."""
        return next((at for at, rms in self.heard if at > since and rms > level), None)

    def speaking_until(self, since: float, level: float = 0.01) -> float | None:
        """The last moment after `since` at which Viva's voice was heard."""
        loud = [at for at, rms in self.heard if at > since and rms > level]
        return loud[-1] if loud else None

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
        await self.pc.close()
