"""The curriculum's flashcards for one learner: a unit's cards unlock on the unit's first plan
day, a pod's when the pod is inserted into the learner's plan. Unlocked cards become store
rows (decks `Viva::<unit>`), so they are scheduled like any other card."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from drills.cards.markup import clean_html
from drills.cards.speakable import speak
from drills.content_model import ContentPack, Flashcard, Pod, Unit
from drills.plan import today
from drills.store import queries
from drills.store.models import Card, CardDeck, utcnow

DECK_PREFIX = "Viva::"
GUID_PREFIX = "viva:"


@dataclass(frozen=True)
class CurriculumCard:
    card: Flashcard
    deck: str
    unlock: str
    """Why/when it unlocks: "day 3" or "pod LINALG"."""


def deck_name(title: str) -> str:
    return DECK_PREFIX + title.replace("::", ":")


def _decks(pack: ContentPack) -> Iterator[tuple[Unit | Pod, str, str]]:
    """(owner, deck name, unlock note) for every unit and pod, in plan order."""
    for unit in pack.units:
        yield unit, deck_name(f"{unit.number:02d} {unit.title}"), f"day {min(unit.days)}"
    for pod in pack.pods:
        yield pod, deck_name(f"Pod {pod.title}"), f"pod {pod.id}"


def all_cards(pack: ContentPack) -> Iterator[CurriculumCard]:
    """Every owner's cards, its own and those it refers to (`card_refs`): a merged duplicate is
    one card, which joins the deck that unlocks it first."""
    seen: set[str] = set()
    for owner, deck, unlock in _decks(pack):
        for card in pack.deck(owner):
            if card.id not in seen:
                seen.add(card.id)
                yield CurriculumCard(card, deck, unlock)


def unlocked(pack: ContentPack, plan_day: int, pods: set[str]) -> Iterator[CurriculumCard]:
    """Cards of units whose first day is on or before `plan_day`, and of inserted pods."""
    for owner, deck, unlock in _decks(pack):
        if owner.id in pods if isinstance(owner, Pod) else min(owner.days) <= plan_day:
            for card in pack.deck(owner):
                yield CurriculumCard(card, deck, unlock)


def spoken_sides(card: Flashcard) -> tuple[str, str, str | None]:
    """(spoken front, spoken back, problem): the card's own spoken forms when it has them."""
    front = speak(card.spoken_front or card.front, "front")
    back = speak(card.spoken_back or card.back, "back")
    return front.text, back.text, front.problem or back.problem


def sync(db: Session, pack: ContentPack, learner_id: str) -> int:
    """Add the learner's newly unlocked curriculum cards; returns how many were added."""
    plan_day = today(set(queries.finished_days(db, learner_id)))
    pods = {a.target[1] for a in queries.adjustments(db, learner_id) if a.kind == "pod"}
    wanted = list(unlocked(pack, plan_day, pods))
    if not wanted:
        return 0
    have = set(db.scalars(select(Card.guid).where(Card.learner_id == learner_id, Card.guid.like(GUID_PREFIX + "%"))))
    fresh = []
    for item in wanted:
        if GUID_PREFIX + item.card.id not in have:
            have.add(GUID_PREFIX + item.card.id)
            fresh.append(item)
    if not fresh:
        return 0
    decks = {d.name: d.id for d in db.scalars(select(CardDeck).where(CardDeck.learner_id == learner_id))}
    position = (db.scalar(select(func.max(Card.position)).where(Card.learner_id == learner_id)) or 0) + 1
    now = utcnow()
    for item in fresh:
        if item.deck not in decks:
            deck = CardDeck(learner_id=learner_id, name=item.deck, source="curriculum", created_at=now)
            db.add(deck)
            db.flush()
            decks[item.deck] = deck.id
        spoken_front, spoken_back, problem = spoken_sides(item.card)
        db.add(
            Card(
                learner_id=learner_id,
                deck_id=decks[item.deck],
                guid=GUID_PREFIX + item.card.id,
                note_guid=GUID_PREFIX + item.card.id,
                ord=0,
                content_id=item.card.id,
                front=clean_html(item.card.front),
                back=clean_html(item.card.back),
                spoken_front=spoken_front,
                spoken_back=spoken_back,
                media=[],
                problem=problem,
                suspended=False,
                position=position,
                state=0,
                reps=0,
                lapses=0,
                created_at=now,
            )
        )
        position += 1
    db.flush()
    return len(fresh)
