"""The plan's feedback loops: mid-week quiz, mock interview red zones, baseline gap matrix, pods.

Each rule turns scores into `Adjustment`s; the service stores them and `resolve_day` applies them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from statistics import fmean

from drills.content_model import BASELINE_AREAS, ContentPack, Pod, Unit
from drills.plan import Adjustment
from drills.seed import BUFFER_DAY, LIGHT_DAYS, PLAN_DAYS, QUIZ_DAYS

QUIZ_PASS = 0.8
"""Seed: mid-week quiz, ">= 80 % to proceed"."""
MOCK_PASS = 0.7
"""Seed: mock interviews, ">= 70 % each domain"; below is a red zone."""
BASELINE_CORRECT = 0.5
"""A baseline item counts as correct when its grading score reaches this."""
BASELINE_ITEMS_PER_AREA = 6


@dataclass(frozen=True)
class QuizOutcome:
    score: float
    passed: bool
    weak_units: tuple[int, ...]
    adjustments: tuple[Adjustment, ...]


@dataclass(frozen=True)
class MockOutcome:
    area_scores: dict[str, float]
    red_zones: tuple[str, ...]
    adjustments: tuple[Adjustment, ...]


def quiz_units(pack: ContentPack, day: int) -> tuple[Unit, ...]:
    """The quiz covers the units of the quiz day's week that have started by that day."""
    unit = pack.unit_for_day(day)
    if unit is None:
        return ()
    return tuple(u for u in pack.units_in_week(unit.week) if min(u.days) <= day)


def quiz_outcome(pack: ContentPack, day: int, scores: Iterable[tuple[int, float]]) -> QuizOutcome:
    """`scores` are (unit, score) per quiz question, skipped ones as 0. Below 80 %, the next day
    becomes a remedial focus on the weak units and its own topic moves to the buffer day."""
    scores = list(scores)
    overall = fmean(s for _, s in scores) if scores else 0.0
    if overall >= QUIZ_PASS or day not in QUIZ_DAYS:
        return QuizOutcome(overall, True, (), ())
    per_unit: dict[int, list[float]] = defaultdict(list)
    for unit, score in scores:
        per_unit[unit].append(score)
    weak = tuple(sorted(u for u, s in per_unit.items() if fmean(s) < QUIZ_PASS))
    source = f"quiz:{day}"
    next_day = day + 1
    adjustments = [Adjustment(next_day, "remedial_focus", f"unit:{u}", source) for u in weak]
    moved = pack.unit_for_day(next_day)
    if moved is not None and next_day != BUFFER_DAY:
        adjustments.append(Adjustment(BUFFER_DAY, "moved_topic", f"unit:{moved.number}", source))
    return QuizOutcome(overall, False, weak, tuple(adjustments))


def mock_outcome(day: int, scores: Iterable[tuple[str, float]], remedial: bool) -> MockOutcome:
    """`scores` are (area, score) per mock question. Areas under 70 % are red zones; after
    mock 1 (`remedial`), the buffer day plugs them."""
    per_area: dict[str, list[float]] = defaultdict(list)
    for area, score in scores:
        per_area[area].append(score)
    area_scores = {area: round(fmean(values), 4) for area, values in per_area.items()}
    red = tuple(sorted(a for a, s in area_scores.items() if s < MOCK_PASS))
    adjustments: tuple[Adjustment, ...] = ()
    if remedial:
        source = f"mock:{day}"
        adjustments = tuple(Adjustment(BUFFER_DAY, "remedial_focus", f"area:{a}", source) for a in red)
    return MockOutcome(area_scores, red, adjustments)


def baseline_scores(areas: Mapping[str, str], scores: Mapping[str, float]) -> dict[str, int]:
    """The gap matrix: per area, correct items / 6 * 5, rounded down (0-5).

    `areas` maps item id → area; `scores` maps item id → grading score (missing = wrong).
    """
    correct: dict[str, int] = dict.fromkeys(BASELINE_AREAS, 0)
    for item_id, area in areas.items():
        if scores.get(item_id, 0.0) >= BASELINE_CORRECT:
            correct[area] = correct.get(area, 0) + 1
    return {area: math.floor(n / BASELINE_ITEMS_PER_AREA * 5) for area, n in correct.items()}


def triggered_pods(pack: ContentPack, gap: Mapping[str, int]) -> tuple[Pod, ...]:
    """Pods whose trigger fires (LINALG: linear algebra < 3, MATH-P: probability < 3,
    DL-BOOT: deep learning < 2), in pack order."""
    return tuple(p for p in pack.pods if gap.get(p.area, 5) < p.below)


def place_pods(pack: ContentPack, pods: Iterable[Pod], finished: Collection[int]) -> tuple[Adjustment, ...]:
    """Each pod takes the next light day (10, then 29) that is not finished and not already
    holding a pod, since a pod is a day's work. When none is left, DL-BOOT replaces the next
    unfinished Gen-AI day (not a quiz day), whose topic moves to the buffer day if still open;
    another pod shares the next unfinished light day, or is dropped when none is left."""
    open_light = [d for d in LIGHT_DAYS if d not in finished]
    free_light = list(open_light)
    last_done = max(finished, default=0)
    adjustments: list[Adjustment] = []
    for pod in pods:
        ref = f"pod:{pod.id}"
        if free_light:
            adjustments.append(Adjustment(free_light.pop(0), "pod", ref, "baseline"))
            continue
        if pod.id != "DL-BOOT":
            if open_light:
                adjustments.append(Adjustment(open_light[0], "pod", ref, "baseline"))
            continue
        day = _next_genai_day(pack, finished, last_done)
        if day is None:
            if open_light:
                adjustments.append(Adjustment(open_light[0], "pod", ref, "baseline"))
            continue
        adjustments.append(Adjustment(day, "pod", ref, "baseline"))
        unit = pack.unit_for_day(day)
        if unit is not None and BUFFER_DAY not in finished:
            moved = Adjustment(BUFFER_DAY, "moved_topic", f"unit:{unit.number}", "baseline")
            adjustments.append(moved)
    return tuple(adjustments)


def _next_genai_day(pack: ContentPack, finished: Collection[int], after: int) -> int | None:
    for day in range(after + 1, PLAN_DAYS + 1):
        unit = pack.unit_for_day(day)
        if unit and unit.genai_day and day not in finished and day not in QUIZ_DAYS:
            return day
    return None
