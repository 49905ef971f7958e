"""Streaming recognition: VAD windowing, partials, speculative finals, window commits.

The policy decisions live in `Endpointer` (boundaries) and `Utterance` (windows and commits);
this class wires them to the decode pool. It runs on the event loop and never blocks it:
VAD costs microseconds per 30 ms frame, decodes run on the pool's threads.

Latency path: when a pause begins (60 ms of silence) the final decode of the utterance so far
starts speculatively; if the pause becomes the endpoint, that result is the final, so the
final arrives ~when the hangover ends. If the learner resumes, the result becomes a partial
(or, for a long answer, a committed window) rather than being wasted.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

import numpy as np

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE
from asr.buffer import AudioBuffer
from asr.done_phrases import is_command_phrase, split_done_phrase
from asr.endpointer import Discard, Endpoint, Endpointer, Onset, Pause, Resume, SegmentCut
from asr.events import AsrEvent, FinalTranscript, PartialTranscript, SpeechDiscarded, SpeechStarted
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.pool import FINAL, PARTIAL, DecodePool
from asr.transcript import Transcript, join_texts
from asr.utterance import Utterance
from asr.vad import FrameVad
from asr.whisper import MAX_WINDOW_S, DecodeRequest

log = logging.getLogger(__name__)

_SETTLE_S = 3.0  # words this close to a forced cut stay uncommitted
_PARTIAL_MAX_S = MAX_WINDOW_S - 1


@dataclass
class _Speculation:
    utterance: Utterance
    window_start: int
    covers: int
    task: asyncio.Task[Transcript]


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
        realtime: bool = True,
    ) -> None:
        self._pool = pool
        self._emit = on_event
        self._asr = asr
        self._vad_options = vad
        self._vad = FrameVad(vad)
        self._endpointer = Endpointer(vad, profile)
        self._hotwords = hotwords
        self._realtime = realtime
        keep = (vad.preroll_ms * SAMPLE_RATE // 1000) + (vad.onset_window + 2) * FRAME_SAMPLES
        self._history_keep = keep
        self._history = AudioBuffer(capacity=keep * 2)
        self._carry = np.zeros(0, dtype=np.float32)
        self._utterance: Utterance | None = None
        self._next_id = 1
        self._tasks: set[asyncio.Task[Any]] = set()
        self._inline: list[Coroutine[Any, Any, Any]] = []
        self._speculation: _Speculation | None = None
        self._partial_task: asyncio.Task[None] | None = None
        self._commit_task: asyncio.Task[None] | None = None
        self._last_partial_request = 0
        self._last_partial_end = 0

    # -- public API ------------------------------------------------------------------------

    @property
    def in_utterance(self) -> bool:
        return self._utterance is not None

    def set_context(self, *, profile: EndpointProfile | None = None, hotwords: str | None = None) -> None:
        """Change the endpoint profile and biasing terms (takes effect immediately)."""
        if profile is not None:
            self._endpointer.set_profile(profile)
        self._hotwords = hotwords

    async def feed(self, samples: np.ndarray) -> None:
        """Consume audio; any length, float32 16 kHz mono."""
        if samples.dtype != np.float32:
            samples = samples.astype(np.float32)
        data = np.concatenate([self._carry, samples]) if self._carry.size else samples
        whole = data.shape[0] // FRAME_SAMPLES * FRAME_SAMPLES
        for offset in range(0, whole, FRAME_SAMPLES):
            self._process_frame(data[offset : offset + FRAME_SAMPLES])
            while self._inline:
                await self._inline.pop(0)
        self._carry = data[whole:].copy()

    async def end_utterance(self) -> None:
        """End the current utterance now (a "Done answering" button)."""
        for event in self._endpointer.force_end():
            self._on_boundary(event)
        while self._inline:
            await self._inline.pop(0)

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

    # -- frames and boundaries -------------------------------------------------------------

    def _process_frame(self, frame: np.ndarray) -> None:
        self._history.append(frame)
        self._history.drop_before(self._history.end - self._history_keep)
        if self._utterance is not None:
            self._utterance.audio.append(frame)
        for event in self._endpointer.push(self._vad.is_speech(frame)):
            self._on_boundary(event)
        if self._utterance is not None:
            self._maybe_force_commit(self._utterance)
            if self._realtime:
                self._maybe_partial(self._utterance)

    def _on_boundary(self, event: object) -> None:
        utterance = self._utterance
        if isinstance(event, Onset):
            self._start_utterance(event.start)
        elif utterance is None:
            return
        elif isinstance(event, Pause):
            if self._realtime and self._speculation_idle():
                self._speculate(utterance)
        elif isinstance(event, SegmentCut):
            utterance.segments += 1
            self._schedule_commit(utterance, keep_last_s=0.0)
        elif isinstance(event, Endpoint):
            self._utterance = None
            self._spawn(self._finalize(utterance, event, time.monotonic()))
        elif isinstance(event, Discard):
            self._utterance = None
            self._emit(SpeechDiscarded(utterance.id, "too short"))
        elif isinstance(event, Resume):
            pass  # a running speculation becomes a partial or a commit when it lands

    def _start_utterance(self, start: int) -> None:
        utterance = Utterance(id=self._next_id, start=start)
        self._next_id += 1
        utterance.audio.append(self._history.slice(start, self._endpointer.now))
        self._utterance = utterance
        self._last_partial_request = self._last_partial_end = start
        self._emit(SpeechStarted(utterance.id, start / SAMPLE_RATE))

    # -- decodes ---------------------------------------------------------------------------

    def _request(self, utterance: Utterance, final: bool) -> DecodeRequest:
        return DecodeRequest(
            beam_size=self._asr.beam_size if final else 1,
            word_timestamps=final,
            hotwords=self._hotwords,
            previous_text=utterance.prompt_text() if self._asr.condition_on_previous else None,
        )

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any] | None:
        if not self._realtime:
            self._inline.append(coro)
            return None
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("asr decode failed", exc_info=task.exception())

    def _speculation_idle(self) -> bool:
        return self._speculation is None or self._speculation.task.done()

    def _speculate(self, utterance: Utterance) -> None:
        covers = self._endpointer.now
        window_start, audio = utterance.window(covers)
        request = self._request(utterance, final=True)
        task = asyncio.get_running_loop().create_task(self._pool.decode(audio, request, FINAL))
        self._speculation = _Speculation(utterance, window_start, covers, task)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        task.add_done_callback(lambda t: self._speculation_landed(utterance, window_start, covers, t))

    def _speculation_landed(
        self, utterance: Utterance, window_start: int, covers: int, task: asyncio.Task[Transcript]
    ) -> None:
        if task.cancelled() or task.exception() is not None or utterance is not self._utterance:
            return
        transcript = task.result()
        whole = join_texts(utterance.committed_text, transcript.text)
        if self._endpointer.in_utterance and covers >= self._endpointer.speech_end:
            # Still paused after the decoded audio: a done-phrase or a bare command ends it now.
            if self._ends_early(whole):
                for event in self._endpointer.done_phrase_heard(covers):
                    self._on_boundary(event)
                return
            self._emit_partial(utterance, transcript.text, covers)
            return
        # The learner carried on: keep the work as a commit (long answers) or a partial.
        if utterance.window_seconds(covers) >= self._asr.commit_after_s:
            utterance.commit(transcript, window_start, covers)
        else:
            self._emit_partial(utterance, transcript.text, covers)
        if self._endpointer.paused:
            self._speculate(utterance)  # a newer pause started while we decoded

    def _ends_early(self, text: str) -> bool:
        options = self._vad_options
        return bool(split_done_phrase(text, options.done_phrases)[1]) or is_command_phrase(
            text, options.command_phrases
        )

    def _maybe_partial(self, utterance: Utterance) -> None:
        now = self._endpointer.now
        due = now - self._last_partial_request >= self._asr.partial_interval_s * SAMPLE_RATE
        busy = self._partial_task is not None and not self._partial_task.done()
        if not due or busy or self._endpointer.paused or self._pool.saturated:
            return  # skipping a partial is the back-off under load
        self._last_partial_request = now
        _, audio = utterance.window(now, max_seconds=_PARTIAL_MAX_S)
        self._partial_task = self._spawn(self._partial(utterance, audio, now))

    async def _partial(self, utterance: Utterance, audio: np.ndarray, until: int) -> None:
        transcript = await self._pool.decode(audio, self._request(utterance, final=False), PARTIAL)
        if utterance is self._utterance:
            self._emit_partial(utterance, transcript.text, until)

    def _emit_partial(self, utterance: Utterance, text: str, until: int) -> None:
        if until <= self._last_partial_end:
            return
        self._last_partial_end = until
        full = join_texts(utterance.committed_text, text)
        if full:
            self._emit(PartialTranscript(utterance.id, full, until / SAMPLE_RATE))

    def _maybe_force_commit(self, utterance: Utterance) -> None:
        if utterance.window_seconds(self._endpointer.now) >= self._asr.max_window_s:
            self._schedule_commit(utterance, keep_last_s=_SETTLE_S)

    def _schedule_commit(self, utterance: Utterance, keep_last_s: float) -> None:
        if self._commit_task is not None and not self._commit_task.done():
            return
        until = self._endpointer.now
        self._commit_task = self._spawn(self._commit(utterance, until, keep_last_s))

    async def _commit(self, utterance: Utterance, until: int, keep_last_s: float) -> None:
        window_start, audio = utterance.window(until, max_seconds=MAX_WINDOW_S)
        transcript = await self._pool.decode(audio, self._request(utterance, final=True), FINAL)
        if keep_last_s and utterance.commit_settled(transcript, window_start, keep_last_s):
            return
        utterance.commit(transcript, window_start, until)

    async def _finalize(self, utterance: Utterance, endpoint: Endpoint, detected: float) -> None:
        if self._commit_task is not None and not self._commit_task.done():
            await asyncio.shield(self._commit_task)
        spec = self._speculation
        transcript: Transcript | None = None
        window_start = utterance.window_start
        if (
            spec is not None
            and spec.utterance is utterance
            and spec.window_start == window_start
            and spec.covers >= endpoint.speech_end
        ):
            try:
                transcript = await asyncio.shield(spec.task)
            except Exception:  # the speculative decode failed: decode afresh below
                log.exception("speculative decode failed")
        while transcript is None:
            window_start, audio = utterance.window(endpoint.end)
            if audio.shape[0] > MAX_WINDOW_S * SAMPLE_RATE:  # only under heavy load
                await self._commit(utterance, window_start + (MAX_WINDOW_S - 1) * SAMPLE_RATE, _SETTLE_S)
                continue
            transcript = await self._pool.decode(audio, self._request(utterance, final=True), FINAL)
        self._emit_final(utterance, utterance.assemble(transcript, window_start), endpoint, detected)

    def _emit_final(self, utterance: Utterance, whole: Transcript, endpoint: Endpoint, detected: float) -> None:
        text, phrase = split_done_phrase(whole.text, self._vad_options.done_phrases)
        words = whole.words
        if phrase:
            words = words[: max(0, len(words) - len(phrase.split()))]
        if not text and not phrase:
            self._emit(SpeechDiscarded(utterance.id, "no speech recognised"))
            return
        reason = endpoint.reason
        if reason == "done_phrase" and not phrase:
            reason = "command_phrase"  # ended early because the whole utterance was a command
        elif phrase and reason == "silence":
            reason = "done_phrase"
        self._emit(
            FinalTranscript(
                utterance_id=utterance.id,
                text=text,
                start=utterance.start / SAMPLE_RATE,
                end=endpoint.end / SAMPLE_RATE,
                words=words,
                confidence=whole.confidence,
                reason=reason,
                done_phrase=phrase,
                segments=utterance.segments,
                speech_end=endpoint.speech_end / SAMPLE_RATE,
                endpoint_at=endpoint.end / SAMPLE_RATE,
                ready_delay=round(time.monotonic() - detected, 4),
            )
        )
