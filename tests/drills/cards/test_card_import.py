"""Importing decks: real decks made by other people, decks built by genanki and by Anki itself
(anki2, anki21, anki21b), CSV/TSV, and what happens with bad input."""

from __future__ import annotations

import csv
import re
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from drills.cards import importer
from drills.cards.importer import import_deck
from drills.cards.source import DeckFileError
from drills.store.models import Card, CardDeck, CardReview
from tests.drills.cards.decks import anki_package, genanki_deck
from tests.drills.cards.fixtures import ada, anki_dir, card_options, now, study  # noqa: F401 - fixtures

pytestmark = []


def cards_of(study, learner: str) -> list[Card]:
    with study.sessions.begin() as db:
        return list(db.scalars(select(Card).where(Card.learner_id == learner, Card.content_id.is_(None))))


def count(study, model, learner: str) -> int:
    with study.sessions.begin() as db:
        return db.scalar(select(func.count()).select_from(model).where(model.learner_id == learner))


def readable(text: str) -> bool:
    """Speech text: words, no markup or LaTeX left."""
    return bool(text.strip()) and not re.search(r"[<>\\{}$]|&\w+;", text)


# -- the real decks in ../shared/anki -------------------------------------------------------------


@pytest.mark.shared
def test_real_decks_import_with_their_counts(study, ada, anki_dir: Path) -> None:
    with (anki_dir / "SOURCES.tsv").open(encoding="utf-8") as handle:
        sources = list(csv.DictReader(handle, delimiter="\t"))
    assert sources
    for source in sources:
        report = import_deck(study.sessions, ada, anki_dir / source["file"])
        assert (report.notes, report.cards, report.added) == (
            int(source["notes"]),
            int(source["cards"]),
            int(source["cards"]),
        )
        assert len(report.decks) == 1, report.decks  # each deck is one Anki deck (Default holds no cards)
        assert report.media_files == int(source["media"].split()[0])
    cards = cards_of(study, ada)
    assert len(cards) == sum(int(s["cards"]) for s in sources)
    speakable = [c for c in cards if c.problem is None]
    assert all(readable(c.spoken_front) and readable(c.spoken_back) for c in speakable)
    flagged = [c for c in cards if c.problem]
    assert flagged and all("image" in c.problem and c.media for c in flagged)  # the flowchart cards
    bayes = next(c for c in cards if "Baye" in c.front)
    assert "P of x given y" in bayes.spoken_back and "over P of y" in bayes.spoken_back


@pytest.mark.shared
def test_real_history_becomes_fsrs_state(study, ada, anki_dir: Path) -> None:
    report = import_deck(
        study.sessions, ada, anki_dir / "schutera__DeepLearningLecture_ProbabilityAndInformationTheory.apkg"
    )
    assert report.with_history == 13  # the cards with revlog rows
    cards = cards_of(study, ada)
    reviewed = [c for c in cards if c.state != 0]
    assert len(reviewed) == 13 and all(c.stability and c.difficulty and c.due for c in reviewed)
    assert count(study, CardReview, ada) == 23  # every revlog row is in the review log
    # v1 scheduler: "2" in a learning step is Good (ivl -600 s = the 10-minute step), not Hard.
    with study.sessions.begin() as db:
        ratings = set(db.scalars(select(CardReview.rating).where(CardReview.learner_id == ada)))
    assert ratings == {3}


@pytest.mark.shared
def test_importing_twice_adds_nothing(study, ada, anki_dir: Path) -> None:
    path = anki_dir / "schutera__DeepLearningLecture_Introduction.apkg"
    first = import_deck(study.sessions, ada, path)
    again = import_deck(study.sessions, ada, path)
    assert first.added == 33 and (again.added, again.duplicates) == (0, 33)
    assert count(study, Card, ada) == 33 and count(study, CardDeck, ada) == 1


# -- decks the tests build --------------------------------------------------------------------------


