"""Split normalised text into sentences for sentence-by-sentence streaming synthesis.

The first sentence is synthesised while the rest are still queued, so the split aims
at pieces that are whole to the ear and quick to start: no breaks inside decimals,
abbreviations, initials or ellipses; very short fragments ride along with a neighbour;
long sentences break at a comma or semicolon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that end in a period without ending the sentence ("e.g.", "Dr.", "vs.").
# fmt: off
_ABBREVIATIONS = frozenset({
    "e.g", "i.e", "vs", "cf", "dr", "mr", "mrs", "ms", "prof", "st", "jr", "sr", "fig",
    "figs", "eq", "eqs", "sec", "no", "approx", "al", "w.r.t", "s.t", "a.k.a", "i.i.d",
    "resp", "inc", "ltd", "co", "ca", "viz", "min", "max", "vol", "pp", "ch",
})
# fmt: on
# A candidate end: punctuation, closing quotes or brackets, then whitespace. It starts at
# the first mark of a run ("?!", "..."), so a long run is scanned once, not once a mark.
_END = re.compile(r"""(?P<punct>[.!?…](?<![.!?…][.!?…])[.!?…]*+)(?P<close>["'”’)\]]*+)\s""")
_CLAUSE = re.compile(r"[,;:]\s+|\s[–—-]\s")


@dataclass(frozen=True)
class SplitOptions:
    """How sentences are cut and joined.

    min_chars: a piece shorter than this ("Yes.", "Right.") joins its neighbour.
    max_chars: a longer piece is cut at the last comma or semicolon before it (or, if
        there is none, at a space), so the first audio starts quickly; a tail shorter
        than min_chars is not cut off.
    """

    min_chars: int = 20
    max_chars: int = 200

    def __post_init__(self) -> None:
        if self.max_chars < 1 or self.min_chars < 0:
            raise ValueError(f"need max_chars >= 1 and min_chars >= 0, got {self}")


def split_sentences(text: str, options: SplitOptions | None = None) -> list[str]:
    """Sentences of `text`, each stripped, none empty, in order; joined they give the text."""
    opts = options or SplitOptions()
    pieces = [s for line in _lines(text) for s in _sentences(line)]
    pieces = _merge_short(pieces, opts.min_chars)
    return [part for piece in pieces for part in _cut_long(piece, opts)]


def _lines(text: str) -> list[str]:
    """Line breaks end a sentence unless the next line continues it in lower case."""
    lines: list[str] = []
    for raw in text.split("\n"):
        line = " ".join(raw.split())
        if not line:
            if lines and lines[-1]:
                lines.append("")  # a blank line always ends the paragraph
            continue
        if lines and lines[-1] and line[0].islower():
            lines[-1] += " " + line
        else:
            lines.append(line)
    return [line for line in lines if line]


def _sentences(line: str) -> list[str]:
    out, start = [], 0
    for m in _END.finditer(line):
        if _is_boundary(line, m):
            out.append(line[start : m.end("close")].strip())
            start = m.end()
    rest = line[start:].strip()
    return [*out, rest] if rest else out


def _is_boundary(line: str, m: re.Match[str]) -> bool:
    punct = m["punct"]
    if "…" in punct or ".." in punct:
        return False  # an ellipsis trails off; the thought goes on
    following = line[m.end() : m.end() + 1]
    if following and following.islower():
        return False  # "e.g. this", "approx. ten": a new sentence starts with a capital
    if punct != ".":
        return True
    words = line[max(0, m.start() - 64) : m.start()].split()  # the last two words suffice
    if not words:
        return True
    last = words[-1].lstrip("(\"'“‘[")
    if last.lower() in _ABBREVIATIONS or re.fullmatch(r"[A-Za-z](?:\.[A-Za-z])+", last):
        return False  # "vs.", "Dr.", "U.S."
    if re.fullmatch(r"[A-Z]", last):
        # An initial ("J. R. R. Tolkien", "John F. Kennedy") follows a name or another
        # initial; a variable ending a sentence ("… X transpose X.") follows a word.
        before = words[-2] if len(words) > 1 else ""
        return bool(before) and not before[0].isupper()
    return True


def _merge_short(pieces: list[str], min_chars: int) -> list[str]:
    merged: list[str] = []
    for piece in pieces:
        if merged and len(merged[-1]) < min_chars:
            merged[-1] += " " + piece
        else:
            merged.append(piece)
    if len(merged) > 1 and len(merged[-1]) < min_chars:
        tail = merged.pop()
        merged[-1] += " " + tail
    return merged


def _cut_long(piece: str, opts: SplitOptions) -> list[str]:
    parts = []
    while len(piece) > opts.max_chars:
        cut = _cut_point(piece, opts.max_chars)
        if len(piece) - cut < opts.min_chars:
            break  # a short tail would be a fragment of its own: keep it with its clause
        parts.append(piece[:cut].strip())
        piece = piece[cut:].strip()
    return [*parts, piece] if piece else parts


def _cut_point(piece: str, max_chars: int) -> int:
    """After the last clause break that leaves a decent first part, else at a space."""
    floor = max_chars // 4
    breaks = [m.end() for m in _CLAUSE.finditer(piece, 0, max_chars + 1) if m.end() > floor]
    if breaks:
        return breaks[-1]
    space = piece.rfind(" ", floor, max_chars)
    return space if space > 0 else max(max_chars, 1)
