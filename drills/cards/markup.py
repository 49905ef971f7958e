"""Anki's HTML as text: media references found, markup stripped sensibly (breaks, blocks and
list items become lines; entities decoded), for the screen and for speech."""

from __future__ import annotations

import html
import re

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_DROP_BLOCKS = re.compile(r"<(style|script|head)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_IMG = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+))[^>]*>", re.IGNORECASE)
_SOURCE = re.compile(r"<(?:audio|video|source)\b[^>]*?\bsrc\s*=\s*(?:\"([^\"]*)\"|'([^']*)')[^>]*>", re.IGNORECASE)
_SOUND = re.compile(r"\[sound:([^\]]+)\]")
_LINE_TAG = re.compile(
    r"<\s*(?:br|hr)\b[^>]*>|</?\s*(?:div|p|li|tr|h[1-6]|ul|ol|table|pre|blockquote)\b[^>]*>", re.IGNORECASE
)
_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_CELL = re.compile(r"</\s*t[dh]\s*>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\u00a0]+")
_TABLE = re.compile(r"<\s*table\b", re.IGNORECASE)


def media_refs(markup: str) -> list[str]:
    """Files a field or card refers to: images, [sound:…] and audio/video sources, in order."""
    found: list[str] = []
    for match in _IMG.finditer(markup):
        found.append(next(g for g in match.groups() if g is not None))
    for match in _SOURCE.finditer(markup):
        found.append(next(g for g in match.groups() if g is not None))
    found += _SOUND.findall(markup)
    return list(dict.fromkeys(html.unescape(f) for f in found if f))


def has_table(markup: str) -> bool:
    return bool(_TABLE.search(markup))


def clean_html(markup: str) -> str:
    """Rendered card HTML without comments, styles and scripts (what the screen shows)."""
    return _DROP_BLOCKS.sub("", _COMMENT.sub("", markup)).strip()


def plain_text(markup: str) -> str:
    """The text of some Anki HTML: one line per break, block or list item, media removed,
    entities decoded, runs of spaces collapsed. `a<br>b` → "a\\nb"; `<li>x</li>` → "x"."""
    text = clean_html(markup)
    text = _SOUND.sub(" ", _SOURCE.sub(" ", _IMG.sub(" ", text)))
    text = _ITEM.sub("\n", text)
    text = _CELL.sub(", ", text)
    text = _LINE_TAG.sub("\n", text)
    text = html.unescape(_TAG.sub("", text))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n", "\n".join(line for line in lines if line)).strip()
