"""What a decode returns: words with timings and confidences."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Word:
    """One recognised word; times in seconds from the start of the decoded audio."""

    text: str
    start: float
    end: float
    probability: float

    def shifted(self, offset: float) -> Word:
        return Word(self.text, self.start + offset, self.end + offset, self.probability)


@dataclass(frozen=True)
class Transcript:
    """The result of decoding one stretch of audio."""

    text: str
    words: tuple[Word, ...] = field(default=())
    confidence: float = 0.0
    """exp(mean token log-probability) of the decoded sequence, in [0, 1]."""
    no_speech_prob: float = 0.0
    duration: float = 0.0
    """Seconds of audio decoded."""
    collapsed: bool = False
    """The decode looped and the repeats were cut (no 30 s fallback was asked for); a full
    decode may read the audio differently."""

    @property
    def is_empty(self) -> bool:
        return not self.text.strip()


EMPTY = Transcript(text="")


def join_texts(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
