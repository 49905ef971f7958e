"""Transcribing whole files, offline or paced in real time, through the streaming recogniser."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE, iter_file
from asr.events import AsrEvent, FinalTranscript
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.pool import DecodePool
from asr.streaming import StreamingRecognizer
from asr.transcript import Word, join_texts

_REALTIME_CHUNK = 320  # 20 ms, like a WebRTC packet


@dataclass(frozen=True)
class FileTranscript:
    """A file's transcript; word times are seconds from the start of the file."""

    file: str
    text: str
    duration: float
    words: tuple[Word, ...] = field(default=())
    confidence: float = 0.0
    utterances: tuple[FinalTranscript, ...] = field(default=())

    def as_json(self) -> dict[str, object]:
        return {
            "file": self.file,
            "text": self.text,
            "duration": round(self.duration, 3),
            "confidence": round(self.confidence, 4),
            "words": [
                {"word": w.text, "start": w.start, "end": w.end, "probability": w.probability} for w in self.words
            ],
            "utterances": [
                {"text": u.text, "start": round(u.start, 3), "end": round(u.end, 3), "confidence": u.confidence}
                for u in self.utterances
            ],
        }


async def transcribe_file(
    path: str | Path,
    pool: DecodePool,
    *,
    asr: AsrOptions,
    vad: VadOptions,
    realtime: bool = False,
    speed: float = 1.0,
    hotwords: str | None = None,
    on_event: Callable[[AsrEvent], None] | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> FileTranscript:
    """Decode `path` (any format/rate/channels). `realtime=True` paces the audio like a live
    microphone and emits partials (`speed` > 1 plays it faster, for tests); otherwise it runs
    as fast as the decoder allows."""
    finals: list[FinalTranscript] = []

    def collect(event: AsrEvent) -> None:
        if isinstance(event, FinalTranscript):
            finals.append(event)
        if on_event is not None:
            on_event(event)

    recognizer = StreamingRecognizer(
        pool, collect, asr=asr, vad=vad, profile=EndpointProfile.ANSWER, hotwords=hotwords, realtime=realtime
    )
    samples = 0
    started = time.monotonic()
    try:
        for chunk in iter_file(path):
            for offset in range(0, chunk.shape[0], _REALTIME_CHUNK if realtime else chunk.shape[0]):
                piece = chunk[offset : offset + (_REALTIME_CHUNK if realtime else chunk.shape[0])]
                await recognizer.feed(piece)
                samples += piece.shape[0]
                if realtime:
                    await asyncio.sleep(max(0.0, started + samples / SAMPLE_RATE / speed - time.monotonic()))
            if on_progress is not None:
                on_progress(samples / SAMPLE_RATE)
        await recognizer.finish()
    finally:
        await recognizer.close()
    return _assemble(str(path), finals, samples / SAMPLE_RATE)


def _assemble(name: str, finals: list[FinalTranscript], duration: float) -> FileTranscript:
    finals.sort(key=lambda f: f.start)
    words = tuple(w.shifted(f.start) for f in finals for w in f.words)
    spoken = [f for f in finals if f.text]
    seconds = [max(f.end - f.start, 1e-3) for f in spoken]
    confidence = float(np.average([f.confidence for f in spoken], weights=seconds)) if spoken else 0.0
    return FileTranscript(
        file=name,
        text=join_texts(*(f.text for f in finals)),
        duration=duration,
        words=words,
        confidence=confidence,
        utterances=tuple(finals),
    )
