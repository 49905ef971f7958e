"""The 31-day plan: what each day is for a learner, which day is today, whether it still fits.

Pure functions over the content pack and the learner's progress; the store and the service
feed them. `today` is progress, not the calendar: the first plan day not yet finished.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from drills.content_model import ContentPack, Unit
from drills.seed import (
    BUFFER_DAY,
    INTERVIEW_DAY,
    LIGHT_DAY,
    MOCK_1_DAY,
    MOCK_2_DAY,
    PLAN_DAYS,
    POWER_REVIEW_DAY,
    QUIZ_DAYS,
)

DayType = Literal["topic", "light", "quiz", "mock", "buffer", "power_review", "remedial", "pod", "done"]
AdjustmentKind = Literal["remedial_focus", "pod", "moved_topic"]


@dataclass(frozen=True)
class Adjustment:
    """A change to one learner's plan, caused by the baseline, a quiz or a mock interview."""

    day: int
    kind: AdjustmentKind
    ref: str
    """unit:<n> | area:<name> | pod:<ID>."""
    source: str = ""
    """baseline | quiz:<day> | mock:<day>."""

    @property
    def target(self) -> tuple[str, str]:
        """`("unit", "7")`, `("area", "deep_learning")`, `("pod", "LINALG")`."""
        kind, _, value = self.ref.partition(":")
        return kind, value


@dataclass(frozen=True)
class PlanDay:
    day: int
    day_type: DayType
    week: int
    title: str
    unit: Unit | None = None
    """The day's topic unit (topic and quiz days); None when the day is something else."""
    adjustments: tuple[Adjustment, ...] = ()
    """What was inserted on this day (pods, remedial focus, moved topics)."""


@dataclass(frozen=True)
class FitCheck:
    fits: bool
    plan_days_left: int
    days_left: int | None
    """Calendar days from today up to the interview (None without an interview date)."""
    message: str | None = None
    """A spoken sentence when the plan no longer fits."""


def week_of(pack: ContentPack, day: int) -> int:
    unit = pack.unit_for_day(day)
    if unit is not None:
        return unit.week
    return 2 if day == LIGHT_DAY else 5


def resolve_day(pack: ContentPack, day: int, adjustments: Iterable[Adjustment] = ()) -> PlanDay:
    """What plan day `day` is once the learner's adjustments are applied."""
    if day > PLAN_DAYS:
        return PlanDay(INTERVIEW_DAY, "done", 5, "Interview day")
    here = tuple(a for a in adjustments if a.day == day)
    week = week_of(pack, day)
    pods = [a.target[1] for a in here if a.kind == "pod"]
    if day == BUFFER_DAY:
        return PlanDay(day, "buffer", week, "Buffer day", adjustments=here)
    if pods:
        titles = ", ".join(pack.pod(p).title for p in pods)
        return PlanDay(day, "pod", week, titles, adjustments=here)
    unit = pack.unit_for_day(day)
    focus = [a for a in here if a.kind == "remedial_focus"]
    if focus:
        names = [ref_title(pack, a.ref) for a in focus]
        return PlanDay(day, "remedial", week, "Remedial focus: " + " and ".join(names), adjustments=here)
    if day == LIGHT_DAY:
        return PlanDay(day, "light", week, "Light day", adjustments=here)
    if day in (MOCK_1_DAY, MOCK_2_DAY):
        number = 1 if day == MOCK_1_DAY else 2
        return PlanDay(day, "mock", week, f"Mock interview {number}", adjustments=here)
    if day == POWER_REVIEW_DAY:
        return PlanDay(day, "power_review", week, "Power review", adjustments=here)
    if unit is None:  # cannot happen with a validated pack: every other day has a unit
        raise ValueError(f"plan day {day} has no unit")
    day_type: DayType = "quiz" if day in QUIZ_DAYS else "topic"
    return PlanDay(day, day_type, week, unit.title, unit, here)


def ref_title(pack: ContentPack, ref: str) -> str:
    """What an adjustment refers to, for speech: a unit or pod title, or an area name."""
    kind, _, value = ref.partition(":")
    if kind == "unit":
        return pack.unit(int(value)).title
    if kind == "pod":
        return pack.pod(value).title
    return area_name(value)


def area_name(area: str) -> str:
    """`deep_learning` → "deep learning" (for speech)."""
    return area.replace("_", " ")


def next_unfinished(finished: Collection[int], after: int = 0) -> int:
    """The first plan day after `after` not yet finished; INTERVIEW_DAY when none is left."""
    for day in range(after + 1, PLAN_DAYS + 1):
        if day not in finished:
            return day
    return INTERVIEW_DAY


def today(finished: Collection[int]) -> int:
    """Today's plan day: progress decides, not the calendar."""
    return next_unfinished(finished)


def session_days(finished: Collection[int], double_up: bool) -> tuple[int, ...]:
    """The plan days the next session covers: one, or the next two when doubling up."""
    first = next_unfinished(finished)
    if first > PLAN_DAYS:
        return ()
    if not double_up:
        return (first,)
    second = next_unfinished(finished, first)
    return (first, second) if second <= PLAN_DAYS else (first,)


def fit_check(finished: Collection[int], on: date, interview: date | None, double_up: bool = False) -> FitCheck:
    """Do the unfinished plan days still fit before the interview (one or two a day)?"""
    left = sum(1 for d in range(1, PLAN_DAYS + 1) if d not in finished)
    if interview is None:
        return FitCheck(True, left, None)
    days_left = (interview - on).days  # today counts; the interview day itself does not
    per_day = 2 if double_up else 1
    if left == 0 or left <= max(days_left, 0) * per_day:
        return FitCheck(True, left, days_left)
    if days_left <= 0:
        message = "Your interview date has arrived, so there is no time left for the plan."
    elif double_up:
        message = f"Even doubling up, {left} plan days won't fit in {_days(days_left)}."
    else:
        message = f"You have {_days(days_left)} left and {left} plan days; shall we double up?"
    return FitCheck(False, left, days_left, message)


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"
