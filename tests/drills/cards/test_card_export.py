"""Export: an .apkg that Anki itself opens (the `anki` package, tests only), and Anki's CSV
text format, both with a stable guid per card, and both importable again without duplicates."""

from __future__ import annotations

import pytest

from drills.cards import export
from drills.cards.importer import import_deck
from drills.cards.source import DeckFileError
from tests.drills.cards.decks import genanki_deck
from tests.drills.cards.fixtures import ada, anki_dir, card_options, now, study  # noqa: F401 - fixtures


def collect(study, learner, decks=()):
    with study.sessions.begin() as db:
        return export.collect(db, study.pack, learner, decks)


def test_apkg_opens_in_anki(study, ada, pack, tmp_path) -> None:
    anki = pytest.importorskip("anki.collection", reason="the anki package (test extra) is not installed")
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    import_deck(study.sessions, ada, genanki_deck(tmp_path / "mine.apkg").path)
    cards = collect(study, ada)
    curriculum = sum(len(u.flashcards) for u in pack.units) + sum(len(p.flashcards) for p in pack.pods)
    assert len(cards) == curriculum + 6
    out = tmp_path / "export.apkg"
    assert export.write(cards, out) == len(cards)

    col = anki.Collection(str(tmp_path / "check.anki2"))
    try:
        request = ImportAnkiPackageRequest(package_path=str(out), options=ImportAnkiPackageOptions())
        col.import_anki_package(request)
        assert col.note_count() == len(cards) and col.card_count() == len(cards)
        guids = set(col.db.list("select guid from notes"))
        assert {"viva:u01-c1", "g-rev", "g-rev:1", "g-cloze:1"} <= guids
        names = {d.name for d in col.decks.all_names_and_ids()}
        assert {"ML::Trees", f"Viva::01 {pack.units[0].title}"} <= names
        note = col.get_note(col.db.scalar("select id from notes where guid = ?", "viva:u01-c1"))
        assert note["Back"].startswith(r"\(\hat{w}")  # the curriculum's $…$ as MathJax
        # Importing the same export again updates nothing new.
        col.import_anki_package(request)
        assert col.note_count() == len(cards)
    finally:
        col.close()


def test_csv_export_round_trips_without_duplicates(study, ada, tmp_path) -> None:
    import_deck(study.sessions, ada, genanki_deck(tmp_path / "mine.apkg").path)
    out = tmp_path / "mine.csv"
    count = export.write(collect(study, ada, ["ML"]), out)
    assert count == 6  # "ML" and its subdeck "ML::Trees"; no curriculum deck matches
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[:2] == ["#separator:Comma", "#html:true"] and any(
        line.startswith("g-rev:1,ML::Trees,") for line in lines
    )
    again = import_deck(study.sessions, ada, out)
    assert (again.added, again.duplicates) == (0, 6)


def test_export_errors(study, ada, tmp_path) -> None:
    with pytest.raises(DeckFileError, match="no cards to export"):
        export.write(collect(study, ada, ["No such deck"]), tmp_path / "x.apkg")
    with pytest.raises(DeckFileError, match="exports .apkg or .csv"):
        export.write(collect(study, None), tmp_path / "x.docx")
