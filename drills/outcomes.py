"""What happens when a plan day or a baseline run is complete: progress, quiz and mock
consequences (a mock day's scorecard is stored; mock 1's red zones become the buffer day's
remedial focus), the gap matrix and remedial pods. Each returns what to tell the learner."""

from __future__ import annotations

from datetime import datetime
from statistics import fmean

from sqlalchemy import delete
from sqlalchemy.orm import Session

from drills import spoken
from drills.content_model import ContentPack
from drills.plan import Adjustment, resolve_day
from drills.plan_rules import (
    baseline_scores,
    mock_outcome,
    place_pods,
    quiz_outcome,
    triggered_pods,
)
from drills.seed import MOCK_1_DAY
from drills.selection import PlanItem, items_for_day
from drills.store import queries
from drills.store.models import BaselineResult, DayProgress, Learner, StudySession
from drills.store.review_models import MockScorecard


def plan_items(session: StudySession) -> list[PlanItem]:
    return [PlanItem.from_json(item) for item in session.plan]


def settle_days(db: Session, pack: ContentPack, learner: Learner, session: StudySession, now: datetime) -> list[str]:
    """Finish each of the session's days whose questions are all closed (answered, skipped or
    revealed) and apply its consequences; returns spoken notes."""
    plan = plan_items(session)
    attempts = queries.session_attempts(db, session.id)
    finished = queries.finished_days(db, learner.id)
    notes: list[str] = []
    for day in session.days:
        positions = [i for i, item in enumerate(plan) if item.day == day]
        if day in finished or not positions:
            continue
        if not all(queries.item_closed(attempts.get(i, [])) for i in positions):
            continue
        scored = [(plan[i], queries.item_score(attempts.get(i, []))) for i in positions]
        score = round(fmean(s for _, s in scored), 4)
        db.add(DayProgress(learner_id=learner.id, day=day, status="finished", completed_at=now, score=score))
        db.flush()
        notes += _day_consequences(db, pack, learner.id, day, scored)
    return notes


def _day_consequences(
    db: Session, pack: ContentPack, learner_id: str, day: int, scored: list[tuple[PlanItem, float]]
) -> list[str]:
    notes = []
    quiz = [(item, s) for item, s in scored if item.part == "quiz"]
    if quiz:
        result = quiz_outcome(pack, day, ((_unit_of(pack, i), s) for i, s in quiz))
        queries.add_adjustments(db, learner_id, list(result.adjustments))
        weak = [pack.unit(u).title for u in result.weak_units]
        moved = next((a for a in result.adjustments if a.kind == "moved_topic"), None)
        moved_title = pack.unit(int(moved.target[1])).title if moved else None
        notes.append(spoken.quiz_result(result.score, result.passed, weak, moved_title))
    mock = [(item, s) for item, s in scored if item.part == "mock"]
    if mock:
        areas = ((_area_of(pack, i), s) for i, s in mock)
        outcome = mock_outcome(day, areas, remedial=day == MOCK_1_DAY)
        queries.add_adjustments(db, learner_id, list(outcome.adjustments))
        db.merge(
            MockScorecard(learner_id=learner_id, day=day, areas=outcome.area_scores, red_zones=list(outcome.red_zones))
        )
        notes.append(spoken.mock_result(outcome.area_scores, outcome.red_zones, day == MOCK_1_DAY))
    return notes


def _unit_of(pack: ContentPack, item: PlanItem) -> int:
    return pack.item(item.question_id).unit or 0


def _area_of(pack: ContentPack, item: PlanItem) -> str:
    """Mock scorecard domains: the unit's area; behavioural; systems for systems design."""
    question = pack.item(item.question_id)
    if question.origin == "behavioural":
        return "behavioural"
    if question.origin == "system_design":
        return "systems"
    return getattr(question, "area", None) or "general"


def settle_baseline(db: Session, pack: ContentPack, learner: Learner, session: StudySession) -> str:
    """Score the 30 items into the gap matrix (0-5 per area), store it, and insert pods."""
    plan = plan_items(session)
    attempts = queries.session_attempts(db, session.id)
    scores = {item.question_id: queries.item_score(attempts.get(i, [])) for i, item in enumerate(plan)}
    gap = baseline_scores({item.id: item.area for item in pack.baseline}, scores)
    db.execute(delete(BaselineResult).where(BaselineResult.learner_id == learner.id))
    for area, score in gap.items():
        db.add(BaselineResult(learner_id=learner.id, area=area, score=score))
    finished = set(queries.finished_days(db, learner.id))
    queries.drop_open_adjustments(db, learner.id, "baseline", finished)
    placed = place_pods(pack, triggered_pods(pack, gap), finished)
    queries.add_adjustments(db, learner.id, list(placed))
    pods = [(pack.pod(a.target[1]).title, a.day) for a in placed if a.kind == "pod"]
    return spoken.baseline_result(gap, pods)


def replan_unstarted(
    db: Session,
    pack: ContentPack,
    learner_id: str,
    session: StudySession,
    history: dict[str, float],
) -> None:
    """When a finished day changed the plan (a failed quiz while doubling up), rebuild the
    questions of the session's days that have not started yet."""
    plan = plan_items(session)
    asked_days = {item.day for item in plan[: session.position]}
    later = [d for d in session.days if d not in asked_days]
    if not later:
        return
    adjustments: list[Adjustment] = queries.adjustments(db, learner_id)
    fresh = [i for d in later for i in items_for_day(pack, resolve_day(pack, d, adjustments), history)]
    kept = [i for i in plan if i.day not in later]
    session.plan = [i.to_json() for i in kept + fresh]
