"""How an answer was delivered, from the recogniser's word timings and the recorded duration.

Fillers are counted as the recogniser printed them. Measured (docs/grading.md): faster-whisper
tiny.en with Viva's settings drops most "um"/"uh" from synthetic speech, so the filler count
is a floor, and the note about fillers only fires when several survive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drills.grading.result import DeliveryReport
from drills.matching import normalise

FILLERS = frozenset({"um", "umm", "uh", "uhh", "er", "erm", "hmm", "mm", "ah"})


@dataclass(frozen=True)
class DeliveryOptions:
    long_pause_s: float = 1.5
    """A gap between words at least this long counts as a long pause."""
    fast_wpm: float = 190.0
    """Above this the note says slow down (conversational English is about 150)."""
    slow_wpm: float = 90.0
    pause_note_at: int = 3
    filler_note_share: float = 0.06
    short_ratio: float = 0.35
    """Fewer words than this share of the model answer: say more."""
    long_ratio: float = 2.5


def _field(word: Any, name: str) -> Any:
    return word.get(name) if isinstance(word, Mapping) else getattr(word, name, None)


def measure(
    text: str,
    words: Sequence[Any] | None,
    duration: float | None,
    expected_words: int | None,
    options: DeliveryOptions | None = None,
) -> DeliveryReport:
    """Figures and at most one note. `words` are dicts or objects with word/text, start, end."""
    options = options or DeliveryOptions()
    timed = []
    for word in words or ():
        start, end = _field(word, "start"), _field(word, "end")
        label = _field(word, "word") or _field(word, "text") or ""
        if isinstance(start, int | float) and isinstance(end, int | float):
            timed.append((str(label), float(start), float(end)))
    tokens = normalise(text).split()
    count = len(tokens)
    gaps = [b[1] - a[2] for a, b in zip(timed, timed[1:], strict=False)]
    seconds = (timed[-1][2] - timed[0][1]) if len(timed) >= 2 else duration
    wpm = round(60 * count / seconds, 1) if seconds and seconds > 0.5 and count else None
    long_pauses = sum(g >= options.long_pause_s for g in gaps)
    fillers = sum(t in FILLERS for t in tokens)
    ratio = round(count / expected_words, 2) if expected_words else None
    note = _note(options, count, wpm, long_pauses, fillers, ratio)
    return DeliveryReport(
        count,
        round(seconds, 2) if seconds else None,
        wpm,
        long_pauses,
        round(max(gaps, default=0.0), 2),
        fillers,
        ratio,
        note,
    )


def _note(
    options: DeliveryOptions, count: int, wpm: float | None, pauses: int, fillers: int, ratio: float | None
) -> str:
    """The one delivery remark worth hearing, most important first; '' when none is."""
    if ratio is not None and ratio < options.short_ratio and count:
        return "That was quite short: in an interview, give a few sentences."
    if wpm is not None and wpm > options.fast_wpm:
        return "You spoke quite fast; slow down a little."
    if count >= 20 and fillers / count >= options.filler_note_share:
        return "Try pausing silently instead of saying um."
    if pauses >= options.pause_note_at:
        return "There were some long pauses; it's fine to plan your answer first."
    if wpm is not None and wpm < options.slow_wpm and count >= 20:
        return "You can keep a slightly brisker pace."
    if ratio is not None and ratio > options.long_ratio:
        return "That was long: aim for the key points in a minute or so."
    return ""
