"""Spoken forms of cards: Anki's HTML and maths made into words through the TTS normaliser,
and what stops a card from being spoken (image-only, empty, a script the voice cannot read).

The normaliser (`tts.normalize.speakable`) reads HTML breaks, entities, `\\( … \\)` and
`\\[ … \\]`; Anki's own `[latex]…[/latex]`, `[$]…[/$]` and `[$$]…[/$$]` are turned into those
delimiters first. Lines become sentences so the voice pauses between list items.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from drills.cards.markup import has_table, media_refs, plain_text
from tts.normalize import speakable

_ANKI_LATEX = (
    (re.compile(r"\[latex\](.*?)\[/latex\]", re.IGNORECASE | re.DOTALL), r"\\[\1\\]"),
    (re.compile(r"\[\$\$\](.*?)\[/\$\$\]", re.DOTALL), r"\\[\1\\]"),
    (re.compile(r"\[\$\](.*?)\[/\$\]", re.DOTALL), r"\\(\1\\)"),
)
_LATEX_DOCUMENT = re.compile(r"\\(?:begin|end)\{(?:document|displaymath)\}")
_SENTENCE_END = re.compile(r"[.!?:;,]$")
MAX_SPOKEN_WORDS = 120
"""Longer sides are still spoken but reported: too long to follow by ear."""


@dataclass(frozen=True)
class Spoken:
    text: str
    """What the voice says (already normalised: maths read as words)."""
    problem: str | None = None
    """Why this side cannot be spoken, or None."""
    media: tuple[str, ...] = ()
    note: str | None = None
    """Something worth reporting that does not stop it being spoken ("long")."""


def latex_delimiters(text: str) -> str:
    """Anki's [latex] / [$] / [$$] blocks as MathJax delimiters the normaliser reads."""
    for pattern, replacement in _ANKI_LATEX:
        text = pattern.sub(
            lambda m, r=replacement: r.replace("\\1", _LATEX_DOCUMENT.sub("", m[1])).replace("\\\\", "\\"), text
        )
    return text


def _sentences(text: str) -> str:
    """One sentence per line: "Encoder\\nDecoder" → "Encoder. Decoder"."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return " ".join(line if _SENTENCE_END.search(line) else line + "." for line in lines[:-1]) + (
        " " + lines[-1] if lines else ""
    )


def _foreign_script(text: str) -> bool:
    """Mostly letters outside the Latin, Greek and maths ranges (the voice reads English)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    foreign = sum(1 for c in letters if ord(c) > 0x24F and not 0x370 <= ord(c) <= 0x3FF and not _is_math(c))
    return foreign / len(letters) > 0.3


def _is_math(char: str) -> bool:
    return unicodedata.name(char, "").startswith("MATHEMATICAL")


def speak(markup: str, side: str = "side") -> Spoken:
    """The spoken form of one card side given as Anki HTML (or plain text)."""
    media = tuple(media_refs(markup))
    text = plain_text(latex_delimiters(markup))
    if not text:
        problem = f"the {side} is only an image" if media else f"the {side} is empty"
        return Spoken("", problem, media)
    if _foreign_script(text):
        return Spoken("", f"the {side} is in a script the English voice cannot read", media)
    spoken = speakable(_sentences(text)).replace("\n", " ")
    if not re.search(r"\w", spoken):
        return Spoken("", f"the {side} has nothing the voice can say", media)
    note = None
    if has_table(markup):
        note = f"the {side} holds a table, read row by row"
    elif len(spoken.split()) > MAX_SPOKEN_WORDS:
        note = f"the {side} is long ({len(spoken.split())} spoken words)"
    return Spoken(spoken, None, media, note)
