"""When does the learner's voice stop Viva's? A plain policy, testable without audio."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BargeInPolicy:
    """Stop playback when the learner speaks over Viva — but not for noise or echo.

    webrtcvad's onset is fast but also fires on residual echo and noise, so the onset audio
    (the last ~0.8 s) is confirmed by Silero's speech probability first; `ignored` counts the
    checks that said "not speech" (the session re-checks while the utterance goes on).
    """

    threshold: float = 0.5
    stops: int = 0
    ignored: int = 0

    def should_stop(self, viva_speaking: bool, speech_probability: float) -> bool:
        if not viva_speaking:
            return False
        if speech_probability >= self.threshold:
            self.stops += 1
            return True
        self.ignored += 1
        return False
