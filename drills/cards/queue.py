"""What is due: the review queue under the daily limits, the cram order, and counts per deck.

A day runs from UTC midnight. Learning and relearning cards that are due always come first
and are not limited (as in Anki); then reviews up to `reviews_per_day` minus today's; then new
cards, in import order, up to `new_per_day` minus the ones introduced today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, distinct, func, select
from sqlalchemy.orm import Session

from drills.cards.options import CardOptions
from drills.cards.scheduler import NEW, utc
from drills.store.models import Card, CardDeck, CardReview

LEARNING_STATES = (1, 3)
REVIEW_STATE = 2


def day_start(now: datetime) -> datetime:
    return utc(now).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Today:
    new_done: int
    reviews_done: int


def done_today(db: Session, learner_id: str, now: datetime) -> Today:
    """New cards introduced and reviews done since the day began (FSRS reviews only)."""
    query = select(CardReview.was_new, func.count(distinct(CardReview.card_id))).where(
        CardReview.learner_id == learner_id, CardReview.kind == "review", CardReview.reviewed_at >= day_start(now)
    )
    counts = dict(db.execute(query.group_by(CardReview.was_new)).all())
    return Today(int(counts.get(True, 0)), int(counts.get(False, 0)))


def _active(learner_id: str) -> list:
    return [Card.learner_id == learner_id, Card.suspended.is_(False)]


def review_queue(db: Session, learner_id: str, now: datetime, options: CardOptions) -> list[int]:
    """Card ids to review now, in order, within today's limits."""
    today = done_today(db, learner_id, now)
    learning = db.scalars(
        select(Card.id)
        .where(*_active(learner_id), Card.state.in_(LEARNING_STATES), Card.due <= now)
        .order_by(Card.due, Card.id)
    ).all()
    review_room = max(0, options.reviews_per_day - today.reviews_done)
    reviews = db.scalars(
        select(Card.id)
        .where(*_active(learner_id), Card.state == REVIEW_STATE, Card.due <= now)
        .order_by(Card.due, Card.id)
        .limit(review_room)
    ).all()
    new_room = max(0, options.new_per_day - today.new_done)
    new = db.scalars(
        select(Card.id).where(*_active(learner_id), Card.state == NEW).order_by(Card.position, Card.id).limit(new_room)
    ).all()
    return [*learning, *reviews, *new]


def cram_queue(db: Session, learner_id: str, size: int) -> list[int]:
    """Every speakable card, weakest first (most lapses, least stable), new cards last."""
    query = (
        select(Card.id)
        .where(*_active(learner_id), Card.problem.is_(None))
        .order_by(
            (Card.state == NEW).asc(), Card.lapses.desc(), func.coalesce(Card.stability, 0.0).asc(), Card.position
        )
        .limit(size)
    )
    return list(db.scalars(query).all())


def next_due(db: Session, learner_id: str, after: datetime) -> datetime | None:
    """When the next scheduled card falls due (new cards are not scheduled)."""
    query = select(func.min(Card.due)).where(*_active(learner_id), Card.state != NEW, Card.due > after)
    found = db.scalar(query)
    return utc(found) if found else None


@dataclass(frozen=True)
class DeckCounts:
    name: str
    notes: int
    cards: int
    due: int
    """Learning and review cards due now (before the daily review limit)."""
    new: int
    """Cards never reviewed."""
    unspeakable: int
    suspended: int


def deck_counts(db: Session, learner_id: str, now: datetime) -> list[DeckCounts]:
    due_now = and_(Card.state != NEW, Card.due <= now, Card.suspended.is_(False))
    query = (
        select(
            CardDeck.name,
            func.count(distinct(Card.note_guid)),
            func.count(Card.id),
            func.count(Card.id).filter(due_now),
            func.count(Card.id).filter(and_(Card.state == NEW, Card.suspended.is_(False))),
            func.count(Card.id).filter(Card.problem.is_not(None)),
            func.count(Card.id).filter(Card.suspended.is_(True)),
        )
        .join(Card, Card.deck_id == CardDeck.id)
        .where(CardDeck.learner_id == learner_id)
        .group_by(CardDeck.name)
        .order_by(CardDeck.name)
    )
    return [DeckCounts(*row) for row in db.execute(query).all()]


def due_total(db: Session, learner_id: str, now: datetime, options: CardOptions) -> int:
    return len(review_queue(db, learner_id, now, options))
