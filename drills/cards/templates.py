"""Anki card templates rendered the way Anki does, for the parts that carry text.

`{{Field}}`, `{{#Field}}…{{/Field}}`, `{{^Field}}…{{/Field}}`, filters (`cloze:`, `type:`,
`hint:`, `text:`, `tts …:`, furigana), `{{FrontSide}}` and the special fields. Cloze
deletions `{{c1::text::hint}}` become a blank on the front of card 1 and the text on its back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from drills.cards.markup import plain_text

_SECTION = re.compile(r"\{\{([#^])\s*([^}]+?)\s*\}\}(.*?)\{\{/\s*\2\s*\}\}", re.DOTALL)
_TAG = re.compile(r"\{\{\s*([^#^/][^}]*?)\s*\}\}")
CLOZE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)
_ANSWER_RULE = re.compile(r"<hr[^>]*\bid\s*=\s*['\"]?answer['\"]?[^>]*>", re.IGNORECASE)
_FURIGANA = re.compile(r" ?([^ >]+?)\[(.+?)\]")

Blank = Callable[[str], str]


def written_blank(hint: str) -> str:
    return f"[{hint}]" if hint else "[...]"


def spoken_blank(hint: str) -> str:
    return f" blank ({hint}) " if hint else " blank "


@dataclass(frozen=True)
class CardContext:
    """What a template may refer to besides the note's fields."""

    fields: Mapping[str, str]
    tags: str = ""
    deck: str = ""
    notetype: str = ""
    card: str = ""
    cloze_ord: int | None = None
    """The cloze number this card asks (ord + 1) for cloze notetypes."""


def cloze_numbers(text: str) -> set[int]:
    return {int(n) for n, *_ in CLOZE.findall(text)}


def render_cloze(text: str, number: int | None, answer: bool, blank: Blank) -> str:
    def one(match: re.Match[str]) -> str:
        n, content, hint = int(match[1]), match[2], match[3] or ""
        if n != number:
            return content
        return content if answer else blank(hint)

    return CLOZE.sub(one, text)


def _field_value(name: str, ctx: CardContext, answer: bool, front_side: str, blank: Blank) -> str:
    *filters, field = [part.strip() for part in name.split(":")]
    special = {
        "FrontSide": front_side,
        "Tags": ctx.tags,
        "Deck": ctx.deck,
        "Subdeck": ctx.deck.split("::")[-1],
        "Type": ctx.notetype,
        "Card": ctx.card,
        "CardFlag": "",
    }
    value = special[field] if field in special and not filters else ctx.fields.get(field, "")
    for name in reversed(filters):
        kind = name.split()[0] if name else ""
        if kind == "type":
            return ""  # the typing box (front) or its comparison (back): the field is shown elsewhere
        if kind in ("cloze", "cloze-only"):
            value = render_cloze(value, ctx.cloze_ord, answer, blank)
        elif kind == "text":
            value = plain_text(value)
        elif kind in ("furigana", "kanji"):
            value = _FURIGANA.sub(r"\1", value)
        elif kind == "kana":
            value = _FURIGANA.sub(r"\2", value)
        # hint, tts and unknown filters show the field's text
    return value


def render(template: str, ctx: CardContext, answer: bool, front_side: str = "", blank: Blank = written_blank) -> str:
    """One side of a card: conditional sections resolved innermost first, then the fields."""

    def section(match: re.Match[str]) -> str:
        kind, name, body = match[1], match[2], match[3]
        field = name.split(":")[-1].strip()
        present = bool(plain_text(ctx.fields.get(field, "")) or "<img" in ctx.fields.get(field, ""))
        return body if present == (kind == "#") else ""

    text = template
    for _ in range(20):  # nested sections: resolve inner ones until nothing changes
        new = _SECTION.sub(section, text)
        if new == text:
            break
        text = new
    return _TAG.sub(lambda m: _field_value(m[1], ctx, answer, front_side, blank), text)


def answer_part(rendered_answer: str, rendered_question: str) -> str:
    """The answer side without the question repeated above it (`{{FrontSide}}<hr id=answer>`)."""
    parts = _ANSWER_RULE.split(rendered_answer, maxsplit=1)
    if len(parts) == 2:
        return parts[1]
    if rendered_question and rendered_answer.startswith(rendered_question):
        return rendered_answer[len(rendered_question) :]
    return rendered_answer
