"""Speech normalisation for study material: text as flashcards write it, as a teacher says it.

    >>> speakable(r"The attention scale is $\\frac{1}{\\sqrt{d_k}}$.")
    'The attention scale is one over the square root of d sub k.'

Stages: `prepare` (markup, Unicode and ASCII symbols to LaTeX), `spans` (find the
math), `latex` with `tokens` and `phrasing` (read math), `words` and `numbers` (read
prose), then a final tidy. All readings live in `rules.py`.
"""

from __future__ import annotations

import logging
import re

from tts.normalize.prepare import prepare
from tts.normalize.spans import read_text

__all__ = ["speakable"]

_log = logging.getLogger(__name__)

# Each pattern starts with a literal or a class (lookarounds after it) to scan fast.
_TIDY: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), reading)
    for pattern, reading in (
        (r"[\\{}^_$|`]+", " "),  # markup the readers left behind
        (r"\(\s*\)|\[\s*\]", " "),  # brackets emptied by the readers
        (r"[ \t]+", " "),
        (r" ?\n[ ,]*", "\n"),
        (r"\n{3,}", "\n\n"),
        (r" ([,.;:!?)\]])", r"\1"),  # no space before punctuation
        (r"\( ", "("),
        (r"\[ ", "["),
        (r",[ ,]*,", ","),  # pauses that met
        (r",(?<=[.!?;:],)", ""),
        (r",+(?= ?$)", ""),
        (r" -(?<=\w -)(?=\w)", "-"),  # "two thousand six -today" from "2006-today"
    )
)


def speakable(text: str) -> str:
    """Words a speech synthesiser reads the way a teacher says them.

    Never raises: a reading bug must not silence the tutor, so on an internal error the
    text is spoken with markup stripped, and the error is logged.
    """
    try:
        return _speakable(text)
    except Exception:  # degrade to a plain reading, never fail
        _log.exception("speech normalisation failed; reading plain text")
        return _tidy(text) if isinstance(text, str) else ""


def _speakable(text: str) -> str:
    return _tidy(read_text(prepare(text)))


def _tidy(text: str) -> str:
    for pattern, reading in _TIDY:
        text = pattern.sub(reading, text)
    return text.strip().lstrip(",").lstrip()
