"""Spotting a trailing done-phrase ("that's my answer") in a transcript."""

from __future__ import annotations

import re

_PUNCT = re.compile(r"[^\w\s']")


def _words(text: str) -> list[str]:
    return _PUNCT.sub(" ", text.lower().replace("’", "'")).split()


def split_done_phrase(text: str, phrases: tuple[str, ...]) -> tuple[str, str | None]:
    """Return (`text` without a trailing done-phrase, the phrase found or None).

    Matching ignores case and punctuation; the text before the phrase keeps its own form.
    """
    words = _words(text)
    for phrase in sorted(phrases, key=len, reverse=True):
        target = _words(phrase)
        if len(words) >= len(target) and words[-len(target) :] == target:
            return _strip_tail_words(text, len(target)), phrase
    return text, None


def _strip_tail_words(text: str, count: int) -> str:
    tokens = text.rstrip().split()
    kept = tokens
    removed = 0
    # Walk back over whitespace tokens; a token made only of punctuation does not count.
    while kept and removed < count:
        if _words(kept[-1]):
            removed += 1
        kept = kept[:-1]
    return " ".join(kept).rstrip(" ,;:-")


def is_command_phrase(text: str, phrases: tuple[str, ...]) -> bool:
    """True when the whole utterance is one of the short commands ("skip", "repeat the question")."""
    words = _words(text)
    return bool(words) and any(words == _words(phrase) for phrase in phrases)
