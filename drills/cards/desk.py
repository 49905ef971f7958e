"""The card review behind the API: start a session, serve cards, take answers and ratings.

A review is a `StudySession` (mode `flashcards`, or `cram` for the power-review blitz) whose
plan lists card ids, each with its status: queued → asked → answered → rated (or skipped,
or unspeakable). A rating in `flashcards` mode moves the card's FSRS state and is logged; in
`cram` mode it is only logged (kind `cram`). A card rated again that falls due within the
session comes back at its end.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from drills.cards import curriculum, queue, words
from drills.cards.grading import closeness
from drills.cards.options import CardOptions
from drills.cards.results import CardBack, CardTurn, CardView, RateResult, ReviewStatus
from drills.cards.scheduler import CardState, Rating, make_scheduler, review, utc
from drills.content_model import ContentPack, Flashcard
from drills.exceptions import BadRequest, Conflict, NotFound
from drills.grading import Grader
from drills.store import queries
from drills.store.models import Card, CardDeck, CardReview, StudySession, utcnow

CARD_MODES = ("flashcards", "cram")
STATE_NAMES = {0: "new", 1: "learning", 2: "review", 3: "relearning"}
Transaction = Callable[..., AbstractContextManager[Session]]


class CardDesk:
    def __init__(
        self,
        pack: ContentPack,
        transaction: Transaction,
        grader: Grader,
        options: CardOptions | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.pack = pack
        self.grader = grader
        self.options = options or CardOptions()
        self._db = transaction
        self._now = now
        self._scheduler = make_scheduler(self.options)
        self._content: dict[str, Flashcard] = {c.card.id: c.card for c in curriculum.all_cards(pack)}

    # -- sessions ---------------------------------------------------------------------------

    def start(self, learner_id: str, mode: str) -> tuple[str, int, str]:
        """Start a review (`flashcards`) or a blitz (`cram`): (session id, cards, intro).
        Nothing due is a 409 whose message says when the next card is due."""
        with self._db(learner_id) as db:
            queries.learner(db, learner_id)
            now = self._now()
            curriculum.sync(db, self.pack, learner_id)
            if mode == "cram":
                ids = queue.cram_queue(db, learner_id, self.options.cram_size)
            else:
                ids = queue.review_queue(db, learner_id, now, self.options)
            if not ids:
                upcoming = queue.next_due(db, learner_id, now)
                raise Conflict(words.nothing_due(words.until(upcoming, now) if upcoming else None))
            old = queries.active_session(db, learner_id)
            if old is not None:
                old.status, old.ended_at = "stopped", now
            session = StudySession(
                learner_id=learner_id,
                mode=mode,
                plan=[{"card_id": i, "status": "queued"} for i in ids],
                days=[],
                position=0,
                status="active",
                started_at=now,
            )
            db.add(session)
            db.flush()
            return session.id, len(ids), words.intro(mode, len(ids))

    def next_card(self, learner_id: str) -> CardTurn:
        """Serve the next card (an unrated current card counts as skipped), or finish."""
        with self._db(learner_id) as db:
            session = self._session(db, learner_id)
            plan = [dict(item) for item in session.plan]
            if session.position and plan[session.position - 1]["status"] in ("asked", "answered"):
                plan[session.position - 1]["status"] = "skipped"
            unspeakable = 0
            while session.position < len(plan):
                item = plan[session.position]
                session.position += 1
                card = db.get(Card, item["card_id"])
                if card is None or card.suspended:
                    item["status"] = "skipped"
                    continue
                if card.problem:
                    item["status"] = "unspeakable"
                    unspeakable += 1
                    continue
                item["status"] = "asked"
                session.plan = plan
                lead = words.skipped_unspeakable(unspeakable) if unspeakable else ""
                return self._turn(db, session, card, lead)
            session.plan = plan
            session.status, session.ended_at = "completed", self._now()
            lead = words.skipped_unspeakable(unspeakable) if unspeakable else ""
            summary = " ".join(filter(None, [lead, self._summary(db, session, stopped=False)]))
            return CardTurn(True, len(plan), len(plan), 0, None, "", summary, session.mode)

    def current(self, learner_id: str) -> CardTurn:
        """The card being reviewed (to repeat it, or after a reconnect); done when none."""
        with self._db(learner_id) as db:
            session = queries.active_session(db, learner_id)
            if session is None or session.mode not in CARD_MODES or not session.position:
                return CardTurn(False)
            item = session.plan[session.position - 1]
            card = db.get(Card, item["card_id"])
            if card is None or item["status"] not in ("asked", "answered"):
                return CardTurn(False, mode=session.mode)
            return self._turn(db, session, card, "")

    def status(self, learner_id: str) -> ReviewStatus:
        with self._db(learner_id) as db:
            session = self._session(db, learner_id)
            reviewed, again = _tally(session)
            remaining = len(session.plan) - session.position
            return ReviewStatus(
                session.position, len(session.plan), remaining, reviewed, again, words.left(remaining, reviewed)
            )

    def stop(self, db: Session, session: StudySession) -> str:
        """End a card session (the service's stop calls this inside its transaction)."""
        session.status, session.ended_at = "stopped", self._now()
        return self._summary(db, session, stopped=True)

    # -- one card ---------------------------------------------------------------------------

    def answer(self, card_id: int, text: str) -> CardBack:
        """The learner's answer: say the back (and how close the answer was, when graded)."""
        text = " ".join(str(text or "").split())[:2000]
        if not text:
            raise BadRequest("I didn't catch an answer. Say it again, or say 'show me'.")
        return self._back(card_id, text)

    def reveal(self, card_id: int) -> CardBack:
        return self._back(card_id, None)

    def back_text(self, card_id: int) -> str:
        """What revealing the card says (`reveal`'s `text`), changing nothing: the voice bot
        synthesises it while the dialogue decides (an answer's closeness joins it later)."""
        with self._db(self._learner_of(card_id)) as db:
            card = db.get(Card, card_id)
            assert card is not None
            return words.back(self._spoken(card)[1], None)

    def rate(self, card_id: int, value: object) -> RateResult:
        try:
            rating = Rating.parse(value)
        except ValueError as exc:
            raise BadRequest("Please rate it again, hard, good or easy.") from exc
        learner_id = self._learner_of(card_id)
        with self._db(learner_id) as db:
            session, plan, index = self._current_item(db, learner_id, card_id)
            card = db.get(Card, card_id)
            assert card is not None
            now = self._now()
            item = plan[index]
            was_new = card.state == 0
            due_after = None
            if session.mode == "flashcards":
                state = review(self._scheduler, _state(card), rating, now, card.id)
                _apply(card, state)
                due_after = state.due
            db.add(
                CardReview(
                    card_id=card.id,
                    learner_id=learner_id,
                    session_id=session.id,
                    rating=int(rating),
                    kind="review" if session.mode == "flashcards" else "cram",
                    was_new=was_new,
                    reviewed_at=now,
                    answer_text=item.get("answer"),
                    due_after=due_after,
                )
            )
            item.update(status="rated", rating=int(rating))
            if self._comes_back(plan, card_id, rating, due_after, now, session.mode):
                plan.append({"card_id": card_id, "status": "queued", "again": True})
            session.plan = plan
            due_in = words.until(due_after, now) if due_after else None
            return RateResult(
                card_id, rating.word, due_after.isoformat() if due_after else None, words.rated(rating, due_in)
            )

    def skip(self, card_id: int) -> None:
        learner_id = self._learner_of(card_id)
        with self._db(learner_id) as db:
            session, plan, index = self._current_item(db, learner_id, card_id)
            plan[index]["status"] = "skipped"
            session.plan = plan

    # -- counts -----------------------------------------------------------------------------

    def due_count(self, learner_id: str) -> int:
        with self._db(learner_id) as db:
            curriculum.sync(db, self.pack, learner_id)
            return queue.due_total(db, learner_id, self._now(), self.options)

    def decks(self, learner_id: str) -> list[queue.DeckCounts]:
        with self._db(learner_id) as db:
            queries.learner(db, learner_id)
            curriculum.sync(db, self.pack, learner_id)
            return queue.deck_counts(db, learner_id, self._now())

    # -- helpers ----------------------------------------------------------------------------

    def _back(self, card_id: int, answer: str | None) -> CardBack:
        learner_id = self._learner_of(card_id)
        with self._db(learner_id) as db:
            session, plan, index = self._current_item(db, learner_id, card_id)
            card = db.get(Card, card_id)
            assert card is not None
            spoken_back = self._spoken(card)[1]
            graded = closeness(self.grader, spoken_back, answer) if answer else None
            if plan[index]["status"] == "asked":
                plan[index]["status"] = "answered"
            if answer:
                plan[index]["answer"] = answer
            session.plan = plan
            return CardBack(
                card.id,
                spoken_back,
                card.back,
                graded.score if graded else None,
                graded.suggested.word if graded else None,
                words.back(spoken_back, graded),
            )

    def _turn(self, db: Session, session: StudySession, card: Card, lead: str) -> CardTurn:
        deck = db.get(CardDeck, card.deck_id)
        spoken_front = self._spoken(card)[0]
        view = CardView(
            card.id,
            deck.name if deck else "",
            card.front,
            spoken_front,
            STATE_NAMES.get(card.state, "new"),
            session.mode == "cram",
        )
        total = len(session.plan)
        return CardTurn(False, session.position, total, total - session.position, view, lead, None, session.mode)

    def _spoken(self, card: Card) -> tuple[str, str]:
        """Spoken front and back; curriculum cards are read from the content (it may change)."""
        content = self._content.get(card.content_id or "")
        if content is not None:
            front, back, _ = curriculum.spoken_sides(content)
            return front, back
        return card.spoken_front, card.spoken_back

    def _summary(self, db: Session, session: StudySession, stopped: bool) -> str:
        reviewed, again = _tally(session)
        now = self._now()
        upcoming = queue.next_due(db, session.learner_id, now)
        return words.summary(session.mode, reviewed, again, words.until(upcoming, now) if upcoming else None, stopped)

    def _comes_back(
        self, plan: list[dict[str, Any]], card_id: int, rating: Rating, due: datetime | None, now: datetime, mode: str
    ) -> bool:
        returns = sum(1 for i in plan if i["card_id"] == card_id and i.get("again"))
        if returns >= self.options.max_requeues:
            return False
        if mode == "cram":
            return rating == Rating.AGAIN and returns == 0
        return due is not None and (utc(due) - now).total_seconds() <= self.options.requeue_within_s

    def _learner_of(self, card_id: int) -> str:
        with self._db() as db:
            card = db.get(Card, card_id)
            if card is None:
                raise NotFound("I can't find that card any more. Say 'review cards' to start again.")
            return card.learner_id

    @staticmethod
    def _session(db: Session, learner_id: str) -> StudySession:
        queries.learner(db, learner_id)
        session = queries.active_session(db, learner_id)
        if session is None or session.mode not in CARD_MODES:
            raise Conflict("There's no card review running. Say 'review cards' to start one.")
        return session

    def _current_item(self, db: Session, learner_id: str, card_id: int) -> tuple[StudySession, list[dict], int]:
        session = self._session(db, learner_id)
        index = session.position - 1
        plan = [dict(item) for item in session.plan]
        if index < 0 or plan[index]["card_id"] != card_id:
            raise Conflict("That isn't the card we're on. Say 'repeat' to hear the current one.")
        if plan[index]["status"] not in ("asked", "answered"):
            raise Conflict("That card is done. Say 'next' for the next one.")
        return session, plan, index


def _tally(session: StudySession) -> tuple[int, int]:
    """(cards rated, cards rated again at least once) in a session: a card that came back
    counts once."""
    rated = [i for i in session.plan if i["status"] == "rated"]
    return len({i["card_id"] for i in rated}), len({i["card_id"] for i in rated if i.get("rating") == Rating.AGAIN})


def _state(card: Card) -> CardState:
    return CardState(
        card.state, card.step, card.stability, card.difficulty, card.due, card.last_review, card.reps, card.lapses
    )


def _apply(card: Card, state: CardState) -> None:
    card.state, card.step = state.state, state.step
    card.stability, card.difficulty = state.stability, state.difficulty
    card.due, card.last_review = state.due, state.last_review
    card.reps, card.lapses = state.reps, state.lapses
