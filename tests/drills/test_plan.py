"""The plan: seed day mapping, day types, quiz/mock/baseline rules, progress vs calendar, fit."""

from __future__ import annotations

from datetime import date

import pytest

from drills.content_model import ContentPack
from drills.plan import Adjustment, fit_check, resolve_day, session_days, today
from drills.plan_rules import (
    baseline_scores,
    mock_outcome,
    place_pods,
    quiz_outcome,
    quiz_units,
    triggered_pods,
)
from drills.seed import QUIZ_DAYS, SEED_UNITS, TOPIC_DAYS, seed_day, seed_days


def test_seed_dates_map_to_plan_days() -> None:
    assert seed_day("6 Aug") == 1
    assert seed_day("15 Aug") == 10
    assert seed_days("10-11 Aug") == (5, 6)
    assert seed_days("30-31 Aug") == (25, 26)
    assert seed_day("1 Sep") == 27
    assert seed_day("5 Sep") == 31
    assert seed_day("6 Sep") == 32  # interview day
    assert sorted(TOPIC_DAYS) == [d for d in range(1, 28) if d != 10]
    assert len(SEED_UNITS) == 22


def test_units_follow_the_seed(pack: ContentPack) -> None:
    for row in SEED_UNITS:
        unit = pack.unit(row.unit)
        assert unit.days == row.days
        assert unit.week == row.week
        assert unit.genai_day == row.genai_day
    assert [u.number for u in pack.units if len(u.days) == 2] == [5, 9, 15, 21]


@pytest.mark.parametrize(
    ("day", "day_type", "title"),
    [
        (1, "topic", "Baseline & Linear Algebra"),
        (4, "quiz", "Tokenization"),
        (6, "topic", "Ensembles + Clustering"),
        (10, "light", "Light day"),
        (11, "quiz", "CNN Internals"),
        (12, "topic", "CNN Internals"),
        (18, "quiz", "Fine-tuning & Alignment"),
        (25, "quiz", "MLOps"),
        (27, "topic", "Ethics & Safety"),
        (28, "mock", "Mock interview 1"),
        (29, "buffer", "Buffer day"),
        (30, "mock", "Mock interview 2"),
        (31, "power_review", "Power review"),
        (32, "done", "Interview day"),
    ],
)
def test_day_types(pack: ContentPack, day: int, day_type: str, title: str) -> None:
    plan_day = resolve_day(pack, day)
    assert (plan_day.day_type, plan_day.title) == (day_type, title)


def test_quiz_days_are_plan_days_not_weekdays(pack: ContentPack) -> None:
    assert QUIZ_DAYS == (4, 11, 18, 25)
    assert [resolve_day(pack, d).day_type for d in range(1, 32)].count("quiz") == 4
    assert [u.number for u in quiz_units(pack, 4)] == [1, 2, 3, 4]
    assert [u.number for u in quiz_units(pack, 11)] == [7, 8, 9]
    assert [u.number for u in quiz_units(pack, 18)] == [12, 13, 14, 15]
    assert [u.number for u in quiz_units(pack, 25)] == [17, 18, 19, 20, 21]


def test_today_is_progress_not_the_calendar() -> None:
    assert today(set()) == 1
    assert today({1, 2, 3}) == 4
    assert today({1, 2, 4}) == 3  # a gap is still today's work
    assert today(set(range(1, 32))) == 32
    assert session_days({1, 2}, double_up=False) == (3,)
    assert session_days({1, 2}, double_up=True) == (3, 4)
    assert session_days(set(range(1, 31)), double_up=True) == (31,)
    assert session_days(set(range(1, 32)), double_up=True) == ()


def test_fit_check() -> None:
    on = date(2026, 8, 20)
    assert fit_check(set(), on, None).fits
    assert fit_check(set(range(1, 23)), on, date(2026, 8, 29)).fits  # 9 left, 9 days
    tight = fit_check(set(range(1, 23)), on, date(2026, 8, 25))
    assert not tight.fits and tight.plan_days_left == 9 and tight.days_left == 5
    assert tight.message == "You have 5 days left and 9 plan days; shall we double up?"
    assert fit_check(set(range(1, 23)), on, date(2026, 8, 25), double_up=True).fits  # 10 slots
    worse = fit_check(set(range(1, 23)), on, date(2026, 8, 23), double_up=True)
    assert not worse.fits and "Even doubling up" in (worse.message or "")
    assert not fit_check(set(), on, on).fits
    assert fit_check(set(range(1, 32)), on, on).fits  # nothing left to fit


