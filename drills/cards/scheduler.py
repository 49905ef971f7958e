"""FSRS (the `fsrs` package, FSRS-6) between the store's card rows and the library's objects.

Viva stores the library's own state (state, step, stability, difficulty, due, last review) on
each card, so a review here gives exactly what `fsrs.Scheduler.review_card` gives. A card
never reviewed is state 0 ("new"); FSRS starts it in its learning state on its first rating.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import Scheduler, State

from drills.cards.options import CardOptions

NEW = 0


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def word(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: object) -> Rating:
        """`"good"`, `3` or `"3"` → Rating.GOOD; ValueError otherwise."""
        if isinstance(value, str):
            text = value.strip().lower()
            if text.isdigit():
                value = int(text)
            elif text.upper() in cls.__members__:
                return cls[text.upper()]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
            return cls(value)
        raise ValueError(f"not a rating: {value!r} (again, hard, good or easy)")


@dataclass(frozen=True)
class CardState:
    """What the store keeps of a card's schedule."""

    state: int = NEW
    step: int | None = None
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @property
    def is_new(self) -> bool:
        return self.state == NEW


def make_scheduler(options: CardOptions) -> Scheduler:
    return Scheduler(
        desired_retention=options.desired_retention,
        learning_steps=tuple(timedelta(seconds=s) for s in options.learning_steps_s),
        relearning_steps=tuple(timedelta(seconds=s) for s in options.relearning_steps_s),
        maximum_interval=options.maximum_interval_days,
        enable_fuzzing=options.fuzz,
    )


def utc(moment: datetime) -> datetime:
    """A UTC-aware datetime (SQLite hands back naive ones)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_fsrs(state: CardState, card_id: int, now: datetime) -> FsrsCard:
    if state.is_new:
        return FsrsCard(card_id=card_id, due=now)
    return FsrsCard(
        card_id=card_id,
        state=State(state.state),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=utc(state.due) if state.due else now,
        last_review=utc(state.last_review) if state.last_review else None,
    )


def review(scheduler: Scheduler, state: CardState, rating: Rating, when: datetime, card_id: int = 0) -> CardState:
    """The state after one rating at `when` (UTC)."""
    when = utc(when)
    card, _ = scheduler.review_card(to_fsrs(state, card_id, when), FsrsRating(int(rating)), review_datetime=when)
    lapse = rating == Rating.AGAIN and state.state == int(State.Review)
    return CardState(
        state=int(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=state.reps + 1,
        lapses=state.lapses + int(lapse),
    )


def replay(scheduler: Scheduler, reviews: Iterable[tuple[datetime, Rating]], card_id: int = 0) -> CardState:
    """Replay a review history (any order) from a new card: how imported history becomes
    FSRS state, as `fsrs.Scheduler.reschedule_card` does."""
    state = CardState()
    for when, rating in sorted(reviews, key=lambda r: r[0]):
        state = review(scheduler, state, rating, when, card_id)
    return state


def from_sm2(interval_days: int, factor_permille: int, due: datetime) -> CardState:
    """A review card from Anki's SM-2 fields when no history came with it: stability is the
    interval, difficulty maps ease 2.5 → 5 and 1.3 → 10 (clamped to FSRS's 1..10)."""
    ease = (factor_permille or 2500) / 1000
    difficulty = min(10.0, max(1.0, 5.0 + (2.5 - ease) * 5.0 / 1.2))
    return CardState(
        state=int(State.Review),
        stability=float(max(interval_days, 1)),
        difficulty=difficulty,
        due=due,
        last_review=due - timedelta(days=max(interval_days, 1)),
        reps=1,
    )
