"""Tokens of math source: commands, numbers, words, symbols, and the space before each.

A run of letters stays one word when it is read as one ("log", "softmax", "KL",
"Laplace"); otherwise it is a product of single-letter variables ("QK" is Q times K),
which is also how LaTeX typesets it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tts.normalize.rules import COMMANDS, Kind
from tts.normalize.words import lookup_word


@dataclass(frozen=True, slots=True)
class Tok:
    kind: str  # "cmd" | "num" | "word" | "sym"
    text: str
    gap: bool  # whitespace before it: "f (x)" is not an application, "f(x)" is


_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<cmd>\\(?:[A-Za-z]+\*?|.))
    | (?P<num>\d+/\d+(?![\d.])|\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?
        |\d+(?:\.\d+)?(?:[eE][-+]?\d+(?![\w.]))?|\.\d+)
    | (?P<word>[^\W\d_]+)
    | (?P<sym>\.{3,}|\|\||==|<=|>=|!=|->|:=|.)
    """,
    re.VERBOSE | re.DOTALL,
)
# Words that read as one unit inside math; other letter runs are products ("QK", "xy").
# fmt: off
SMALL_WORDS = frozenset({
    "if", "is", "in", "of", "or", "on", "to", "as", "at", "by", "be", "an", "no", "so",
    "and", "for", "the", "all", "any", "not", "with", "where", "when", "then", "else",
    "otherwise", "such", "that", "over", "from",
})
# fmt: on
WORD_KINDS = (Kind.FUNCTION, Kind.LETTER, Kind.SQRT)
WORD_BIGS = frozenset({"sum", "prod", "lim", "max", "min", "argmax", "argmin"})
INFINITY_WORDS = frozenset({"inf", "infty", "infinity"})


def tokenize(source: str) -> list[Tok]:
    """The tokens of `source`, each knowing whether whitespace preceded it."""
    tokens: list[Tok] = []
    gap = False
    for m in _TOKEN.finditer(source):
        kind = m.lastgroup or "sym"
        if kind == "space":
            gap = True
            continue
        if kind == "word" and not _reads_whole(m[0]):
            # An unknown run of letters is a product of variables: "QK" is Q K.
            tokens.extend(Tok("word", c, gap and i == 0) for i, c in enumerate(m[0]))
        else:
            tokens.append(Tok(kind, m[0], gap))
        gap = False
    return tokens


def _reads_whole(word: str) -> bool:
    if len(word) == 1 or word in SMALL_WORDS or word in WORD_BIGS:
        return True
    if word in INFINITY_WORDS or lookup_word(word) is not None:
        return True
    entry = COMMANDS.get(word)
    if entry is not None and entry[0] in WORD_KINDS:
        return True
    if word.islower():
        return len(word) >= 3 and any(v in word for v in "aeiouy")
    return len(word) >= 4 and word[0].isupper() and word[1:].islower()  # "Laplace"
