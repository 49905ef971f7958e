"""Decks the tests build themselves: genanki (collection.anki2) and, with the AGPL `anki`
package (tests only), collection.anki21 and the zstd-compressed collection.anki21b."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

PNG = b"\x89PNG\r\n\x1a\n fake image bytes"


@dataclass(frozen=True)
class Built:
    path: Path
    notes: int
    cards: int
    decks: frozenset[str]


def genanki_deck(path: Path) -> Built:
    """Basic, reversed and cloze notes in a parent deck and a subdeck, with an image."""
    import genanki

    image = path.parent / "diagram.png"
    image.write_bytes(PNG)
    parent = genanki.Deck(2_059_400_110, "ML")
    child = genanki.Deck(2_059_400_111, "ML::Trees")
    parent.add_note(
        genanki.Note(genanki.BASIC_MODEL, ["What does SGD stand for?", "Stochastic gradient descent"], guid="g-basic")
    )
    parent.add_note(
        genanki.Note(genanki.BASIC_MODEL, ["Sketch the network", '<img src="diagram.png">'], guid="g-image")
    )
    child.add_note(
        genanki.Note(
            genanki.BASIC_AND_REVERSED_CARD_MODEL,
            ["Gini impurity", "One minus the sum of squared class probabilities"],
            guid="g-rev",
        )
    )
    child.add_note(
        genanki.Note(
            genanki.CLOZE_MODEL,
            ["A {{c1::decision tree}} splits on the feature with the highest {{c2::information gain::criterion}}.", ""],
            guid="g-cloze",
        )
    )
    package = genanki.Package([parent, child])
    package.media_files = [str(image)]
    package.write_to_file(str(path))
    return Built(path, notes=4, cards=6, decks=frozenset({"ML", "ML::Trees"}))


def anki_collection(directory: Path):
    """A collection made with Anki itself: reversed, cloze, subdecks, media, MathJax and
    reviews (one card answered good twice, days apart, then again)."""
    anki = pytest.importorskip("anki.collection", reason="the anki package (test extra) is not installed")
    from anki.scheduler.v3 import CardAnswer

    col = anki.Collection(str(directory / "source.anki2"))
    deck = col.decks.id("Physics::Waves")
    top = col.decks.id("Physics")
    note = col.new_note(col.models.by_name("Basic (and reversed card)"))
    note["Front"], note["Back"] = "Wave speed", r"\(v = f \lambda\)"
    col.add_note(note, deck)
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "Light is a {{c1::transverse}} wave; sound in air is {{c2::longitudinal}}."
    col.add_note(cloze, deck)
    picture = col.media.write_data("wave.png", PNG)
    image = col.new_note(col.models.by_name("Basic"))
    image["Front"], image["Back"] = "Draw a standing wave", f'<img src="{picture}">'
    col.add_note(image, top)
    card = col.get_card(note.card_ids()[0])
    for rating in (CardAnswer.GOOD, CardAnswer.GOOD, CardAnswer.AGAIN):
        card = col.get_card(card.id)
        card.start_timer()
        states = col._backend.get_scheduling_states(card.id)
        col.sched.answer_card(col.sched.build_answer(card=card, states=states, rating=rating))
    # Spread the reviews over days, as a real history would be.
    ids = [r[0] for r in col.db.all("select id from revlog order by id")]
    for index, rid in enumerate(ids):
        col.db.execute("update revlog set id = ? where id = ?", rid - (len(ids) - index) * 3 * 86_400_000, rid)
    return col, card.id


def anki_package(directory: Path, legacy: bool) -> Built:
    """collection.anki21 (legacy=True) or collection.anki21b (legacy=False) exported by Anki."""
    from anki.collection import ExportAnkiPackageOptions

    col, _ = anki_collection(directory)
    path = directory / ("legacy.apkg" if legacy else "modern.apkg")
    options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False, with_media=True, legacy=legacy)
    col.export_anki_package(out_path=str(path), options=options, limit=None)
    col.close()
    member = "collection.anki21" if legacy else "collection.anki21b"
    assert member in zipfile.ZipFile(path).namelist()
    return Built(path, notes=3, cards=5, decks=frozenset({"Physics", "Physics::Waves"}))


def revlog_of(directory: Path) -> list[tuple[int, int, int]]:
    """(id, ease, type) of the reviews in the built collection (after export)."""
    import sqlite3

    with sqlite3.connect(directory / "source.anki2") as db:
        return db.execute("select id, ease, type from revlog order by id").fetchall()
