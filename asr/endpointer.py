"""The endpoint policy: from per-frame voice decisions to utterance boundaries.

Pure and synchronous (no audio, no model), so every rule is testable with lists of booleans.
Times are sample indices in the 16 kHz stream.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE
from asr.options import EndpointProfile, VadOptions


@dataclass(frozen=True)
class Onset:
    start: int
    """First sample of the utterance (pre-roll included)."""


@dataclass(frozen=True)
class Pause:
    speech_end: int
    """End of the last voiced frame: the speculative final decode covers audio up to here."""


@dataclass(frozen=True)
class Resume:
    at: int


@dataclass(frozen=True)
class SegmentCut:
    at: int
    """The utterance hit `max_segment_s`; audio before `at` is committed, nothing is dropped."""


@dataclass(frozen=True)
class Endpoint:
    speech_end: int
    end: int
    reason: str
    """`silence`, `done_phrase`, `command_phrase` or `forced` (a button, end of stream)."""


@dataclass(frozen=True)
class Discard:
    """The burst was too short to be speech (a click, a cough)."""

    end: int


BoundaryEvent = Onset | Pause | Resume | SegmentCut | Endpoint | Discard

_RESUME_FRAMES = 2


class _State(Enum):
    IDLE = "idle"
    SPEECH = "speech"
    PAUSE = "pause"


class Endpointer:
    """Turns a stream of voiced/unvoiced frames into utterance boundary events."""

    def __init__(self, options: VadOptions, profile: EndpointProfile = EndpointProfile.COMMAND):
        self.options = options
        self.profile = profile
        self._frame = 0
        self._state = _State.IDLE
        self._recent: deque[bool] = deque(maxlen=options.onset_window)
        self._last_end = 0
        self._reset_utterance()

    def _reset_utterance(self) -> None:
        self._utterance_start = 0
        self._segment_start = 0
        self._speech_end = 0
        self._voiced_frames = 0
        self._unvoiced_run = 0
        self._voiced_run = 0
        self._early_pause_ms: int | None = None
        self._early_reason = ""

    @property
    def in_utterance(self) -> bool:
        return self._state is not _State.IDLE

    @property
    def paused(self) -> bool:
        """In an utterance, in a pause that has not (yet) become the endpoint."""
        return self._state is _State.PAUSE

    @property
    def speech_end(self) -> int:
        """End of the last voiced frame of the current utterance."""
        return self._speech_end

    @property
    def now(self) -> int:
        """Samples consumed so far."""
        return self._frame * FRAME_SAMPLES

    def set_profile(self, profile: EndpointProfile) -> None:
        self.profile = profile

    def push(self, voiced: bool) -> list[BoundaryEvent]:
        """Consume one 30 ms frame's decision; return the boundaries it creates."""
        self._frame += 1
        if self._state is _State.IDLE:
            return self._idle(voiced)
        events: list[BoundaryEvent] = []
        if voiced:
            self._voiced_frames += 1
            self._voiced_run += 1
            self._unvoiced_run = 0
            self._speech_end = self.now
            if self._state is _State.PAUSE and self._voiced_run >= _RESUME_FRAMES:
                self._state = _State.SPEECH
                self._early_pause_ms = None
                events.append(Resume(self.now - _RESUME_FRAMES * FRAME_SAMPLES))
        else:
            self._voiced_run = 0
            self._unvoiced_run += 1
            if self._state is _State.SPEECH and self._unvoiced_run * self._frame_ms >= self.options.pause_ms:
                self._state = _State.PAUSE
                events.append(Pause(self._speech_end))
            if self._state is _State.PAUSE:
                end = self._check_end()
                if end:
                    return events + [end]
        # The cap only cuts while speech goes on: a pause that ends the utterance needs no cut.
        overlong = self.now - self._segment_start >= self.options.max_segment_s * SAMPLE_RATE
        if overlong and self._state is _State.SPEECH:
            self._segment_start = self.now
            events.append(SegmentCut(self.now))
        return events

    def end_early(self, covered_until: int, min_pause_ms: int, reason: str) -> list[BoundaryEvent]:
        """The recogniser found the utterance complete in audio decoded up to `covered_until`: a
        done-phrase at its end, or a whole command.

        It ends once the learner has been silent for `min_pause_ms` (now or on a later frame), or
        the profile's hangover if that is shorter, unless they carried on after the decoded audio.
        """
        if self._state is not _State.PAUSE or covered_until < self._speech_end:
            return []
        if self._early_pause_ms is None or min_pause_ms < self._early_pause_ms:
            self._early_pause_ms, self._early_reason = min_pause_ms, reason
        end = self._check_end()
        return [end] if end else []

    def done_phrase_heard(self, covered_until: int) -> list[BoundaryEvent]:
        """A done-phrase ends the answer after `done_phrase_min_pause_ms` of silence."""
        return self.end_early(covered_until, self.options.done_phrase_min_pause_ms, "done_phrase")

    def force_end(self) -> list[BoundaryEvent]:
        """End the current utterance now (a "done" button, the end of the stream)."""
        if self._state is _State.IDLE:
            return []
        return [self._finish("forced")]

    # -- internals -------------------------------------------------------------------------

    @property
    def _frame_ms(self) -> int:
        return self.options.frame_ms

    def _idle(self, voiced: bool) -> list[BoundaryEvent]:
        self._recent.append(voiced)
        if sum(self._recent) < self.options.onset_voiced:
            return []
        window_start = (self._frame - len(self._recent)) * FRAME_SAMPLES
        preroll = self.options.preroll_ms * SAMPLE_RATE // 1000
        start = max(self._last_end, window_start - preroll, 0)
        self._reset_utterance()
        self._state = _State.SPEECH
        self._utterance_start = self._segment_start = start
        self._voiced_frames = sum(self._recent)
        self._speech_end = self.now
        self._recent.clear()
        return [Onset(start)]

    def _silence_ms(self) -> int:
        return (self.now - self._speech_end) * 1000 // SAMPLE_RATE

    def _check_end(self) -> BoundaryEvent | None:
        silence = self._silence_ms()
        if self._early_pause_ms is not None and silence >= self._early_pause_ms:
            return self._finish(self._early_reason)
        if silence >= self.options.hangover_ms(self.profile):
            return self._finish("silence")
        return None

    def _finish(self, reason: str) -> BoundaryEvent:
        speech_end, end = self._speech_end, self.now
        voiced_ms = self._voiced_frames * self._frame_ms
        self._state = _State.IDLE
        self._last_end = end
        self._recent.clear()
        if voiced_ms < self.options.min_speech_ms and reason != "forced":
            return Discard(end)
        return Endpoint(speech_end=speech_end, end=end, reason=reason)
