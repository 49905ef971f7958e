"""What every deck reader produces: cards with their written sides and history, and the
problems met on the way. The importer turns these into store rows."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from drills.cards.scheduler import CardState, Rating
from drills.exceptions import DrillsError


class DeckFileError(DrillsError):
    """The file is not a deck Viva can read (corrupt, truncated, unknown format); nothing was
    imported. The message says what is wrong in a sentence a user can act on."""


@dataclass(frozen=True)
class SourceCard:
    note_guid: str
    ord: int
    deck: str
    """Full deck name, subdecks joined with "::"."""
    front: str
    """The rendered front (HTML or plain text)."""
    back: str
    """The rendered back, without the front repeated above it."""
    spoken_front: str = ""
    """An explicit spoken form (curriculum cards); empty = made from `front`."""
    spoken_back: str = ""
    suspended: bool = False
    position: int = 0
    reviews: tuple[tuple[datetime, Rating], ...] = ()
    """Review history to replay through FSRS (oldest first)."""
    fallback_state: CardState | None = None
    """The schedule to use when there is no history (an Anki review card without revlog)."""


@dataclass
class ReadReport:
    """What a reader met: counts and skipped items (with why), for the import report."""

    format: str = ""
    notes: int = 0
    skipped: list[str] = field(default_factory=list)
    media_files: int = 0
    history_notes: list[str] = field(default_factory=list)


class DeckSource(Protocol):
    report: ReadReport

    @property
    def total(self) -> int:
        """How many cards `cards()` will yield at most (for progress)."""
        ...

    def cards(self) -> Iterator[SourceCard]: ...

    def close(self) -> None: ...
