"""What the card review returns: frozen dataclasses whose `to_json()` is the API's body."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class CardView:
    id: int
    deck: str
    front: str
    """The written front (screen)."""
    spoken_front: str
    """What Viva says."""
    state: str
    """new | learning | review | relearning."""
    cram: bool = False


@dataclass(frozen=True)
class CardTurn:
    """The next card of a review session, or its end."""

    done: bool
    position: int | None = None
    total: int | None = None
    remaining: int | None = None
    """Cards after this one."""
    card: CardView | None = None
    lead: str = ""
    """Said before the card (skipped image-only cards)."""
    summary: str | None = None
    mode: str = "flashcards"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CardBack:
    card_id: int
    back: str
    """The spoken back."""
    written_back: str
    score: float | None
    """Closeness of the answer (None: no answer, or grading not available)."""
    suggested: str | None
    """again | hard | good | easy, when graded."""
    text: str
    """The complete spoken reply: the back, closeness when graded, and the rating prompt."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RateResult:
    card_id: int
    rating: str
    due: str | None
    """ISO time the card is due next (None in cram mode: the schedule is untouched)."""
    text: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ReviewStatus:
    position: int
    total: int
    remaining: int
    reviewed: int
    again: int
    text: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)