def test_genanki_deck_anki2(study, ada, tmp_path: Path) -> None:
    built = genanki_deck(tmp_path / "genanki.apkg")
    report = import_deck(study.sessions, ada, built.path)
    assert report.format == "anki2"
    assert (report.notes, report.cards, set(report.decks)) == (built.notes, built.cards, built.decks)
    cards = {c.guid: c for c in cards_of(study, ada)}
    # Reversed: two cards, the second its mirror image.
    assert cards["g-rev"].front == "Gini impurity" and "squared class probabilities" in cards["g-rev"].back
    assert cards["g-rev:1"].front.startswith("One minus") and cards["g-rev:1"].spoken_back == "Gini impurity"
    # Cloze: one card per deletion, blank on the front, the text on the back, the hint kept.
    assert "[...]" in cards["g-cloze"].front and "decision tree" not in cards["g-cloze"].front
    assert "blank" in cards["g-cloze"].spoken_front and "decision tree" in cards["g-cloze"].spoken_back
    assert "[criterion]" in cards["g-cloze:1"].front and "information gain" not in cards["g-cloze:1"].spoken_front
    # Media: noted; the image-only back flags the card.
    assert cards["g-image"].media == ["diagram.png"] and cards["g-image"].problem == "the back is only an image"
    assert [f.problem for f in report.flagged] == ["the back is only an image"]
    with study.sessions.begin() as db:
        decks = {d.id: d.name for d in db.scalars(select(CardDeck))}
    assert decks[cards["g-cloze"].deck_id] == "ML::Trees" and decks[cards["g-basic"].deck_id] == "ML"


@pytest.mark.parametrize("legacy", [True, False], ids=["anki21", "anki21b"])
def test_anki_built_decks(study, ada, tmp_path: Path, legacy: bool) -> None:
    built = anki_package(tmp_path, legacy)
    report = import_deck(study.sessions, ada, built.path)
    assert report.format == ("anki21" if legacy else "anki21b")
    assert (report.notes, report.cards, set(report.decks)) == (built.notes, built.cards, built.decks)
    assert report.media_files == 1  # the media map: JSON (anki21) or zstd-compressed protobuf (anki21b)
    cards = sorted(cards_of(study, ada), key=lambda c: (c.position, c.ord))
    fronts = [c.front for c in cards]
    assert "Wave speed" in fronts and r"\(v = f \lambda\)" in fronts  # both templates of the reversed note
    wave = next(c for c in cards if c.front == "Wave speed")
    assert wave.spoken_back == "v equals f lambda"
    clozes = [c for c in cards if "wave" in c.spoken_back and "Light is" in c.spoken_back]
    assert len(clozes) == 2 and {c.ord for c in clozes} == {0, 1}
    assert report.with_history == 1 and wave.state == 3 and wave.lapses == 1  # good, good, again: relearning
    assert [f.problem for f in report.flagged] == ["the back is only an image"]


def test_cards_keep_anki_suspension(study, ada, tmp_path: Path) -> None:
    pytest.importorskip("anki.collection")
    from anki.collection import ExportAnkiPackageOptions

    from tests.drills.cards.decks import anki_collection

    col, card_id = anki_collection(tmp_path)
    col.sched.suspend_cards([card_id])
    path = tmp_path / "suspended.apkg"
    options = ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=False, with_media=False, legacy=False)
    col.export_anki_package(out_path=str(path), options=options, limit=None)
    col.close()
    import_deck(study.sessions, ada, path)
    assert [c.front for c in cards_of(study, ada) if c.suspended] == ["Wave speed"]


# -- CSV / TSV -------------------------------------------------------------------------------------


def test_csv_with_bad_rows(study, ada, tmp_path: Path) -> None:
    path = tmp_path / "my deck.csv"
    path.write_text(
        'front,back\nWhat is overfitting?,"Fitting noise, so the model fails on new data"\n'
        "No back here,\n,no front\n<b>bold?</b>,x < y\n",
        encoding="utf-8",
    )
    report = import_deck(study.sessions, ada, path)
    assert (report.added, list(report.decks)) == (2, ["my deck"])
    assert report.skipped == ["line 3: no back, row skipped", "line 4: no front, row skipped"]
    cards = {c.spoken_front: c for c in cards_of(study, ada)}
    assert cards["What is overfitting?"].spoken_back == "Fitting noise, so the model fails on new data"
    tagged = cards["bold?"]  # plain text is escaped for the screen; speech reads no tags
    assert tagged.front == "&lt;b&gt;bold?&lt;/b&gt;" and tagged.spoken_back == "x less than y"
    assert import_deck(study.sessions, ada, path).added == 0


