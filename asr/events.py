"""Typed events a streaming recogniser emits. Times are seconds on the stream's clock."""

from __future__ import annotations

from dataclasses import dataclass, field

from asr.transcript import Word


@dataclass(frozen=True)
class SpeechStarted:
    """The learner started speaking (drives barge-in)."""

    utterance_id: int
    start: float


@dataclass(frozen=True)
class PartialTranscript:
    """The best guess so far; replaced by later partials and by the final."""

    utterance_id: int
    text: str
    audio_end: float
    """Stream time up to which audio was decoded."""


@dataclass(frozen=True)
class FinalTranscript:
    """The utterance's transcript at its endpoint."""

    utterance_id: int
    text: str
    start: float
    """Stream time of the utterance's first sample (word times count from here)."""
    end: float
    words: tuple[Word, ...] = field(default=())
    """Word timings relative to the utterance's audio."""
    confidence: float = 0.0
    reason: str = "silence"
    """Why the utterance ended: `silence`, `done_phrase`, `command_phrase`, `forced`."""
    done_phrase: str | None = None
    """The done-phrase that ended the answer (stripped from `text`, kept in the audio)."""
    segments: int = 1
    """How many max-length segments the utterance was cut into (all kept here)."""
    speech_end: float = 0.0
    """Stream time the learner stopped speaking (end of the last voiced frame)."""
    endpoint_at: float = 0.0
    """Stream time the endpoint was detected; `ready_delay` is measured from it."""
    ready_delay: float = 0.0
    """Seconds from the endpoint to this event (0 when the speculative decode was ready)."""


@dataclass(frozen=True)
class SpeechDiscarded:
    """A burst too short to be speech, or speech that decoded to nothing."""

    utterance_id: int
    reason: str


AsrEvent = SpeechStarted | PartialTranscript | FinalTranscript | SpeechDiscarded
