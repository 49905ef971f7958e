"""Which questions a session asks, given the plan day and the learner's history.

History maps question id → the latest score of an answered attempt. The drill prefers
questions not yet answered, then the lowest-scored; reviews go weakest unit first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from drills.content_model import UNIT_AREAS, ContentPack, Question, Unit
from drills.plan import PlanDay
from drills.plan_rules import quiz_units
from drills.seed import MOCK_2_DAY

History = Mapping[str, float]

QUIZ_SIZE = 5
REVIEW_SIZE = 3
POWER_REVIEW_SIZE = 5
POWER_REVIEW_EXPLANATIONS = 2
"""Of the power review's questions, how many are 60-second explanations."""
MOCK_THEORY = 3
REMEDIAL_PER_TARGET = 2
REMEDIAL_MAX = 6


@dataclass(frozen=True)
class PlanItem:
    """One question of a session plan."""

    question_id: str
    part: str
    """drill | quiz | review | explain | remedial | pod | mock | moved | eli5 | baseline."""
    day: int | None = None
    """The plan day it belongs to (None for eli5 and baseline runs)."""

    def to_json(self) -> dict[str, Any]:
        return {"question_id": self.question_id, "part": self.part, "day": self.day}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PlanItem:
        return cls(str(data["question_id"]), str(data["part"]), data.get("day"))


def fresh_first(questions: Iterable[Question], history: History) -> list[Question]:
    """Unanswered questions first (content order), then answered ones, lowest score first."""
    questions = list(questions)
    order = {q.id: i for i, q in enumerate(questions)}
    return sorted(questions, key=lambda q: (q.id in history, history.get(q.id, 0.0), order[q.id]))


def weakest_first(questions: Iterable[Question], history: History) -> list[Question]:
    """For reviews: poorly answered first, then unanswered (counted as 0.5), then strong ones."""
    questions = list(questions)
    order = {q.id: i for i, q in enumerate(questions)}
    return sorted(questions, key=lambda q: (history.get(q.id, 0.5), order[q.id]))


def unit_score(unit: Unit, history: History) -> float:
    """Mean latest score over the unit's answered questions; 0 when never practised."""
    scores = [history[q.id] for q in unit.questions if q.id in history]
    return fmean(scores) if scores else 0.0


def weakest_units(units: Iterable[Unit], history: History) -> list[Unit]:
    return sorted(units, key=lambda u: (unit_score(u, history), u.number))


def daily_drill(unit: Unit, history: History, day: int | None, part: str = "drill") -> list[PlanItem]:
    """1 theory + 1 design + 1 ELI5 from the unit."""
    picks = [fresh_first(unit.of_kind(kind), history)[0] for kind in ("theory", "design", "eli5")]
    return [PlanItem(q.id, part, day) for q in picks]


def quiz(pack: ContentPack, day: int, history: History, exclude: Sequence[str]) -> list[PlanItem]:
    """5 theory questions round-robin over the week's units so far, fresh ones first."""
    queues = [
        [q for q in fresh_first(u.of_kind("theory"), history) if q.id not in exclude] for u in quiz_units(pack, day)
    ]
    picks: list[PlanItem] = []
    while len(picks) < QUIZ_SIZE and any(queues):
        for queue in queues:
            if queue and len(picks) < QUIZ_SIZE:
                picks.append(PlanItem(queue.pop(0).id, "quiz", day))
    return picks


def review(units: Sequence[Unit], history: History, count: int, part: str, day: int) -> list[PlanItem]:
    """`count` theory questions, one per unit, from the weakest units; each unit's weakest one."""
    ranked = weakest_units(units, history)
    picks: list[PlanItem] = []
    used: set[str] = set()
    while len(picks) < count:
        before = len(picks)
        for unit in ranked:
            choices = [q for q in weakest_first(unit.of_kind("theory"), history) if q.id not in used]
            if choices and len(picks) < count:
                used.add(choices[0].id)
                picks.append(PlanItem(choices[0].id, part, day))
        if len(picks) == before:
            break
    return picks


def power_review(pack: ContentPack, history: History, day: int) -> list[PlanItem]:
    """60-second explanations on the weakest units that have one (least practised first),
    then review questions from the weakest units."""
    order = {u.number: i for i, u in enumerate(weakest_units(pack.units, history))}
    ranked = sorted(pack.explanations, key=lambda q: (order.get(q.unit or 0, len(order)), history.get(q.id, 0.0)))
    picks: list[PlanItem] = []
    units: set[int | None] = set()
    for question in ranked:
        if len(picks) < POWER_REVIEW_EXPLANATIONS and question.unit not in units:
            units.add(question.unit)
            picks.append(PlanItem(question.id, "explain", day))
    return picks + review(pack.units, history, POWER_REVIEW_SIZE - len(picks), "review", day)