def test_anki_text_export_with_headers(study, ada, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text(
        "#separator:tab\n#html:true\n#guid column:1\n#deck column:2\n"
        "abc123\tLang::French\tdog<br>(animal)\t<i>chien</i>\n",
        encoding="utf-8",
    )
    report = import_deck(study.sessions, ada, path)
    assert list(report.decks) == ["Lang::French"]
    (card,) = cards_of(study, ada)
    assert (card.guid, card.spoken_front, card.spoken_back) == ("abc123", "dog. (animal)", "chien")


# -- bad input: a clear error, nothing imported -----------------------------------------------------


def bad(study, ada, path: Path, message: str) -> None:
    with pytest.raises(DeckFileError, match=message):
        import_deck(study.sessions, ada, path)
    assert count(study, Card, ada) == 0 and count(study, CardDeck, ada) == 0


def test_truncated_zip(study, ada, tmp_path: Path) -> None:
    whole = genanki_deck(tmp_path / "whole.apkg").path.read_bytes()
    cut = tmp_path / "cut.apkg"
    cut.write_bytes(whole[: len(whole) // 2])
    bad(study, ada, cut, "not a readable .apkg")


def test_zip_without_a_collection(study, ada, tmp_path: Path) -> None:
    path = tmp_path / "empty.apkg"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("media", "{}")
    bad(study, ada, path, "holds no Anki collection")


def test_sqlite_with_an_unknown_schema(study, ada, tmp_path: Path) -> None:
    db = tmp_path / "other.sqlite"
    with sqlite3.connect(db) as connection:
        connection.execute("create table songs (title text)")
    path = tmp_path / "other.apkg"
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(db, "collection.anki2")
    bad(study, ada, path, "tables missing")


def test_collection_that_is_not_sqlite(study, ada, tmp_path: Path) -> None:
    path = tmp_path / "junk.apkg"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("collection.anki2", b"this is not a database" * 100)
    bad(study, ada, path, "not an SQLite database")


def test_corrupt_zstd_collection(study, ada, tmp_path: Path) -> None:
    path = tmp_path / "zstd.apkg"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("collection.anki21b", b"\x28\xb5\x2f\xfd garbage")
    bad(study, ada, path, "damaged")


def test_unsupported_and_missing_files(study, ada, tmp_path: Path) -> None:
    (tmp_path / "deck.pdf").write_bytes(b"%PDF")
    bad(study, ada, tmp_path / "deck.pdf", "imports .apkg, .csv and .tsv")
    bad(study, ada, tmp_path / "absent.apkg", "no such file")
    (tmp_path / "latin1.csv").write_bytes("caf\xe9,coffee\n".encode("latin-1"))
    bad(study, ada, tmp_path / "latin1.csv", "not UTF-8")


def test_a_failure_mid_import_keeps_nothing(study, ada, tmp_path: Path, monkeypatch) -> None:
    built = genanki_deck(tmp_path / "deck.apkg")
    real = importer.speak
    calls = {"n": 0}

    def failing(markup: str, side: str = "side"):
        calls["n"] += 1
        if calls["n"] > 5:
            raise RuntimeError("disk full")
        return real(markup, side)

    monkeypatch.setattr(importer, "speak", failing)
    with pytest.raises(RuntimeError):
        import_deck(study.sessions, ada, built.path)
    assert count(study, Card, ada) == 0 and count(study, CardDeck, ada) == 0


# -- a large deck (the 50,000-note run is benchmarks/cards_bench.py) --------------------------------


def test_large_deck_imports_in_one_go_with_progress(study, ada, tmp_path: Path) -> None:
    from benchmarks.cards_bench import make_deck

    path = make_deck(tmp_path / "big.apkg", notes=3000)
    seen: list[tuple[int, int]] = []
    report = import_deck(study.sessions, ada, path, progress=lambda done, total: seen.append((done, total)))
    assert report.added == 3000 and report.with_history == 1000
    assert seen[0] == (1000, 3000) and seen[-1] == (3000, 3000)
    assert count(study, Card, ada) == 3000 and count(study, CardReview, ada) == 3000
