"""Audio at the edge: everything becomes 1-D float32, 16 kHz mono, exactly once.

PyAV's resampler (libswresample) does the conversion for files and for WebRTC frames alike;
with `frame_size=480` it also hands back the 30 ms frames the VAD wants.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from asr.exceptions import AudioDecodeError

SAMPLE_RATE = 16_000
INPUT_RATES = (8_000, 192_000)
"""The sample rates a stream may have (WebRTC's codecs give 8-48 kHz, files up to 192 kHz)."""
FRAME_SAMPLES = 480  # 30 ms at 16 kHz: the VAD frame and the resampler's output frame


def _resampler() -> av.AudioResampler:
    return av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE, frame_size=FRAME_SAMPLES)


def int16_to_float32(pcm: np.ndarray) -> np.ndarray:
    return pcm.astype(np.float32) / 32768.0


def float32_to_int16(samples: np.ndarray) -> np.ndarray:
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)


class FrameConverter:
    """Converts a stream of PyAV audio frames (any rate/layout/format) to 16 kHz mono float32.

    One converter per stream: the resampler keeps filter state across frames. A frame whose
    rate, layout or sample format differs from the previous one's (a peer switching codecs
    mid-call, Opus at 48 kHz to PCMU at 8 kHz) flushes the old resampler and starts a new one:
    libswresample refuses such a frame, and the stream must not end over it.
    """

    def __init__(self) -> None:
        self._resampler = _resampler()
        self._shape: tuple[str, str, int] | None = None

    def convert(self, frame: av.AudioFrame | None) -> np.ndarray:
        """Resample one frame (None flushes) and return the samples that are ready; a frame at a
        rate outside `INPUT_RATES` raises `AudioDecodeError` (the stream may go on)."""
        out: list[av.AudioFrame] = []
        if frame is not None:
            if not frame.samples:  # libswresample fails on an empty frame (ENOMEM); it holds nothing
                return np.zeros(0, dtype=np.float32)
            if not INPUT_RATES[0] <= frame.sample_rate <= INPUT_RATES[1]:
                # Resampling 1 Hz to 16 kHz would allocate 16,000 samples per input sample.
                raise AudioDecodeError(f"unsupported sample rate {frame.sample_rate} Hz")
            shape = (frame.format.name, frame.layout.name, frame.sample_rate)
            if self._shape is not None and shape != self._shape:
                out += self._resampler.resample(None)
                self._resampler = _resampler()
            self._shape = shape
        out += self._resampler.resample(frame)
        if not out:
            return np.zeros(0, dtype=np.float32)
        pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in out])
        return int16_to_float32(pcm)


def to_16k(samples: np.ndarray, sample_rate: int) -> np.ndarray:
    """Resample float32 mono audio at any rate (e.g. TTS output) to 16 kHz."""
    if sample_rate == SAMPLE_RATE:
        return samples.astype(np.float32, copy=False)
    frame = av.AudioFrame.from_ndarray(float32_to_int16(samples).reshape(1, -1), format="s16", layout="mono")
    frame.sample_rate = sample_rate
    converter = FrameConverter()
    head = converter.convert(frame)
    return np.concatenate([head, converter.convert(None)])


def iter_file(path: str | Path) -> Iterator[np.ndarray]:
    """Yield a file's audio as 16 kHz mono float32 chunks of 30 ms (the last may be shorter)."""
    path = Path(path)
    if not path.is_file():
        raise AudioDecodeError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise AudioDecodeError(f"{path}: the file is empty")
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise AudioDecodeError(f"{path}: not a readable audio file ({exc})") from exc
    with container:
        if not container.streams.audio:
            raise AudioDecodeError(f"{path}: the file has no audio stream")
        stream = container.streams.audio[0]
        converter = FrameConverter()
        try:
            for frame in container.decode(stream):
                chunk = converter.convert(frame)
                if chunk.size:
                    yield chunk
        except av.FFmpegError as exc:
            raise AudioDecodeError(f"{path}: corrupt audio ({exc})") from exc
        tail = converter.convert(None)
        if tail.size:
            yield tail


def load_file(path: str | Path) -> np.ndarray:
    """Decode a whole file (WAV/FLAC/OGG/MP3…, any rate and channel count) to 16 kHz mono."""
    chunks = list(iter_file(path))
    if not chunks:
        raise AudioDecodeError(f"{path}: the file contains no audio samples")
    return np.concatenate(chunks)


def write_wav(path: str | Path, samples: np.ndarray, sample_rate: int = SAMPLE_RATE) -> None:
    """Write float32 mono samples as a 16-bit PCM WAV file."""
    import wave

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(float32_to_int16(samples).tobytes())
