"""The `match` language of SCHEMA.md: transcript normalisation and compiled match entries.

Both sides are normalised the same way: lower-case, apostrophes dropped (`doesn't` → `doesnt`),
every other non-alphanumeric character (hyphens, dots, symbols) turned into a space. An entry
is `alt|alt|…`; an alternative matches as whole words, and a trailing `*` accepts any ending.
"""

from __future__ import annotations

import re
from functools import lru_cache

_APOSTROPHES = str.maketrans("", "", "'’‘`´")


def normalise(text: str) -> str:
    """The canonical form matching runs on: lower-case alphanumeric words, single spaces."""
    lowered = text.lower().translate(_APOSTROPHES)
    return " ".join("".join(ch if ch.isalnum() else " " for ch in lowered).split())


def entry_problems(entry: str) -> list[str]:
    """Why `entry` is not a valid match entry (empty list when it is)."""
    if not entry.strip():
        return ["empty match entry"]
    problems = []
    for alternative in entry.split("|"):
        stem = alternative.strip()
        if stem.endswith("*"):
            stem = stem[:-1]
        if "*" in stem:
            problems.append(f"'*' is only allowed at the end of an alternative: '{alternative}'")
        elif not normalise(stem):
            problems.append(f"empty alternative in '{entry}'")
    return problems


@lru_cache(maxsize=8192)
def compile_entry(entry: str) -> re.Pattern[str]:
    """One regex for the whole entry, run against normalised text. Raises ValueError if invalid."""
    problems = entry_problems(entry)
    if problems:
        raise ValueError(problems[0])
    parts = []
    for alternative in entry.split("|"):
        stem = alternative.strip()
        star = stem.endswith("*")
        words = normalise(stem[:-1] if star else stem)
        parts.append(re.escape(words) + (r"\S*" if star else ""))
    # Normalised text is words separated by single spaces, so a boundary is a space or an end.
    return re.compile(r"(?<!\S)(?:" + "|".join(parts) + r")(?!\S)")


def entry_matches(entry: str, normalised_text: str) -> bool:
    return compile_entry(entry).search(normalised_text) is not None


@lru_cache(maxsize=4096)
def _term_pattern(term: str) -> re.Pattern[str] | None:
    words = normalise(term)
    if not words:
        return None
    # A jargon word counts in its plural too: "eigenvectors" is still the word to avoid.
    return re.compile(r"(?<!\S)" + re.escape(words) + r"(?:s|es)?(?!\S)")


def term_used(term: str, normalised_text: str) -> bool:
    pattern = _term_pattern(term)
    return pattern is not None and pattern.search(normalised_text) is not None
