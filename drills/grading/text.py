"""Answer text as the grader sees it: spans with offsets, ASR-tolerant tokens, stems.

A small speech recogniser splits and spells jargon its own way ("soft max", "k l divergence",
"l one"), so tokens are compared after number words become digits, and every run of two or
three adjacent tokens also counts joined ("soft max" → "softmax", "k l" → "kl").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from drills.matching import normalise

NUMBER_WORDS = {
    "zero": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
    "seven": "7", "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12",
    "thirteen": "13", "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17",
    "eighteen": "18", "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40",
    "fifty": "50", "sixty": "60", "seventy": "70", "eighty": "80", "ninety": "90",
    "hundred": "100", "thousand": "1000",
}  # fmt: skip

STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for with from as into onto than then that this these those it its
    is are was were be been being do does did has have had having can could will would should may might must
    so such not no nor very too also just only each every all any both either neither some more most much many
    which who whom whose what when where why how there here their they them we you your our i me my he she his her
    about over under between through during before after above below up down out off again further once same other
    own one s t d ll ve re m o y e g ie eg etc like get gets got make makes made use uses used using way ways thing
    things well say says said let lets while whereas whilst although though however""".split()  # noqa: SIM905
)

_SPLIT = re.compile(r"(?:[^.!?;]|\.(?=\d))+[.!?;]*")  # "99.9" is not a sentence end
_CLAUSE = re.compile(r",|\b(?:while|whereas|but|unlike|however|although|though|instead)\b", re.IGNORECASE)
NEGATIONS = frozenset({"not", "no", "never", "neither", "nor", "cannot", "cant", "doesnt", "dont", "isnt",
                       "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt", "couldnt", "hasnt", "havent",
                       "didnt", "without", "none", "rarely", "hardly"})  # fmt: skip


@dataclass(frozen=True)
class Span:
    """A stretch of the answer with its character offsets."""

    text: str
    start: int
    end: int


def sentences(text: str) -> list[Span]:
    """Sentences (split on . ! ? ;), with offsets; a long run-on (an ASR transcript often has
    no punctuation) is cut into overlapping 24-word windows."""
    spans: list[Span] = []
    for match in _SPLIT.finditer(text):
        piece = match.group(0)
        if not piece.strip():
            continue
        lead = len(piece) - len(piece.lstrip())
        span = Span(piece.strip(), match.start() + lead, match.start() + lead + len(piece.strip()))
        spans.extend(_windows(span, 24, 12) if len(span.text.split()) > 32 else [span])
    return spans


def clauses(span: Span) -> list[Span]:
    """A sentence cut at commas and before contrast words (while, whereas, but, unlike …)."""
    bounds = [(m.start(), m.end() if m.group(0) == "," else m.start()) for m in _CLAUSE.finditer(span.text)]
    out: list[Span] = []
    position = 0
    for stop, resume in [*bounds, (len(span.text), len(span.text))]:
        piece = span.text[position:stop]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            begin = span.start + position + lead
            out.append(Span(piece.strip(), begin, begin + len(piece.strip())))
        position = resume
    return out


def _windows(span: Span, size: int, stride: int) -> list[Span]:
    words = list(re.finditer(r"\S+", span.text))
    out = []
    for first in range(0, max(1, len(words) - size + stride), stride):
        chunk = words[first : first + size]
        if not chunk:
            break
        start, end = chunk[0].start(), chunk[-1].end()
        out.append(Span(span.text[start:end], span.start + start, span.start + end))
        if first + size >= len(words):
            break
    return out


def windows(text: str, limit: int = 48, pairs_up_to: int = 12) -> list[Span]:
    """What embeddings compare a key point with: each sentence, the clauses of a sentence that
    makes two claims ("bagging cuts variance, while boosting cuts bias"), and each pair of
    neighbouring sentences (a point is often stated across two) while the answer has at most
    `pairs_up_to` sentences; at most `limit`, a long answer thinned evenly (grading time grows
    with the windows: a three-minute answer stays under the 300 ms goal)."""
    parts = sentences(text)
    out = list(parts)
    for sentence in parts:
        pieces = [c for c in clauses(sentence) if len(c.text.split()) >= 4]
        if len(pieces) >= 2:
            out.extend(pieces)
    for a, b in zip(parts, parts[1:], strict=False):
        if len(parts) <= pairs_up_to and b.start > a.start:
            out.append(Span(text[a.start : b.end], a.start, b.end))
    if len(out) > limit:
        step = len(out) / limit
        out = [out[int(i * step)] for i in range(limit)]
    return out


@lru_cache(maxsize=20000)
def stem(word: str) -> str:
    """A light suffix stripper: enough to match reduces/reduce/reducing, variances/variance."""
    for suffix in ("ational", "ization", "isation", "ations", "ation", "ities", "ity", "ness", "ments", "ment",
                   "ingly", "edly", "ings", "ing", "ies", "ied", "ed", "es", "ly", "er", "s"):  # fmt: skip
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def tokens(text: str) -> list[str]:
    """Normalised words with number words as digits."""
    return [NUMBER_WORDS.get(w, w) for w in normalise(text.replace("%", " percent")).split()]


def token_set(text: str) -> frozenset[str]:
    """Stems of every token plus every two- and three-token run joined (ASR splits jargon)."""
    words = tokens(text)
    out = {stem(w) for w in words}
    for n in (2, 3):
        for i in range(len(words) - n + 1):
            joined = "".join(words[i : i + n])
            out.add(joined)
            out.add(stem(joined))
    return frozenset(out)


def content_stems(text: str) -> list[str]:
    """The stems that carry a sentence's meaning (stopwords dropped), in order, no repeats."""
    seen: dict[str, None] = {}
    for word in tokens(text):
        if word in STOPWORDS or (len(word) < 2 and not word.isdigit()):
            continue
        seen.setdefault(stem(word), None)
    return list(seen)


def joined_variants(text: str) -> str:
    """The normalised text with two-token jargon splits joined, for `match` entries written
    as one word ("soft max" → also "softmax"): the original words are kept alongside."""
    words = normalise(text).split()
    pairs = ["".join(words[i : i + 2]) for i in range(len(words) - 1)]
    return " ".join(words + ["|"] + pairs)


def negated(text: str) -> bool:
    """An odd number of negations: "does not saturate" is negated, "not un-…" is not handled."""
    words = normalise(text).replace("no matter", "whatever").replace("not only", "").split()
    return sum(w in NEGATIONS for w in words) % 2 == 1


_WORD = re.compile(r"[A-Za-z][A-Za-z']+")


def canonical(text: str, vocabulary: frozenset[str]) -> str:
    """The text with near-misses of the question's jargon replaced by it: a small recogniser
    hears "batting" for bagging. A word is replaced when it is not jargon itself, has the same
    length and first letter as exactly one jargon word, and differs from it in at most one
    letter (five or six letters) or two (seven or more)."""
    if not vocabulary:
        return text

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if len(lowered) < 5 or lowered in vocabulary:
            return word
        allowed = 1 if len(lowered) < 7 else 2
        near = [
            v
            for v in vocabulary
            if len(v) == len(lowered)
            and v[0] == lowered[0]
            and sum(a != b for a, b in zip(v, lowered, strict=False)) <= allowed
        ]
        return near[0] if len(near) == 1 else word

    return _WORD.sub(fix, text)


def word_count(text: str) -> int:
    return len(normalise(text).split())
