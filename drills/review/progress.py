"""The progress view: plan days done, scores per unit over time, the weakest key points, the
mock interviews' scorecards (and what their red zones put on the buffer day), and due cards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from statistics import fmean
from typing import Any

from sqlalchemy import select

from drills.content_model import ContentPack
from drills.grading.result import CREDIT
from drills.plan import ref_title, resolve_day, today
from drills.plan_rules import MOCK_PASS
from drills.review.desk import ReviewDesk, auto_points, graded
from drills.review.views import iso
from drills.seed import BUFFER_DAY, MOCK_1_DAY
from drills.store import queries
from drills.store.models import Attempt
from drills.store.review_models import MockScorecard, PointReview

WEAKEST = 10


@dataclass(frozen=True)
class Scorecard:
    day: int
    title: str
    areas: dict[str, float]
    """Domain → share of the rubric met, 0..1."""
    red_zones: tuple[str, ...]
    """Domains under the bar (`bar`)."""
    bar: float
    passed: bool
    buffer_focus: tuple[str, ...]
    """What the red zones put on the buffer day (mock 1 only): the areas, as said aloud."""


@dataclass(frozen=True)
class ProgressView:
    learner_id: str
    today: int
    """The plan day the learner is on (progress, not the calendar)."""
    days_done: tuple[dict[str, Any], ...]
    """day, title, score (0..1), completed_at."""
    units: tuple[dict[str, Any], ...]
    """unit, title, answers, mean (0..1), scores: [{date, score, answers}] by day answered."""
    weakest: tuple[dict[str, Any], ...]
    """question_id, prompt, point, answers, credit (0..1, a person's labels where given), last."""
    scorecards: tuple[Scorecard, ...]
    cards_due: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Progress:
    def __init__(self, desk: ReviewDesk, cards_due: Callable[[str], int]) -> None:
        self.desk = desk
        self.pack: ContentPack = desk.pack
        self._cards_due = cards_due

    def view(self, learner_id: str) -> ProgressView:
        with self.desk.transaction() as db:
            queries.learner(db, learner_id)
            finished = queries.finished_days(db, learner_id)
            adjustments = queries.adjustments(db, learner_id)
            attempts = list(
                db.scalars(
                    select(Attempt)
                    .where(Attempt.learner_id == learner_id, Attempt.status == "answered")
                    .order_by(Attempt.answered_at)
                )
            )
            overrides: dict[str, dict[int, str]] = defaultdict(dict)
            for row in db.scalars(select(PointReview).where(PointReview.learner_id == learner_id)):
                overrides[row.attempt_id][row.point_index] = row.label
            cards = list(db.scalars(select(MockScorecard).where(MockScorecard.learner_id == learner_id)))
        days = tuple(
            {
                "day": day,
                "title": resolve_day(self.pack, day, adjustments).title,
                "score": row.score,
                "completed_at": iso(row.completed_at),
            }
            for day, row in sorted(finished.items())
        )
        buffer = [a for a in adjustments if a.day == BUFFER_DAY and a.source.startswith("mock:")]
        scorecards = tuple(self._scorecard(card, buffer) for card in sorted(cards, key=lambda c: c.day))
        return ProgressView(
            learner_id=learner_id,
            today=today(set(finished)),
            days_done=days,
            units=self._units(attempts),
            weakest=self._weakest(attempts, overrides),
            scorecards=scorecards,
            cards_due=self._cards_due(learner_id),
        )

    def _scorecard(self, card: MockScorecard, buffer: list[Any]) -> Scorecard:
        number = 1 if card.day == MOCK_1_DAY else 2
        focus = tuple(ref_title(self.pack, a.ref) for a in buffer if a.source == f"mock:{card.day}")
        areas = {area: float(score) for area, score in sorted(card.areas.items())}
        return Scorecard(
            day=card.day,
            title=f"Mock interview {number}",
            areas=areas,
            red_zones=tuple(card.red_zones),
            bar=MOCK_PASS,
            passed=not card.red_zones,
            buffer_focus=focus,
        )

    def _units(self, attempts: list[Attempt]) -> tuple[dict[str, Any], ...]:
        by_unit: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
        for attempt in attempts:
            unit = self._unit_of(attempt.question_id)
            if unit is None or attempt.answered_at is None:
                continue
            by_unit[unit][attempt.answered_at.date().isoformat()].append(float(attempt.score or 0.0))
        out = []
        for unit in sorted(by_unit):
            dates = by_unit[unit]
            everything = [s for scores in dates.values() for s in scores]
            out.append(
                {
                    "unit": unit,
                    "title": self.pack.unit(unit).title,
                    "answers": len(everything),
                    "mean": round(fmean(everything), 3),
                    "scores": [
                        {"date": date, "score": round(fmean(scores), 3), "answers": len(scores)}
                        for date, scores in sorted(dates.items())
                    ],
                }
            )
        return tuple(out)

    def _weakest(self, attempts: list[Attempt], overrides: dict[str, dict[int, str]]) -> tuple[dict[str, Any], ...]:
        credits: dict[tuple[str, str], list[float]] = defaultdict(list)
        last: dict[tuple[str, str], str] = {}
        for attempt in attempts:
            _, grading = graded(attempt)
            points = auto_points(grading, self._key_points(attempt.question_id))
            for index, point in enumerate(points):
                label = overrides.get(attempt.id, {}).get(index, str(point.get("label", "miss")))
                key = (attempt.question_id, str(point.get("point", "")))
                credits[key].append(CREDIT.get(label, 0.0))
                last[key] = label
        ranked = sorted(credits.items(), key=lambda kv: (fmean(kv[1]), -len(kv[1]), kv[0]))
        return tuple(
            {
                "question_id": question_id,
                "prompt": self._prompt(question_id),
                "point": point,
                "answers": len(values),
                "credit": round(fmean(values), 3),
                "last": last[(question_id, point)],
            }
            for (question_id, point), values in ranked[:WEAKEST]
            if fmean(values) < 1.0
        )

    def _unit_of(self, question_id: str) -> int | None:
        try:
            return self.pack.item(question_id).unit
        except KeyError:
            return None

    def _key_points(self, question_id: str) -> list[str]:
        try:
            return [p.text for p in self.pack.item(question_id).key_points]
        except KeyError:
            return []

    def _prompt(self, question_id: str) -> str:
        try:
            return self.pack.item(question_id).prompt
        except KeyError:
            return question_id