def test_failed_quiz_inserts_remedial_focus_and_moves_the_topic(pack: ContentPack) -> None:
    scores = [(9, 1.0), (7, 0.2), (8, 1.0), (7, 0.4), (9, 1.0)]  # mean 0.72
    outcome = quiz_outcome(pack, 11, scores)
    assert not outcome.passed and outcome.weak_units == (7,)
    assert set(outcome.adjustments) == {
        Adjustment(12, "remedial_focus", "unit:7", "quiz:11"),
        Adjustment(29, "moved_topic", "unit:9", "quiz:11"),
    }
    day12 = resolve_day(pack, 12, outcome.adjustments)
    assert day12.day_type == "remedial" and day12.unit is None
    assert "NN & Back-prop" in day12.title
    buffer = resolve_day(pack, 29, outcome.adjustments)
    assert buffer.day_type == "buffer" and buffer.adjustments[0].ref == "unit:9"


def test_passed_quiz_changes_nothing(pack: ContentPack) -> None:
    outcome = quiz_outcome(pack, 4, [(1, 1.0), (2, 0.75), (3, 0.75), (4, 1.0), (1, 0.5)])
    assert outcome.score == pytest.approx(0.8)
    assert outcome.passed and outcome.adjustments == ()


def test_mock_red_zones_go_to_the_buffer_day() -> None:
    scores = [("linear_algebra", 1.0), ("genai", 0.5), ("genai", 0.8), ("behavioural", 0.6)]
    outcome = mock_outcome(28, scores, remedial=True)
    assert outcome.red_zones == ("behavioural", "genai")
    assert {a.ref for a in outcome.adjustments} == {"area:genai", "area:behavioural"}
    assert all(a.day == 29 and a.kind == "remedial_focus" for a in outcome.adjustments)
    assert mock_outcome(30, scores, remedial=False).adjustments == ()


def test_baseline_scoring() -> None:
    areas = {f"{a}-{i}": a for a in ("linear_algebra", "probability") for i in range(6)}
    scores = {f"linear_algebra-{i}": 0.5 for i in range(4)} | {
        "probability-0": 1.0,
        "probability-1": 0.49,
    }
    gap = baseline_scores(areas, scores)
    assert gap["linear_algebra"] == 3  # 4/6*5 = 3.33
    assert gap["probability"] == 0  # 1/6*5 = 0.83, rounded down
    assert gap["deep_learning"] == 0  # no answers at all
    full = baseline_scores(areas, dict.fromkeys(areas, 1.0))
    assert full["linear_algebra"] == 5


def test_pods_trigger_and_go_on_the_next_light_day(pack: ContentPack) -> None:
    gap = {
        "linear_algebra": 2,
        "probability": 3,
        "classical_ml": 5,
        "deep_learning": 1,
        "coding_math": 4,
    }
    pods = triggered_pods(pack, gap)
    assert [p.id for p in pods] == ["LINALG", "DL-BOOT"]
    assert triggered_pods(pack, gap | {"deep_learning": 2}) == (pack.pod("LINALG"),)
    one = place_pods(pack, [pack.pod("MATH-P")], finished=set())
    assert one == (Adjustment(10, "pod", "pod:MATH-P", "baseline"),)
    assert resolve_day(pack, 10, one).day_type == "pod"
    placed = place_pods(pack, pods, finished=set())
    assert {(a.day, a.ref) for a in placed} == {(10, "pod:LINALG"), (29, "pod:DL-BOOT")}
    later = place_pods(pack, [pack.pod("LINALG")], finished=set(range(1, 12)))
    assert later == (Adjustment(29, "pod", "pod:LINALG", "baseline"),)
    assert resolve_day(pack, 29, later).day_type == "buffer"  # the buffer day carries it


def test_dl_boot_replaces_a_genai_day_when_no_light_day_is_left(pack: ContentPack) -> None:
    placed = place_pods(pack, pack.pods, finished={1})
    assert [(a.day, a.kind, a.ref) for a in placed] == [
        (10, "pod", "pod:LINALG"),
        (29, "pod", "pod:MATH-P"),
        (14, "pod", "pod:DL-BOOT"),  # Image Generative Models, a Gen-AI day (4 is a quiz day)
        (29, "moved_topic", "unit:11"),
    ]
    day = resolve_day(pack, 14, placed)
    assert day.day_type == "pod" and day.unit is None and day.title == pack.pod("DL-BOOT").title
    late = place_pods(pack, pack.pods, finished=set(range(1, 16)))
    assert [(a.day, a.ref) for a in late] == [
        (29, "pod:LINALG"),
        (29, "pod:MATH-P"),  # shares the last open light day
        (17, "pod:DL-BOOT"),
        (29, "unit:14"),
    ]
    assert place_pods(pack, pack.pods, finished=set(range(1, 30))) == ()
