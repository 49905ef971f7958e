"""The answer's words as the replay shows them: the graded text cut into words, each with its
character offsets (evidence spans are offsets into that text) and, where the recogniser's
word timings line up with it, the seconds in the stored audio it was said at.

The graded text is the recogniser's final text (plus anything carried over a reconnect), so
its words and the timed words mostly match one to one; alignment is greedy and tolerant: a
timed word is looked for within a few text words, then further on together with the word
after it; one not found is skipped, and a text word no timing reached (typed, or said before
the last final) has none.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"\S+")
_LOOKAHEAD = 6


@dataclass(frozen=True)
class Token:
    text: str
    char_start: int
    char_end: int
    start: float | None = None
    """Seconds into the stored audio (None: no timing reached this word)."""
    end: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"t": self.text, "c0": self.char_start, "c1": self.char_end, "s": self.start, "e": self.end}


def _key(word: str) -> str:
    return "".join(ch for ch in word.casefold() if ch.isalnum())


def _parse(word: Mapping[str, Any]) -> tuple[str, float, float] | None:
    """(key, start, end) of a timed word; None for a malformed one (skipped, never fatal)."""
    try:
        key, start, end = _key(str(word["word"])), float(word["start"]), float(word["end"])
    except (KeyError, TypeError, ValueError):
        return None
    return (key, start, end) if key and 0 <= start <= end else None


def _find(keys: list[str], key: str, cursor: int, following: str | None) -> int | None:
    """Where a timed word is in the text: within a few words of the cursor, else further on
    where it and the next timed word both match (the timings of a resumed answer cover only
    its last part: the text before them has none)."""
    for index in range(cursor, min(cursor + _LOOKAHEAD, len(keys))):
        if keys[index] == key:
            return index
    for index in range(cursor + _LOOKAHEAD, len(keys)):
        if keys[index] == key and (following is None or (index + 1 < len(keys) and keys[index + 1] == following)):
            return index
    return None


def tokens(text: str, words: Sequence[Mapping[str, Any]] | None) -> list[Token]:
    """`text` as tokens, timed from `words` ({"word", "start", "end"} as the recogniser gives them)."""
    found = [(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
    timings: list[tuple[float, float] | None] = [None] * len(found)
    keys = [_key(word) for word, _, _ in found]
    parsed = [_parse(word) for word in words or ()]
    timed = [w for w in parsed if w is not None]
    cursor = 0
    for j, (key, start, end) in enumerate(timed):
        index = _find(keys, key, cursor, timed[j + 1][0] if j + 1 < len(timed) else None)
        if index is not None:
            timings[index] = (round(start, 3), round(end, 3))
            cursor = index + 1
    return [
        Token(word, a, b, *(timing if timing else (None, None)))
        for (word, a, b), timing in zip(found, timings, strict=True)
    ]