def area_theory(pack: ContentPack, area: str, history: History, count: int) -> list[Question]:
    """The weakest theory questions of an area (behavioural: the freshest behavioural ones)."""
    if area == "behavioural":
        return fresh_first(pack.behavioural, history)[:count]
    units = weakest_units(pack.units_in_area(area), history)
    questions = [q for u in units for q in weakest_first(u.of_kind("theory"), history)]
    return questions[:count]


def mock(pack: ContentPack, day: int, history: History) -> list[PlanItem]:
    """3 theory questions from the 3 weakest areas, 1 design, on mock 2 one systems-design
    question, then 1 behavioural."""
    area_rank = sorted(
        (a for a in UNIT_AREAS if pack.units_in_area(a)),
        key=lambda a: (
            fmean(unit_score(u, history) for u in pack.units_in_area(a)),
            UNIT_AREAS.index(a),
        ),
    )
    items: list[PlanItem] = []
    used_units: set[int] = set()
    for area in area_rank[:MOCK_THEORY]:
        unit = weakest_units(pack.units_in_area(area), history)[0]
        used_units.add(unit.number)
        items.append(PlanItem(fresh_first(unit.of_kind("theory"), history)[0].id, "mock", day))
    design_units = [u for u in weakest_units(pack.units, history) if u.number not in used_units]
    items.append(PlanItem(fresh_first(design_units[0].of_kind("design"), history)[0].id, "mock", day))
    if day == MOCK_2_DAY:
        items.append(PlanItem(fresh_first(pack.system_design, history)[0].id, "mock", day))
    items.append(PlanItem(fresh_first(pack.behavioural, history)[0].id, "mock", day))
    return items


def remedial(pack: ContentPack, plan_day: PlanDay, history: History) -> list[PlanItem]:
    """Inserted work: pods, topics moved here, and focus on weak units or red-zone areas."""
    items: list[PlanItem] = []
    day = plan_day.day
    for adjustment in plan_day.adjustments:
        kind, value = adjustment.target
        if adjustment.kind == "pod":
            items += [PlanItem(q.id, "pod", day) for q in pack.pod(value).questions]
        elif adjustment.kind == "moved_topic":
            items += daily_drill(pack.unit(int(value)), history, day, "moved")
    focus: list[Question] = []
    for adjustment in plan_day.adjustments:
        kind, value = adjustment.target
        if adjustment.kind != "remedial_focus":
            continue
        if kind == "unit":
            unit = pack.unit(int(value))
            focus += weakest_first(unit.of_kind("theory"), history)[:REMEDIAL_PER_TARGET]
        else:
            focus += area_theory(pack, value, history, REMEDIAL_PER_TARGET)
    taken = {i.question_id for i in items}
    focus = [q for q in dict.fromkeys(focus) if q.id not in taken][:REMEDIAL_MAX]
    return items + [PlanItem(q.id, "remedial", day) for q in focus]


def items_for_day(pack: ContentPack, plan_day: PlanDay, history: History) -> list[PlanItem]:
    """The questions of one plan day's session."""
    day, kind = plan_day.day, plan_day.day_type
    if kind in ("topic", "quiz") and plan_day.unit is not None:
        items = daily_drill(plan_day.unit, history, day)
        if kind == "quiz":
            items += quiz(pack, day, history, [i.question_id for i in items])
        return items
    if kind in ("pod", "remedial", "buffer"):
        items = remedial(pack, plan_day, history)
        if items:
            return items
        return review(pack.units, history, REVIEW_SIZE, "review", day)
    if kind == "light":
        studied = [u for u in pack.units if max(u.days) < day]
        return review(studied or pack.units, history, REVIEW_SIZE, "review", day)
    if kind == "mock":
        return mock(pack, day, history)
    if kind == "power_review":
        return power_review(pack, history, day)
    return []


def eli5_run(unit: Unit) -> list[PlanItem]:
    return [PlanItem(q.id, "eli5") for q in unit.of_kind("eli5")]


def baseline_run(pack: ContentPack) -> list[PlanItem]:
    return [PlanItem(item.id, "baseline") for item in pack.baseline]
