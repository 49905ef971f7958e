"""Components as the metrics observer sees them: the same Protocols, timed.

Each wrapper forwards to the real component and reports how long it took (and what failed) to
`Metrics`; none changes what the component returns or raises.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.transcript import Transcript
from asr.whisper import DecodeRequest, Transcriber
from dialogue.client import DialogueClient
from dialogue.exceptions import DialogueUnavailable
from dialogue.payload import BotTurn
from drills.grading import Gradable, Grader, GradeResult
from voicebot.metrics import ErrorKind, Metrics


class ObservedTranscriber:
    """Whisper's real-time factor per decode (runs on the decode pool's threads)."""

    def __init__(self, inner: Transcriber, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def transcribe(self, audio: np.ndarray, request: DecodeRequest) -> Transcript:
        started = time.perf_counter()
        try:
            transcript = self.inner.transcribe(audio, request)
        except Exception:
            self.metrics.error(ErrorKind.ASR_FAILED)
            raise
        self.metrics.asr_decode(audio.shape[0] / SAMPLE_RATE, time.perf_counter() - started, request.word_timestamps)
        return transcript


_SILENT = frozenset({"/session_start"})
"""Messages Rasa answers with nothing by design (a new Rasa session, dialogue/conversation.py)."""


class ObservedDialogue:
    """Rasa turn latency, and Rasa failing or answering nothing."""

    def __init__(self, inner: DialogueClient, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    async def send(self, sender: str, text: str, metadata: Mapping[str, Any] | None = None) -> list[BotTurn]:
        started = time.perf_counter()
        try:
            turns = await self.inner.send(sender, text, metadata)
        except DialogueUnavailable:
            self.metrics.error(ErrorKind.DIALOGUE_UNAVAILABLE)
            raise
        self.metrics.rasa_turn(time.perf_counter() - started)
        if not turns and text not in _SILENT:
            self.metrics.error(ErrorKind.DIALOGUE_NO_REPLY)
        return turns

    async def close(self) -> None:
        await self.inner.close()


class ObservedGrader:
    """Grading latency (answers graded in the voice process and through the internal API)."""

    def __init__(self, inner: Grader, metrics: Metrics) -> None:
        self.inner = inner
        self.metrics = metrics

    def grade(self, question: Gradable, text: str) -> GradeResult:
        started = time.perf_counter()
        try:
            result = self.inner.grade(question, text)
        except Exception:
            self.metrics.error(ErrorKind.GRADING_FAILED)
            raise
        self.metrics.grading(time.perf_counter() - started)
        return result

    def __getattr__(self, name: str) -> Any:
        # Anything else a grader offers (e.g. a later one's options) is the real grader's.
        return getattr(self.inner, name)
