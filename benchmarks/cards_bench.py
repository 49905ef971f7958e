"""Importing a large Anki deck: time and peak memory for 50,000 notes (`python -m benchmarks cards`).

The deck is generated here: a schema-11 `collection.anki2` (the format of most shared decks)
with basic notes, some HTML and maths, and a review history on every third card."""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path

from benchmarks.common import peak_rss_mb, table

_MODEL_ID = 1_600_000_000_001
_DECK_ID = 1_600_000_000_002
_DAY_MS = 86_400_000
_SCHEMA = """
CREATE TABLE col (id integer primary key, crt integer not null, mod integer not null, scm integer not null,
  ver integer not null, dty integer not null, usn integer not null, ls integer not null, conf text not null,
  models text not null, decks text not null, dconf text not null, tags text not null);
CREATE TABLE notes (id integer primary key, guid text not null, mid integer not null, mod integer not null,
  usn integer not null, tags text not null, flds text not null, sfld integer not null, csum integer not null,
  flags integer not null, data text not null);
CREATE TABLE cards (id integer primary key, nid integer not null, did integer not null, ord integer not null,
  mod integer not null, usn integer not null, type integer not null, queue integer not null, due integer not null,
  ivl integer not null, factor integer not null, reps integer not null, lapses integer not null,
  left integer not null, odue integer not null, odid integer not null, flags integer not null, data text not null);
CREATE TABLE revlog (id integer primary key, cid integer not null, usn integer not null, ease integer not null,
  ivl integer not null, lastIvl integer not null, factor integer not null, time integer not null,
  type integer not null);
CREATE TABLE graves (usn integer not null, oid integer not null, type integer not null);
"""


def make_deck(path: Path, notes: int = 50_000) -> Path:
    """An .apkg of `notes` basic notes; every third card has three reviews (good, good, hard)."""
    work = path.with_suffix(".anki2")
    work.unlink(missing_ok=True)
    model = {
        "id": _MODEL_ID,
        "name": "Basic",
        "type": 0,
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{FrontSide}}<hr id=answer>{{Back}}"}],
    }
    decks = {"1": {"id": 1, "name": "Default"}, str(_DECK_ID): {"id": _DECK_ID, "name": "Big::Generated"}}
    start = 1_700_000_000_000
    with sqlite3.connect(work) as db:
        db.executescript(_SCHEMA)
        db.execute(
            "insert into col values (1, ?, 0, 0, 11, 0, 0, 0, ?, ?, ?, '{}', '{}')",
            (start // 1000, json.dumps({"schedVer": 2}), json.dumps({str(_MODEL_ID): model}), json.dumps(decks)),
        )
        db.executemany(
            "insert into notes values (?, ?, ?, 0, 0, '', ?, '', 0, 0, '')",
            (
                (
                    start + i,
                    f"big-{i}",
                    _MODEL_ID,
                    f"What is item <b>{i}</b>?\x1fIt is \\(x_{{{i}}} = {i} \\cdot \\alpha\\)<br>and the {i}th answer.",
                )
                for i in range(notes)
            ),
        )
        db.executemany(
            "insert into cards values (?, ?, ?, 0, 0, 0, ?, ?, ?, ?, 2500, 0, 0, 0, 0, 0, 0, '')",
            (
                (start + i, start + i, _DECK_ID, 2 if i % 3 == 0 else 0, 2 if i % 3 == 0 else 0, i, 4)
                for i in range(notes)
            ),
        )
        db.executemany(
            "insert into revlog values (?, ?, -1, ?, 1, 0, 2500, 3000, 1)",
            (
                (start + i * 10 + k + k * 3 * _DAY_MS, start + i, ease)
                for i in range(0, notes, 3)
                for k, ease in enumerate((3, 3, 2))
            ),
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(work, "collection.anki2")
        archive.writestr("media", "{}")
    work.unlink()
    return path


def run(quick: bool = False) -> str:
    from drills.cards.importer import import_deck
    from drills.store import make_engine, make_session_factory, upgrade_database
    from drills.store.models import Learner, utcnow

    notes = 5_000 if quick else 50_000
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        deck = make_deck(Path(tmp) / "big.apkg", notes)
        url = f"sqlite:///{tmp}/viva.db"
        upgrade_database(url)
        sessions = make_session_factory(make_engine(url))
        with sessions.begin() as db:
            db.add(Learner(id="bench", name="bench", name_key="bench", start_date=utcnow().date(), double_up=False))
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        report = import_deck(sessions, "bench", deck)
        elapsed = time.perf_counter() - started
        rss_after = peak_rss_mb()
        again = time.perf_counter()
        duplicate = import_deck(sessions, "bench", deck)
        elapsed_again = time.perf_counter() - again
        rows.append(
            (
                f"{notes:,} notes (first import)",
                f"{elapsed:.1f} s",
                f"{notes / elapsed:,.0f}",
                f"{rss_after:.0f} MB (+{rss_after - rss_before:.0f})",
                f"{report.added:,} added, {report.with_history:,} with history",
            )
        )
        rows.append(
            (
                f"{notes:,} notes (again: duplicates)",
                f"{elapsed_again:.1f} s",
                f"{notes / elapsed_again:,.0f}",
                "",
                f"{duplicate.added} added, {duplicate.duplicates:,} already there",
            )
        )
    return table(
        "Deck import (Anki collection.anki2, SQLite store)",
        ("deck", "time", "notes/s", "process peak RSS (+ during the import)", "result"),
        rows,
    )
