"""The streaming policy: when to decode, what each result means, when an utterance ends.

Pure and synchronous, like whisper_streaming's `OnlineASRProcessor`: 30 ms frames with their
voice decisions go in (`push`), typed events and `DecodeJob`s come out; the caller runs each
job on the decode pool and hands the transcript back (`decoded`), which may produce more.
Audio times are sample indices in the 16 kHz stream; the injected `clock` only stamps how long
a final took after its endpoint. `asr.streaming.StreamingRecognizer` is the async shell.

Latency path:
- while the learner speaks, a greedy partial every `partial_interval_s` of new audio (skipped
  when the caller says the pool is busy: partials thin out under load, finals do not wait);
- when a pause begins (60 ms of silence) a final-grade decode of the utterance so far starts
  speculatively; if the pause becomes the endpoint it *is* the final; if the learner resumes it
  becomes a partial or, for a long answer, a committed window;
- the newest decode that covers all the speech so far (partial or speculation) is checked: a
  trailing done-phrase ends an answer after `done_phrase_min_pause_ms`, a short utterance that is
  a whole command of the current mode ends after `command_pause_ms` (unambiguous) or the command
  hangover (when a longer command starts with it), in any profile.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE
from asr.buffer import AudioBuffer
from asr.done_phrases import command_match, split_done_phrase
from asr.endpointer import BoundaryEvent, Discard, Endpoint, Endpointer, Onset, Pause, SegmentCut
from asr.events import AsrEvent, FinalTranscript, PartialTranscript, SpeechDiscarded, SpeechStarted
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.transcript import Transcript, join_texts
from asr.utterance import Utterance
from asr.whisper import MAX_WINDOW_S, DecodeRequest

_SETTLE_S = 3.0  # words this close to a forced cut stay uncommitted
_PARTIAL_MAX_S = MAX_WINDOW_S - 1


class DecodeKind(StrEnum):
    PARTIAL = "partial"
    """Greedy, while the learner speaks; optional work."""
    SPECULATION = "speculation"
    """Final-grade, at a pause that may become the endpoint."""
    COMMIT = "commit"
    """Final-grade, of a long answer's window (at a pause, a segment cut or near 30 s)."""
    FINAL = "final"
    """Final-grade, after the endpoint, when no earlier decode covers the utterance."""


@dataclass(frozen=True, eq=False)
class DecodeJob:
    """Decode `audio` with `request` and give the result to `StreamingPolicy.decoded(ticket, …)`."""

    ticket: int
    kind: DecodeKind
    audio: np.ndarray
    request: DecodeRequest
    utterance_id: int

    @property
    def final_grade(self) -> bool:
        """Finals must not wait behind partials: the pool serves these first."""
        return self.kind is not DecodeKind.PARTIAL


PolicyOutput = AsrEvent | DecodeJob


@dataclass
class _Job:
    ticket: int
    kind: DecodeKind
    live: _Live
    window_start: int
    until: int
    """Audio decoded up to here (absolute sample index)."""
    keep_last_s: float = 0.0


@dataclass(frozen=True)
class _Hypothesis:
    """The newest decode of the current window."""

    transcript: Transcript
    window_start: int
    covers: int
    final_grade: bool


@dataclass
class _Closing:
    endpoint: Endpoint
    detected: float
    """`clock()` when the endpoint was detected."""
    waiting: int | None = None
    """The ticket the final waits for."""
    final: int | None = None
    """The ticket of the FINAL decode, once one was needed."""


@dataclass
class _Live:
    """One utterance and the decodes in flight for it."""

    utterance: Utterance
    last_partial_request: int
    last_partial_end: int
    speculation: _Job | None = None
    partial: _Job | None = None
    commit: _Job | None = None
    hypothesis: _Hypothesis | None = None
    landed: dict[int, Transcript | None] = field(default_factory=dict)
    """Results of final-grade decodes that may still serve as the final."""
    closing: _Closing | None = None


