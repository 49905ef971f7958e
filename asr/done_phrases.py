"""Spotting a trailing done-phrase ("that's my answer") or a whole command ("skip") in a transcript."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    return command_match(text, phrases) is not None


@dataclass(frozen=True)
class CommandMatch:
    phrase: str
    ambiguous: bool
    """A single word ("stop" of "stop words are…"), or the start of a longer command ("repeat" of
    "repeat the question"): the learner may not have finished, so the turn waits the command
    hangover before ending."""


def command_match(text: str, phrases: tuple[str, ...]) -> CommandMatch | None:
    """The command `text` is, in full, or None (case and punctuation ignored)."""
    words = _words(text)
    if not words:
        return None
    for phrase in phrases:
        if _words(phrase) == words:
            longer = any(len(w := _words(p)) > len(words) and w[: len(words)] == words for p in phrases)
            return CommandMatch(phrase, longer or len(words) == 1)
    return None
