"""Importing a deck into the study store: one transaction (all or nothing), duplicates by
guid skipped, history replayed through FSRS, unspeakable cards flagged and reported."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from drills.cards.anki_read import ApkgSource
from drills.cards.csv_read import CsvSource
from drills.cards.markup import clean_html
from drills.cards.options import CardOptions
from drills.cards.scheduler import CardState, make_scheduler, replay
from drills.cards.source import DeckFileError, DeckSource, SourceCard
from drills.cards.speakable import speak
from drills.store import queries
from drills.store.models import Card, CardDeck, CardReview, utcnow

Progress = Callable[[int, int], None]
"""progress(cards done, cards in the file)."""
_BATCH = 2000
_PROGRESS_EVERY = 1000


@dataclass(frozen=True)
class FlaggedCard:
    deck: str
    front: str
    """The front as text (or its media) so the learner can find the card."""
    problem: str


@dataclass
class ImportReport:
    file: str
    format: str
    learner_id: str
    notes: int = 0
    cards: int = 0
    added: int = 0
    duplicates: int = 0
    with_history: int = 0
    decks: dict[str, int] = field(default_factory=dict)
    """Deck name → cards added to it."""
    flagged: list[FlaggedCard] = field(default_factory=list)
    """Imported, but cannot be spoken (kept for screen review)."""
    remarks: list[FlaggedCard] = field(default_factory=list)
    """Imported and spoken, with something worth knowing (very long, a table)."""
    skipped: list[str] = field(default_factory=list)
    media_files: int = 0

    def lines(self) -> list[str]:
        """The report as a person reads it."""
        out = [
            f"{self.file} ({self.format}): {self.notes} notes, {self.cards} cards; "
            f"added {self.added}, already there {self.duplicates}, with review history {self.with_history}."
        ]
        out += [f"  deck {name}: {count} cards added" for name, count in sorted(self.decks.items())]
        if self.media_files:
            out.append(f"  {self.media_files} media files in the package were not copied (Viva speaks cards).")
        if self.flagged:
            out.append(f"  {len(self.flagged)} cards cannot be spoken (kept for screen review):")
            out += [f"    [{f.deck}] {f.front[:70]!r}: {f.problem}" for f in self.flagged]
        if self.remarks:
            out.append(f"  {len(self.remarks)} cards to check by ear:")
            out += [f"    [{f.deck}] {f.front[:70]!r}: {f.problem}" for f in self.remarks]
        if self.skipped:
            out.append(f"  {len(self.skipped)} skipped:")
            out += [f"    {s}" for s in self.skipped]
        return out


def open_source(path: Path, deck: str | None = None) -> DeckSource:
    """A reader for the file by its extension: .apkg, or .csv/.tsv/.txt."""
    if not path.is_file():
        raise DeckFileError(f"no such file: {path}")
    suffix = path.suffix.lower()
    if suffix in (".apkg", ".colpkg"):
        return ApkgSource(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return CsvSource(path, deck)
    raise DeckFileError(f"{path.name}: Viva imports .apkg, .csv and .tsv decks, not '{suffix or 'no extension'}'")


def card_guid(note_guid: str, ord_: int) -> str:
    """A note's first card keeps the note's guid; its later cards add ":<ord>"."""
    return note_guid if ord_ == 0 else f"{note_guid}:{ord_}"


def import_deck(
    sessions: sessionmaker[Session],
    learner_id: str,
    path: Path,
    options: CardOptions | None = None,
    progress: Progress | None = None,
    deck_name: str | None = None,
) -> ImportReport:
    """Import a deck file for a learner in one transaction. Raises `DeckFileError` (nothing
    imported) for a corrupt or unsupported file; `NotFound` for an unknown learner."""
    source = open_source(path, deck_name)
    try:
        report = ImportReport(path.name, source.report.format, learner_id, media_files=source.report.media_files)
        with sessions.begin() as db:
            queries.learner(db, learner_id)
            _Writer(db, learner_id, options or CardOptions(), report, progress).write(source.total, source.cards())
        report.skipped = source.report.skipped + source.report.history_notes + report.skipped
        return report
    finally:
        source.close()


class _Writer:
    def __init__(
        self, db: Session, learner_id: str, options: CardOptions, report: ImportReport, progress: Progress | None
    ) -> None:
        self.db, self.learner_id, self.report, self.progress = db, learner_id, report, progress
        # Imported history is replayed without fuzz, so the same file always gives the same state.
        self.scheduler = make_scheduler(replace(options, fuzz=False))
        self.known: set[str] = set(db.scalars(select(Card.guid).where(Card.learner_id == learner_id)))
        self.decks: dict[str, int] = {
            d.name: d.id for d in db.scalars(select(CardDeck).where(CardDeck.learner_id == learner_id))
        }
        top = db.scalar(select(func.max(Card.position)).where(Card.learner_id == learner_id))
        self.base_position = (top or 0) + 1
        """New cards keep the file's order (Anki's new-card position) after the learner's cards."""
        self.now = utcnow()

    def write(self, total: int, cards: Iterator[SourceCard]) -> None:
        batch: list[tuple[dict, SourceCard]] = []
        notes: set[str] = set()
        for done, card in enumerate(cards, start=1):
            notes.add(card.note_guid)
            self.report.cards += 1
            row = self._row(card)
            if row is not None:
                batch.append((row, card))
            if len(batch) >= _BATCH:
                self._flush(batch)
                batch = []
            if self.progress and done % _PROGRESS_EVERY == 0:
                self.progress(done, total)
        self._flush(batch)
        self.report.notes = len(notes)
        if self.progress:
            self.progress(self.report.cards, total)

    def _row(self, card: SourceCard) -> dict | None:
        guid = card_guid(card.note_guid, card.ord)[:120]
        if guid in self.known:
            self.report.duplicates += 1
            return None
        self.known.add(guid)
        front = speak(card.spoken_front or card.front, "front")
        back = speak(card.spoken_back or card.back, "back")
        problem = front.problem or back.problem
        label = front.text or ", ".join(front.media) or "(empty)"
        if problem:
            self.report.flagged.append(FlaggedCard(card.deck, label, problem))
        elif front.note or back.note:
            self.report.remarks.append(FlaggedCard(card.deck, label, front.note or back.note or ""))
        state = self._state(card)
        self.report.added += 1
        self.report.decks[card.deck] = self.report.decks.get(card.deck, 0) + 1
        return {
            "learner_id": self.learner_id,
            "deck_id": self._deck(card.deck),
            "guid": guid,
            "note_guid": card.note_guid[:100],
            "ord": card.ord,
            "front": clean_html(card.front),
            "back": clean_html(card.back),
            "spoken_front": front.text,
            "spoken_back": back.text,
            "media": list(dict.fromkeys(front.media + back.media)),
            "problem": problem[:200] if problem else None,
            "suspended": card.suspended,
            "position": self.base_position + card.position,
            "state": state.state,
            "step": state.step,
            "stability": state.stability,
            "difficulty": state.difficulty,
            "due": state.due,
            "last_review": state.last_review,
            "reps": state.reps,
            "lapses": state.lapses,
            "created_at": self.now,
        }

    def _state(self, card: SourceCard) -> CardState:
        if card.reviews:
            self.report.with_history += 1
            return replay(self.scheduler, card.reviews)
        return card.fallback_state or CardState()

    def _deck(self, name: str) -> int:
        name = name[:500] or "Default"
        if name not in self.decks:
            deck = CardDeck(learner_id=self.learner_id, name=name, source=self.report.format, created_at=self.now)
            self.db.add(deck)
            self.db.flush()
            self.decks[name] = deck.id
        return self.decks[name]

    def _flush(self, batch: list[tuple[dict, SourceCard]]) -> None:
        if not batch:
            return
        # A plain executemany: far faster than INSERT … RETURNING for thousands of rows; the ids
        # of the few cards with history are read back by guid.
        self.db.execute(insert(Card), [row for row, _ in batch])
        with_history = {row["guid"]: card for row, card in batch if card.reviews}
        if not with_history:
            return
        ids: dict[str, int] = {}
        guids = list(with_history)
        for start in range(0, len(guids), 500):
            chunk = guids[start : start + 500]
            query = select(Card.guid, Card.id).where(Card.learner_id == self.learner_id, Card.guid.in_(chunk))
            ids.update(dict(self.db.execute(query).all()))
        reviews = [
            {
                "card_id": ids[guid],
                "learner_id": self.learner_id,
                "rating": int(rating),
                "kind": "anki",
                "was_new": index == 0,
                "reviewed_at": when,
            }
            for guid, card in with_history.items()
            for index, (when, rating) in enumerate(card.reviews)
        ]
        self.db.execute(insert(CardReview), reviews)