class StreamingPolicy:
    """Frames and voice decisions in; typed events and decode jobs out. Not thread-safe."""

    def __init__(
        self,
        asr: AsrOptions,
        vad: VadOptions,
        *,
        profile: EndpointProfile = EndpointProfile.COMMAND,
        hotwords: str | None = None,
        commands: tuple[str, ...] | None = None,
        realtime: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._asr = asr
        self._vad = vad
        self._endpointer = Endpointer(vad, profile)
        self._hotwords = hotwords
        self._commands = vad.command_phrases if commands is None else commands
        self._realtime = realtime
        self._clock = clock
        keep = (vad.preroll_ms * SAMPLE_RATE // 1000) + (vad.onset_window + 2) * FRAME_SAMPLES
        self._history_keep = keep
        self._history = AudioBuffer(capacity=keep * 2)
        self._live: _Live | None = None
        self._jobs: dict[int, _Job] = {}
        self._next_id = 1
        self._next_ticket = 1

    # -- public API ------------------------------------------------------------------------

    @property
    def in_utterance(self) -> bool:
        return self._live is not None

    @property
    def pending(self) -> int:
        """Decode jobs handed out and not yet answered."""
        return len(self._jobs)

    @property
    def profile(self) -> EndpointProfile:
        return self._endpointer.profile

    def set_context(
        self,
        *,
        profile: EndpointProfile | None = None,
        hotwords: str | None = None,
        commands: tuple[str, ...] | None = None,
    ) -> None:
        """The endpoint profile, biasing terms and command set of the bot's current mode."""
        if profile is not None:
            self._endpointer.set_profile(profile)
        self._hotwords = hotwords
        if commands is not None:
            self._commands = commands

    def push(self, frame: np.ndarray, voiced: bool, *, busy: bool = False) -> list[PolicyOutput]:
        """One 30 ms frame and its voice decision. `busy`: the decode pool is saturated, so
        optional work (partials) is skipped."""
        out: list[PolicyOutput] = []
        self._history.append(frame)
        self._history.drop_before(self._history.end - self._history_keep)
        if self._live is not None:
            self._live.utterance.audio.append(frame)
        for event in self._endpointer.push(voiced):
            self._boundary(event, out)
        live = self._live
        if live is not None:
            if live.utterance.window_seconds(self._endpointer.now) >= self._asr.max_window_s:
                self._schedule_commit(live, _SETTLE_S, out)
            if self._realtime and not busy:
                self._maybe_partial(live, out)
        return out

    def end_utterance(self) -> list[PolicyOutput]:
        """End the current utterance now (a "Done answering" button, the end of the stream)."""
        out: list[PolicyOutput] = []
        for event in self._endpointer.force_end():
            self._boundary(event, out)
        return out

    def decoded(self, ticket: int, transcript: Transcript | None) -> list[PolicyOutput]:
        """The result of job `ticket`; None when the decode failed (or was dropped)."""
        job = self._jobs.pop(ticket, None)
        if job is None:
            return []
        out: list[PolicyOutput] = []
        live = job.live
        if job.kind is DecodeKind.PARTIAL:
            live.partial = None
            if transcript is not None and live is self._live:
                self._emit_partial(live, transcript.text, job.until, out)
                live.hypothesis = _Hypothesis(transcript, job.window_start, job.until, final_grade=False)
                self._check_early_end(live, out)
        elif job.kind is DecodeKind.COMMIT:
            live.commit = None
            if transcript is not None:
                utterance = live.utterance
                settled = job.keep_last_s and utterance.commit_settled(transcript, job.window_start, job.keep_last_s)
                if not settled:
                    live.utterance.commit(transcript, job.window_start, job.until)
        elif job.kind is DecodeKind.SPECULATION:
            live.landed[ticket] = transcript
            if transcript is not None and live is self._live:
                self._speculation_landed(live, job, transcript, out)
        else:
            live.landed[ticket] = transcript
        if live.closing is not None and live.closing.waiting == ticket:
            self._finalize(live, out)
        return out

    # -- boundaries ------------------------------------------------------------------------

    def _boundary(self, event: BoundaryEvent, out: list[PolicyOutput]) -> None:
        live = self._live
        if isinstance(event, Onset):
            self._start_utterance(event.start, out)
        elif live is None:
            return
        elif isinstance(event, Pause):
            if self._realtime:
                self._check_early_end(live, out)  # a partial may already hold the whole command
                if self._live is live and (live.speculation is None or live.speculation.ticket not in self._jobs):
                    self._speculate(live, out)
        elif isinstance(event, SegmentCut):
            live.utterance.segments += 1
            self._schedule_commit(live, 0.0, out)
        elif isinstance(event, Endpoint):
            self._live = None
            live.closing = _Closing(event, self._clock())
            self._finalize(live, out)
        elif isinstance(event, Discard):
            self._live = None
            out.append(SpeechDiscarded(live.utterance.id, "too short"))
        # Resume: a decode in flight becomes a partial or a commit when it lands.

    def _start_utterance(self, start: int, out: list[PolicyOutput]) -> None:
        utterance = Utterance(id=self._next_id, start=start)
        self._next_id += 1
        utterance.audio.append(self._history.slice(start, self._endpointer.now))
        self._live = _Live(utterance, last_partial_request=start, last_partial_end=start)
        out.append(SpeechStarted(utterance.id, start / SAMPLE_RATE))

    def _check_early_end(self, live: _Live, out: list[PolicyOutput]) -> None:
        """End the utterance early if the newest decode covering all its speech says it is done."""
        hypothesis = live.hypothesis
        endpointer = self._endpointer
        if (
            hypothesis is None
            or not endpointer.paused
            or hypothesis.covers < endpointer.speech_end
            or hypothesis.window_start != live.utterance.window_start
        ):
            return
        whole = join_texts(live.utterance.committed_text, hypothesis.transcript.text)
        events: list[BoundaryEvent] = []
        if split_done_phrase(whole, self._vad.done_phrases)[1]:
            events = endpointer.done_phrase_heard(hypothesis.covers)
        elif self._is_short(live) and (match := command_match(whole, self._commands)) is not None:
            wait = self._vad.command_hangover_ms if match.ambiguous else self._vad.command_pause_ms
            events = endpointer.end_early(hypothesis.covers, wait, "command_phrase")
        for event in events:
            self._boundary(event, out)

    def _is_short(self, live: _Live) -> bool:
        spoken = self._endpointer.speech_end - live.utterance.start
        return not live.utterance.pieces and spoken <= self._vad.command_max_s * SAMPLE_RATE

    # -- decodes ---------------------------------------------------------------------------

    def _job(
        self, live: _Live, kind: DecodeKind, until: int, out: list[PolicyOutput], max_seconds: float | None = None
    ) -> _Job:
        window_start, audio = live.utterance.window(until, max_seconds)
        final_grade = kind is not DecodeKind.PARTIAL
        request = DecodeRequest(
            beam_size=self._asr.beam_size if final_grade else 1,
            word_timestamps=final_grade,
            hotwords=self._hotwords,
            previous_text=live.utterance.prompt_text() if self._asr.condition_on_previous else None,
            fallback=final_grade and not (kind is DecodeKind.SPECULATION and self._is_short(live)),
        )
        job = _Job(self._next_ticket, kind, live, window_start, until)
        self._next_ticket += 1
        self._jobs[job.ticket] = job
        out.append(DecodeJob(job.ticket, kind, audio, request, live.utterance.id))
        return job

    def _speculate(self, live: _Live, out: list[PolicyOutput]) -> None:
        live.speculation = self._job(live, DecodeKind.SPECULATION, self._endpointer.now, out)

    def _speculation_landed(self, live: _Live, job: _Job, transcript: Transcript, out: list[PolicyOutput]) -> None:
        endpointer = self._endpointer
        if job.until >= endpointer.speech_end:
            # Still paused after the decoded audio: it may be the whole utterance.
            final_grade = not transcript.collapsed  # a collapsed loop may still end a command turn
            live.hypothesis = _Hypothesis(transcript, job.window_start, job.until, final_grade)
            self._check_early_end(live, out)
            if self._live is live:
                self._emit_partial(live, transcript.text, job.until, out)
            return
        # The learner carried on: keep the work as a commit (long answers) or a partial.
        if live.utterance.window_seconds(job.until) >= self._asr.commit_after_s:
            live.utterance.commit(transcript, job.window_start, job.until)
        else:
            self._emit_partial(live, transcript.text, job.until, out)
        if endpointer.paused:
            self._speculate(live, out)  # a newer pause started while we decoded

    def _maybe_partial(self, live: _Live, out: list[PolicyOutput]) -> None:
        now = self._endpointer.now
        due = now - live.last_partial_request >= self._asr.partial_interval_s * SAMPLE_RATE
        if not due or live.partial is not None or self._endpointer.paused:
            return
        live.last_partial_request = now
        live.partial = self._job(live, DecodeKind.PARTIAL, now, out, max_seconds=_PARTIAL_MAX_S)

    def _emit_partial(self, live: _Live, text: str, until: int, out: list[PolicyOutput]) -> None:
        if until <= live.last_partial_end:
            return
        live.last_partial_end = until
        full = join_texts(live.utterance.committed_text, text)
        if full:
            out.append(PartialTranscript(live.utterance.id, full, until / SAMPLE_RATE))

    def _schedule_commit(self, live: _Live, keep_last_s: float, out: list[PolicyOutput]) -> None:
        if live.commit is not None:
            return
        until = self._endpointer.now
        live.commit = self._job(live, DecodeKind.COMMIT, until, out, max_seconds=MAX_WINDOW_S)
        live.commit.keep_last_s = keep_last_s

    # -- the final -------------------------------------------------------------------------

    def _finalize(self, live: _Live, out: list[PolicyOutput]) -> None:
        """Emit the final from the best decode that covers the utterance, or ask for one."""
        closing = live.closing
        assert closing is not None
        utterance, endpoint = live.utterance, closing.endpoint
        if live.commit is not None:  # a commit moves the window: wait for it
            closing.waiting = live.commit.ticket
            return
        if closing.final is not None:
            transcript = live.landed.pop(closing.final, None)
            if transcript is None:
                live.closing = None
                out.append(SpeechDiscarded(utterance.id, "decode failed"))
            else:
                self._emit_final(live, transcript, out)
            return
        hypothesis = live.hypothesis
        if (
            hypothesis is not None
            and hypothesis.window_start == utterance.window_start
            and hypothesis.covers >= endpoint.speech_end
            and (hypothesis.final_grade or endpoint.reason == "command_phrase")
        ):
            self._emit_final(live, hypothesis.transcript, out)
            return
        job = live.speculation
        if job is not None and job.window_start == utterance.window_start and job.until >= endpoint.speech_end:
            if job.ticket in self._jobs:
                closing.waiting = job.ticket
                return
            landed = live.landed.get(job.ticket)
            if landed is not None and not landed.collapsed:
                self._emit_final(live, landed, out)
                return
            # the speculative decode failed, or looped on what is not a command: decode afresh
        window_start, audio = utterance.window(endpoint.end)
        if audio.shape[0] > MAX_WINDOW_S * SAMPLE_RATE:  # only under heavy load: commit, then decode the rest
            cut = window_start + (MAX_WINDOW_S - 1) * SAMPLE_RATE
            live.commit = self._job(live, DecodeKind.COMMIT, cut, out, max_seconds=MAX_WINDOW_S)
            live.commit.keep_last_s = _SETTLE_S
            closing.waiting = live.commit.ticket
            return
        closing.final = closing.waiting = self._job(live, DecodeKind.FINAL, endpoint.end, out).ticket

    def _emit_final(self, live: _Live, transcript: Transcript, out: list[PolicyOutput]) -> None:
        closing = live.closing
        assert closing is not None
        utterance, endpoint = live.utterance, closing.endpoint
        live.closing = None
        whole = utterance.assemble(transcript, utterance.window_start)
        text, phrase = split_done_phrase(whole.text, self._vad.done_phrases)
        words = whole.words
        if phrase:
            words = words[: max(0, len(words) - len(phrase.split()))]
        if not text and not phrase:
            out.append(SpeechDiscarded(utterance.id, "no speech recognised"))
            return
        reason = endpoint.reason
        if phrase and reason == "silence":
            reason = "done_phrase"
        out.append(
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
                ready_delay=round(self._clock() - closing.detected, 4),
            )
        )
