"""Question selection: the daily drill, the quiz, mocks, reviews and remedial days."""

from __future__ import annotations

from drills.content_model import ContentPack
from drills.plan import Adjustment, resolve_day
from drills.selection import PlanItem, daily_drill, fresh_first, items_for_day, mock, quiz


def ids(items: list[PlanItem]) -> list[str]:
    return [i.question_id for i in items]


def test_daily_drill_prefers_unanswered_then_lowest_scored(pack: ContentPack) -> None:
    unit = pack.unit(3)
    assert ids(daily_drill(unit, {}, 3)) == ["u03-t1", "u03-d1", "u03-e1"]
    theory = [q.id for q in unit.of_kind("theory")]
    history = dict.fromkeys(theory, 0.9) | {"u03-e1": 0.5}
    history[theory[2]] = 0.2
    history[theory[4]] = 0.4
    assert ids(daily_drill(unit, history, 3)) == [theory[2], "u03-d1", "u03-e2"]
    history = {q: 0.9 for q in theory[1:]}
    assert ids(daily_drill(unit, history, 3))[0] == theory[0]


def test_quiz_day_is_drill_then_five_quiz_questions(pack: ContentPack) -> None:
    items = items_for_day(pack, resolve_day(pack, 11), {})
    assert [i.part for i in items] == ["drill"] * 3 + ["quiz"] * 5
    assert {pack.item(i.question_id).unit for i in items[3:]} == {7, 8, 9}
    assert not set(ids(items[:3])) & set(ids(items[3:]))
    assert all(pack.item(i).kind == "theory" for i in ids(items[3:]))
    assert len(quiz(pack, 4, {}, [])) == 5


def test_mock_interviews(pack: ContentPack) -> None:
    weak = {q.id: 0.1 for q in pack.unit(7).questions} | {q.id: 0.9 for q in pack.unit(1).questions}
    first = mock(pack, 28, weak)
    kinds = [pack.item(i).kind for i in ids(first)]
    assert kinds == ["theory", "theory", "theory", "design", "behavioural"]
    areas = [pack.item(i).area for i in ids(first)[:3]]
    assert len(set(areas)) == 3 and "linear_algebra" not in areas
    second = mock(pack, 30, weak)
    assert [pack.item(i).origin for i in ids(second)[-2:]] == ["system_design", "behavioural"]
    answered = {i: 0.8 for i in ids(first)}
    assert not set(ids(mock(pack, 30, weak | answered))) & set(ids(first))  # fresh questions


def test_light_and_power_review_go_weakest_first(pack: ContentPack) -> None:
    history = {q.id: 0.9 for u in pack.units for q in u.questions}
    history["u06-t3"] = 0.1
    history["u02-t1"] = 0.3
    light = items_for_day(pack, resolve_day(pack, 10), history)
    assert ids(light)[:2] == ["u06-t3", "u02-t1"] and len(light) == 3
    assert all(pack.item(i).unit is not None and pack.item(i).unit <= 8 for i in ids(light))
    history["u05-t1"] = 0.5  # unit 5 third weakest; the rest tie
    power = items_for_day(pack, resolve_day(pack, 31), history)
    # Two 60-second explanations on the weakest units that have one (unit 6 has none), then reviews.
    assert [i.part for i in power] == ["explain", "explain", "review", "review", "review"]
    assert ids(power)[:2] == ["pr-regularisation", "pr-kmeans"]
    assert [pack.item(i).unit for i in ids(power)[:2]] == [2, 5]
    assert ids(power)[2:] == ["u06-t3", "u02-t1", "u05-t1"]


def test_remedial_and_buffer_days(pack: ContentPack) -> None:
    adjustments = [
        Adjustment(12, "remedial_focus", "unit:7", "quiz:11"),
        Adjustment(29, "moved_topic", "unit:9", "quiz:11"),
        Adjustment(29, "remedial_focus", "area:probability", "mock:28"),
        Adjustment(29, "remedial_focus", "area:behavioural", "mock:28"),
        Adjustment(29, "pod", "pod:LINALG", "baseline"),
    ]
    remedial = items_for_day(pack, resolve_day(pack, 12, adjustments), {})
    assert {pack.item(i).unit for i in ids(remedial)} == {7} and len(remedial) == 2
    assert {i.part for i in remedial} == {"remedial"}
    buffer = items_for_day(pack, resolve_day(pack, 29, adjustments), {})
    parts = [i.part for i in buffer]
    assert parts.count("pod") == len(pack.pod("LINALG").questions)
    assert [pack.item(i.question_id).unit for i in buffer if i.part == "moved"] == [9, 9, 9]
    focus = [pack.item(i.question_id) for i in buffer if i.part == "remedial"]
    assert [q.area or q.origin for q in focus] == [
        "probability",
        "probability",
        "behavioural",
        "behavioural",
    ]
    assert fresh_first(pack.behavioural, {})[0].id == "bh-1"
    dl_boot = [Adjustment(14, "pod", "pod:DL-BOOT", "baseline")]
    assert {i.part for i in items_for_day(pack, resolve_day(pack, 14, dl_boot), {})} == {"pod"}
