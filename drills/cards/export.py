"""Exporting cards: an Anki package (.apkg, written with `genanki`) or Anki's CSV text format.

Both carry every card's stable guid, so importing an export into Anki (or back into Viva)
updates rather than duplicates. The curriculum's cards are always included (decks
`Viva::…`); with a learner, their own imported cards too. Scheduling is not exported."""

from __future__ import annotations

import csv
import hashlib
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from drills.cards import curriculum
from drills.cards.source import DeckFileError
from drills.content_model import ContentPack
from drills.store.models import Card, CardDeck

MODEL_ID = 1_733_011_207
"""The genanki note type's id: fixed, so re-exports update the same note type in Anki."""
_DOLLAR_BLOCK = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)
_DOLLAR = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$", re.DOTALL)


@dataclass(frozen=True)
class ExportCard:
    guid: str
    deck: str
    front: str
    back: str


def mathjax(text: str) -> str:
    """The curriculum's `$…$` / `$$…$$` as the MathJax delimiters Anki renders."""
    return _DOLLAR.sub(r"\\(\1\\)", _DOLLAR_BLOCK.sub(r"\\[\1\\]", text))


def _html(text: str) -> str:
    """A curriculum side (plain text with maths) as Anki field HTML."""
    return html.escape(mathjax(text), quote=False)


def collect(
    db: Session | None, pack: ContentPack, learner_id: str | None, decks: Sequence[str] = ()
) -> list[ExportCard]:
    """The cards to export: the curriculum's and (with a learner) theirs, optionally only the
    named decks (a parent deck name includes its subdecks)."""
    cards = [
        ExportCard(curriculum.GUID_PREFIX + c.card.id, c.deck, _html(c.card.front), _html(c.card.back))
        for c in curriculum.all_cards(pack)
    ]
    if db is not None and learner_id is not None:
        query = (
            select(Card.guid, CardDeck.name, Card.front, Card.back)
            .join(CardDeck, CardDeck.id == Card.deck_id)
            .where(Card.learner_id == learner_id, Card.content_id.is_(None))
            .order_by(CardDeck.name, Card.position)
        )
        cards += [ExportCard(*row) for row in db.execute(query).all()]
    if decks:
        cards = [c for c in cards if any(c.deck == d or c.deck.startswith(d + "::") for d in decks)]
    return cards


def write(cards: Iterable[ExportCard], path: Path) -> int:
    """Write .apkg or .csv by the file's extension; returns the number of cards written."""
    cards = list(cards)
    if not cards:
        raise DeckFileError("no cards to export (check the deck names with `viva deck list`)")
    suffix = path.suffix.lower()
    if suffix == ".apkg":
        write_apkg(cards, path)
    elif suffix in (".csv", ".tsv", ".txt"):
        write_csv(cards, path, "\t" if suffix != ".csv" else ",")
    else:
        raise DeckFileError(f"{path.name}: Viva exports .apkg or .csv, not '{suffix or 'no extension'}'")
    return len(cards)


def _deck_id(name: str) -> int:
    return int(hashlib.sha1(name.encode()).hexdigest()[:13], 16)


def write_apkg(cards: list[ExportCard], path: Path) -> None:
    try:
        import genanki
    except ImportError as exc:  # pragma: no cover - a dependency of the app
        raise RuntimeError("exporting .apkg requires the genanki package (pip install genanki)") from exc

    model = genanki.Model(
        MODEL_ID,
        "Viva card",
        fields=[{"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}",
            }
        ],
    )
    decks: dict[str, genanki.Deck] = {}
    for card in cards:
        deck = decks.setdefault(card.deck, genanki.Deck(_deck_id(card.deck), card.deck))
        deck.add_note(genanki.Note(model=model, fields=[card.front, card.back], guid=card.guid))
    path.parent.mkdir(parents=True, exist_ok=True)
    genanki.Package(list(decks.values())).write_to_file(str(path))


def write_csv(cards: list[ExportCard], path: Path, separator: str = ",") -> None:
    """Anki's text format with headers, so Anki (and Viva) import it with guids and decks."""
    name = "Comma" if separator == "," else "Tab"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(f"#separator:{name}\n#html:true\n#guid column:1\n#deck column:2\n")
        handle.write("#columns:" + separator.join(("GUID", "Deck", "Front", "Back")) + "\n")
        writer = csv.writer(handle, delimiter=separator)
        for card in cards:
            writer.writerow([card.guid, card.deck, card.front, card.back])
