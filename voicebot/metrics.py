"""Timing and health figures as sessions run: the one observer, outside the data path.

Prometheus metrics live in a registry of this server's own (`exposition()` is the text format
served at `/metrics`); the recent voice-to-voice samples are also kept, bounded, for the
percentiles of `/api/metrics` (JSON, read by `benchmarks/voice_bench.py`). The components
are observed through thin wrappers (voicebot/observed.py) and a few calls at existing points
of a session; nothing here sees a transcript.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from asr.events import FinalTranscript

if TYPE_CHECKING:
    from voicebot.mouth import SpokenChunk

log = logging.getLogger(__name__)

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
"""Prometheus' text exposition format, which `generate_latest` writes and every Prometheus reads."""


class ErrorKind(StrEnum):
    """What went wrong, as the `kind` label of `viva_errors_total` (a fixed, small set)."""

    DIALOGUE_UNAVAILABLE = "dialogue_unavailable"
    """Rasa did not answer, answered an HTTP error, or timed out (the learner is told)."""
    DIALOGUE_NO_REPLY = "dialogue_no_reply"
    """Rasa answered nothing (e.g. its action server is down)."""
    TURN_FAILED = "turn_failed"
    """A session's turn raised; the learner is asked to try again."""
    ASR_FAILED = "asr_failed"
    """A Whisper decode raised."""
    GRADING_FAILED = "grading_failed"
    """The grader raised."""
    OFFER_REJECTED = "offer_rejected"
    """aiortc could not use an offer that passed the shape checks."""


_V2V_BUCKETS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5, 10.0)
_FINAL_BUCKETS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 5.0)
_RTF_BUCKETS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)
_RASA_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1.0, 2.0, 5.0, 10.0)
_GRADING_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_FIRST_CHUNK_BUCKETS = (0.001, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1.0, 2.0)


class Metrics:
    """One per server. Thread-safe: decodes and grading report from worker threads."""

    def __init__(self, keep: int = 2000) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._voice_to_voice = Histogram(
            "viva_voice_to_voice_seconds",
            "End of the learner's speech to the first frame of Viva's reply, by the mode it was said in.",
            ["mode"],
            buckets=_V2V_BUCKETS,
            registry=r,
        )
        self._endpoint_to_final = Histogram(
            "viva_endpoint_to_final_seconds",
            "Endpoint detected to final transcript ready (0 when the speculative decode was ready).",
            buckets=_FINAL_BUCKETS,
            registry=r,
        )
        self._asr_rtf = Histogram(
            "viva_asr_real_time_factor",
            "Whisper decode time divided by the audio's duration, by decode (final or partial).",
            ["decode"],
            buckets=_RTF_BUCKETS,
            registry=r,
        )
        self._sessions = Gauge("viva_active_sessions", "Live voice sessions on this worker.", registry=r)
        self._tasks = Gauge(
            "viva_event_loop_tasks", "Asyncio tasks alive in the event loop (a leak grows it).", registry=r
        )
        self._rasa_turn = Histogram(
            "viva_rasa_turn_seconds",
            "One message to Rasa's REST channel until its reply (custom actions included).",
            buckets=_RASA_BUCKETS,
            registry=r,
        )
        self._grading = Histogram(
            "viva_grading_seconds", "Grading one answer or card.", buckets=_GRADING_BUCKETS, registry=r
        )
        self._first_chunk = Histogram(
            "viva_tts_first_chunk_seconds",
            "A reply's first audio chunk asked for until ready (TTS pool wait included), by where it "
            "came from: fixed (pre-rendered prompt), learned (kept opener), rehearsed (synthesised "
            "during the Rasa turn), synthesised (not cached).",
            ["source"],
            buckets=_FIRST_CHUNK_BUCKETS,
            registry=r,
        )
        self._chunks = Counter(
            "viva_tts_chunks", "Chunks of speech Viva said, by where their audio came from.", ["source"], registry=r
        )
        self._errors = Counter("viva_errors", "Errors by kind.", ["kind"], registry=r)
        for kind in ErrorKind:
            self._errors.labels(kind=kind.value)  # every kind shows, at 0 until it happens
        self._samples: dict[str, deque[float]] = defaultdict(lambda: deque(maxlen=keep))

    # -- what sessions and components report ------------------------------------------------

    def voice_to_voice(self, session_id: str, seconds: float, mode: str) -> None:
        self._voice_to_voice.labels(mode=mode).observe(seconds)
        self._samples[f"voice_to_voice.{mode}"].append(seconds)
        log.info("voice-to-voice %.0f ms (%s)", seconds * 1000, mode, extra={"session": session_id})

    def final_transcript(self, event: FinalTranscript) -> None:
        self._endpoint_to_final.observe(max(0.0, event.ready_delay))

    def asr_decode(self, audio_seconds: float, seconds: float, final: bool) -> None:
        if audio_seconds > 0:
            self._asr_rtf.labels(decode="final" if final else "partial").observe(seconds / audio_seconds)

    def rasa_turn(self, seconds: float) -> None:
        self._rasa_turn.observe(seconds)

    def grading(self, seconds: float) -> None:
        self._grading.observe(seconds)

    def spoken_chunk(self, chunk: SpokenChunk) -> None:
        """A chunk of speech was queued; a text's first one is its time to first audio."""
        self._chunks.labels(source=chunk.source.value).inc()
        if chunk.first:
            self._first_chunk.labels(source=chunk.source.value).observe(chunk.waited)
            self._samples[f"tts_first_chunk.{chunk.source.value}"].append(chunk.waited)

    def error(self, kind: ErrorKind) -> None:
        self._errors.labels(kind=kind.value).inc()

    def sessions(self, live: int) -> None:
        self._sessions.set(live)

    def tasks(self, alive: int) -> None:
        self._tasks.set(alive)

    # -- what readers get -------------------------------------------------------------------

    def exposition(self) -> bytes:
        """Every metric in Prometheus' text format."""
        return generate_latest(self.registry)

    def summary(self) -> dict[str, dict[str, float]]:
        """p50/p95 of the recent samples (bounded), for /api/metrics and the benchmarks."""
        out = {}
        for name, values in sorted(self._samples.items()):
            data = np.asarray(values)
            out[name] = {
                "n": int(data.size),
                "p50": float(np.percentile(data, 50)),
                "p95": float(np.percentile(data, 95)),
            }
        return out
