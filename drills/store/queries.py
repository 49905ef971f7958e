"""Reads the service needs, each in the caller's transaction."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from drills.exceptions import NotFound
from drills.plan import Adjustment
from drills.store.models import Attempt, DayProgress, Learner, PlanAdjustment, StudySession

OPEN = "asked"
CLOSED = ("answered", "skipped", "revealed")


def learner(db: Session, learner_id: str) -> Learner:
    found = db.get(Learner, learner_id)
    if found is None:
        raise NotFound("I don't know that learner yet. Please sign in again.")
    return found


def attempt(db: Session, attempt_id: str) -> Attempt:
    found = db.get(Attempt, attempt_id)
    if found is None:
        raise NotFound("I can't find that question any more. Say 'start' to begin again.")
    return found


def active_session(db: Session, learner_id: str) -> StudySession | None:
    query = (
        select(StudySession)
        .where(StudySession.learner_id == learner_id, StudySession.status == "active")
        .order_by(StudySession.started_at.desc())
    )
    return db.scalars(query).first()


def finished_days(db: Session, learner_id: str) -> dict[int, DayProgress]:
    rows = db.scalars(select(DayProgress).where(DayProgress.learner_id == learner_id))
    return {row.day: row for row in rows if row.status == "finished"}


def adjustments(db: Session, learner_id: str) -> list[Adjustment]:
    rows = db.scalars(select(PlanAdjustment).where(PlanAdjustment.learner_id == learner_id).order_by(PlanAdjustment.id))
    return [Adjustment(r.day, r.kind, r.ref, r.source) for r in rows]  # type: ignore[arg-type]


def add_adjustments(db: Session, learner_id: str, new: list[Adjustment]) -> None:
    existing = {(a.day, a.kind, a.ref) for a in adjustments(db, learner_id)}
    for a in new:
        if (a.day, a.kind, a.ref) not in existing:
            existing.add((a.day, a.kind, a.ref))
            db.add(PlanAdjustment(learner_id=learner_id, day=a.day, kind=a.kind, ref=a.ref, source=a.source))


def drop_open_adjustments(db: Session, learner_id: str, source: str, finished: set[int]) -> None:
    """Forget adjustments from `source` on days not yet finished (a retaken baseline)."""
    query = delete(PlanAdjustment).where(
        PlanAdjustment.learner_id == learner_id,
        PlanAdjustment.source == source,
        PlanAdjustment.day.not_in(finished) if finished else PlanAdjustment.day.is_not(None),
    )
    db.execute(query)


def history(db: Session, learner_id: str) -> dict[str, float]:
    """Question id → score of its latest answered attempt."""
    query = (
        select(Attempt.question_id, Attempt.score)
        .where(Attempt.learner_id == learner_id, Attempt.status == "answered")
        .order_by(Attempt.answered_at)
    )
    return {qid: float(score or 0.0) for qid, score in db.execute(query)}


def session_attempts(db: Session, session_id: str) -> dict[int, list[Attempt]]:
    """The session's attempts by plan position, oldest first (a retry adds one)."""
    query = select(Attempt).where(Attempt.session_id == session_id).order_by(Attempt.try_no)
    by_position: dict[int, list[Attempt]] = defaultdict(list)
    for row in db.scalars(query):
        by_position[row.position].append(row)
    return by_position


def latest_attempt(db: Session, session_id: str) -> Attempt | None:
    query = (
        select(Attempt).where(Attempt.session_id == session_id).order_by(Attempt.position.desc(), Attempt.try_no.desc())
    )
    return db.scalars(query).first()


def item_closed(attempts: list[Attempt]) -> bool:
    return bool(attempts) and attempts[-1].status in CLOSED


def item_score(attempts: list[Attempt]) -> float:
    """The latest answered attempt's score; skipped or only revealed counts as 0."""
    answered = [a for a in attempts if a.status == "answered"]
    return float(answered[-1].score or 0.0) if answered else 0.0
