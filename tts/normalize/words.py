"""Prose: abbreviations, ML names, symbols and numbers in running text.

Math has already been cut out of the text (see `spans.py`); what reaches `read_words`
is plain prose, which is left as written except where a rule in `rules.py` applies.
"""

from __future__ import annotations

import re

from tts.normalize.numbers import read_numbers
from tts.normalize.rules import (
    CASE_SENSITIVE,
    DOTTED,
    ENDS_SENTENCE,
    PROSE_SYMBOLS,
    SAID,
    SPELLED,
)


def _spelled(word: str) -> str:
    """ "LLM" -> "L L M"; the slash in "I/O" and "A/B" is not said."""
    return " ".join(c.upper() for c in word if c.isalnum())


# Every word reading: written form -> spoken form.
_EXACT: dict[str, str] = {**{w: _spelled(w) for w in SPELLED}, **SAID}
# Any-case forms ("relu", "Gpt"), except words that are English in lower case ("map").
_FOLDED: dict[str, str] = {w.casefold(): reading for w, reading in _EXACT.items() if w not in CASE_SENSITIVE}
# A word-like token: letters and digits, joined by . / ' - ("e.g.", "k-NN", "LLM's").
# Patterns here start with a literal or a character class, not a lookbehind: re then
# skips ahead to candidate positions, several times faster on long prose.
_TOKEN = re.compile(r"[A-Za-z](?<![\w.][A-Za-z])[A-Za-z0-9]*(?:[./'-][A-Za-z0-9]+)*\.?")
_HYPHENATED_PART = re.compile(r"[A-Za-z0-9]+")
# "GPT4", "A100", "L2": capitals glued to a number are said apart.
_LETTERS_DIGITS = re.compile(r"\b([A-Z]{1,4})(\d+)\b")
# "2PR": a number glued to capitals (not "7B", "32K": those are magnitudes).
_DIGITS_LETTERS = re.compile(r"\b(\d+)([A-Z]{2,})\b")
# "n-1", "t - 1": a lone letter before a hyphen and a number is a subtraction.
_LETTER_MINUS = re.compile(r"([A-Za-z])(?<![\w-][A-Za-z])\s?-\s?(?=\d+(?:\.\d+)?(?![\w-]))")
# "1 - p", "p - q": a spaced hyphen between lone operands (checked in `_spaced_minus`).
_SPACED_HYPHEN = re.compile(r" - (?=[A-Za-z](?![\w-]))")
_LONE_OPERAND = re.compile(r"(?:^|[^\w.])(?:\d+(?:\.\d+)?|[A-Za-z])$")
# "GPT-4", "Llama-2": a name joined to its version number (but not 1e-3).
_NAME_HYPHEN = re.compile(r"-(?<=[A-Za-z]-)(?<!\d[eE]-)(?=\d)")
# "-log p": a minus sign before a word (not "2006-today", not "non-linear").
_SIGN = re.compile(r"-(?<![^\s(=]-)(?=[A-Za-z])")
_SYMBOLS = tuple((re.compile(pattern), reading) for pattern, reading in PROSE_SYMBOLS)
_SENTENCE_GOES_ON = re.compile(r"\s{0,3}[a-z0-9,;:]")


def lookup_word(word: str) -> str | None:
    """The spoken form of an abbreviation or ML name, or None if it has none."""
    return _EXACT.get(word) or _FOLDED.get(word.casefold())


def read_words(text: str) -> str:
    """Read a stretch of prose: abbreviations, names, numbers and symbols become words."""
    text = _LETTERS_DIGITS.sub(r"\1 \2", text)
    text = _DIGITS_LETTERS.sub(r"\1 \2", text)
    text = _LETTER_MINUS.sub(r"\1 minus ", text)
    text = _SPACED_HYPHEN.sub(_spaced_minus, text)
    text = _NAME_HYPHEN.sub(" ", text)
    text = _SIGN.sub("minus ", text)
    text = _TOKEN.sub(_read_token, text)
    text = read_numbers(text)
    for pattern, reading in _SYMBOLS:
        text = pattern.sub(reading, text)
    return text


def _spaced_minus(m: re.Match[str]) -> str:
    before = m.string[max(0, m.start() - 12) : m.start()]
    return " minus " if _LONE_OPERAND.search(before) else m[0]


def _read_token(m: re.Match[str]) -> str:
    token = m[0]
    dotted = DOTTED.get(token.lower())
    if dotted is not None:
        if token.lower() in ENDS_SENTENCE and not _SENTENCE_GOES_ON.match(m.string, m.end()):
            dotted += "."  # the abbreviation's period also ended the sentence
        return dotted[:1].upper() + dotted[1:] if token[0].isupper() else dotted
    word, period = (token[:-1], ".") if token.endswith(".") else (token, "")
    reading = _read_word(word)
    if reading is not None:
        return reading + period
    if "-" in word or "/" in word:  # "pre-LLM", "GAN-based"
        return _HYPHENATED_PART.sub(lambda p: _read_word(p[0]) or p[0], word) + period
    return token


def _read_word(word: str) -> str | None:
    reading = lookup_word(word)
    if reading is not None:
        return reading
    for suffix in ("'s", "s"):  # plurals: "LLMs", "GANs", "ReLUs"
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            reading = lookup_word(word[: -len(suffix)])
            if reading is not None:
                # A spelled acronym takes "'s" ("L L M's"), so "Ms" is not read as a title.
                return reading + ("'s" if reading.isupper() else "s")
    return None
