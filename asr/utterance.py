"""One utterance being recognised: its uncommitted audio window and its committed text.

Windows are committed at pauses (or force-committed before Whisper's 30 s limit), so the
final decode only ever covers the last window and its latency does not grow with length.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.buffer import AudioBuffer
from asr.transcript import Transcript, Word, join_texts

_PROMPT_WORDS = 40


@dataclass
class _Piece:
    text: str
    words: tuple[Word, ...]
    confidence: float
    seconds: float


@dataclass
class Utterance:
    id: int
    start: int
    """Absolute sample index of the utterance's first sample."""
    audio: AudioBuffer = field(init=False)
    window_start: int = field(init=False)
    segments: int = 1
    pieces: list[_Piece] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.audio = AudioBuffer(offset=self.start)
        self.window_start = self.start

    @property
    def committed_text(self) -> str:
        return join_texts(*(p.text for p in self.pieces))

    def prompt_text(self) -> str | None:
        """The tail of the committed text, given to Whisper for continuity."""
        words = self.committed_text.split()
        return " ".join(words[-_PROMPT_WORDS:]) or None

    def window(self, until: int, max_seconds: float | None = None) -> tuple[int, np.ndarray]:
        """The uncommitted audio up to `until`: (its absolute start, samples).

        `max_seconds` keeps only the newest part (partials under load must fit one decode).
        """
        start = self.window_start
        if max_seconds is not None:
            start = max(start, until - int(max_seconds * SAMPLE_RATE))
        return start, self.audio.slice(start, until)

    def window_seconds(self, until: int) -> float:
        return (until - self.window_start) / SAMPLE_RATE

    def commit(self, transcript: Transcript, window_start: int, cut: int) -> None:
        """Commit `transcript` (decoded from `window_start`) and move the window to `cut`."""
        if window_start != self.window_start or cut <= window_start:
            return  # stale: another commit already moved the window
        offset = (window_start - self.start) / SAMPLE_RATE
        self.pieces.append(
            _Piece(
                text=transcript.text,
                words=tuple(w.shifted(offset) for w in transcript.words),
                confidence=transcript.confidence,
                seconds=(cut - window_start) / SAMPLE_RATE,
            )
        )
        self.window_start = cut
        self.audio.drop_before(cut)

    def commit_settled(self, transcript: Transcript, window_start: int, keep_last_s: float) -> bool:
        """Force-commit the words that end `keep_last_s` before the window's end; False if none.

        Used when the learner talks for ~30 s without a pause: the newest words may still change
        with more context, so they stay in the window.
        """
        if window_start != self.window_start or not transcript.words:
            return False
        horizon = transcript.duration - keep_last_s
        settled = [w for w in transcript.words if w.end <= horizon]
        if not settled:
            return False
        cut = window_start + int(settled[-1].end * SAMPLE_RATE)
        text = " ".join(w.text for w in settled)
        self.commit(
            Transcript(text=text, words=tuple(settled), confidence=transcript.confidence),
            window_start,
            cut,
        )
        return True

    def assemble(self, last: Transcript, window_start: int) -> Transcript:
        """The whole utterance: committed pieces plus the last window's transcript."""
        offset = (window_start - self.start) / SAMPLE_RATE
        last_piece = _Piece(
            last.text,
            tuple(w.shifted(offset) for w in last.words),
            last.confidence,
            max(last.duration, 1e-3),
        )
        pieces = [*self.pieces, last_piece]
        spoken = [p for p in pieces if p.text.strip()]
        total = sum(p.seconds for p in spoken)
        confidence = sum(p.confidence * p.seconds for p in spoken) / total if total else 0.0
        return Transcript(
            text=join_texts(*(p.text for p in pieces)),
            words=tuple(w for p in pieces for w in p.words),
            confidence=round(confidence, 4),
            duration=(self.audio.end - self.start) / SAMPLE_RATE,
        )
