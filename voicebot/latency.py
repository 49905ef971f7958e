"""Voice-to-voice latency of one session: from the end of the learner's speech to the first
frame of Viva's reply handed to the outbound track (docs/benchmarks.md, "server side")."""

from __future__ import annotations

from asr.events import FinalTranscript


class VoiceToVoice:
    """Pairs each final transcript with the next reply's first frame, on the monotonic clock."""

    def __init__(self) -> None:
        self._speech_end: float | None = None
        self.latencies: list[float] = []
        """Seconds from the end of the learner's speech to the first frame of Viva's reply."""

    def final(self, event: FinalTranscript, now: float) -> None:
        """A final arrived at `now`: the speech ended its ready delay plus the hangover earlier."""
        self._speech_end = now - event.ready_delay - (event.endpoint_at - event.speech_end)

    def first_frame(self, at: float) -> float | None:
        """Viva's reply started at `at`: the turn's latency, or None if no final is waiting."""
        if self._speech_end is None:
            return None
        latency = at - self._speech_end
        self._speech_end = None
        self.latencies.append(latency)
        return latency
