"""The study service end to end on SQLite: drills, quizzes, baseline, double-up, progress."""

from __future__ import annotations

import queue
from datetime import date

import pytest
from conftest import WRONG, Clock, good_answer, run_session

from drills.content_model import ContentPack
from drills.exceptions import BadRequest, Conflict, NotFound
from drills.grading import KeyPointGrader
from drills.grading.protocol import Gradable
from drills.service import StudyService
from drills.store import DayProgress, make_engine, make_session_factory, upgrade_database


def finish_days(db_url: str, learner_id: str, days: range) -> None:
    """Mark plan days finished directly in the store (a shortcut past earlier days)."""
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as db:
        for day in days:
            db.add(DayProgress(learner_id=learner_id, day=day, status="finished", score=0.9))
    engine.dispose()


@pytest.fixture
def ada(service: StudyService) -> str:
    view, created = service.create_learner("Ada Lovelace", date(2026, 8, 6))
    assert created
    return view.learner_id


def test_learners_are_idempotent_on_name(service: StudyService) -> None:
    first, created = service.create_learner("Ada Lovelace")
    assert (first.learner_id, created) == ("ada-lovelace", True)
    again, created = service.create_learner("  ada   LOVELACE ")
    assert (again.learner_id, created) == ("ada-lovelace", False)
    other, _ = service.create_learner("Ada-Lovelace")
    assert other.learner_id == "ada-lovelace-2"
    with pytest.raises(BadRequest):
        service.create_learner("   ")
    with pytest.raises(NotFound):
        service.plan_status("nobody")


def test_a_drill_finishes_the_day(service: StudyService, pack: ContentPack, ada: str) -> None:
    started = service.start_session(ada, "drill")
    assert started.total == 3 and started.intro.startswith("Day 1: Baseline and Linear Algebra.")
    turns = run_session(service, ada, lambda qid: good_answer(pack, qid))
    assert [t.question.kind for t in turns[:-1] if t.question] == ["theory", "design", "eli5"]
    assert turns[-1].done and "100 percent" in (turns[-1].summary or "")
    status = service.plan_status(ada)
    assert (status.day, status.day_type, status.unit) == (2, "topic", 2)
    assert "finished one day of 31" in service.progress(ada)
    with pytest.raises(Conflict):
        service.next_question(ada)  # the session is over


def test_today_follows_progress_not_the_calendar(service: StudyService, ada: str, clock: Clock) -> None:
    clock.today = date(2026, 9, 3)
    status = service.plan_status(ada)
    assert status.day == 1  # a month later, the learner is still on day 1
    assert status.fits and status.fit_message is None


def test_fit_check_offers_to_double_up(service: StudyService, pack: ContentPack, clock: Clock) -> None:
    view, _ = service.create_learner("Grace", date(2026, 8, 6), date(2026, 8, 26))
    status = service.plan_status(view.learner_id)
    assert not status.fits
    assert status.fit_message == "You have 20 days left and 31 plan days; shall we double up?"
    assert status.fit_message in status.summary
    status = service.set_double_up(view.learner_id, True)
    assert status.fits and status.days == (1, 2)
    assert service.start_session(view.learner_id, "drill").total == 6
    run_session(service, view.learner_id, lambda qid: good_answer(pack, qid))
    assert service.plan_status(view.learner_id).day == 3


def test_open_attempts_are_closed_by_next(service: StudyService, pack: ContentPack, ada: str) -> None:
    service.start_session(ada, "drill")
    first = service.next_question(ada)
    assert service.current(ada).attempt_id == first.attempt_id
    second = service.next_question(ada)  # "next" without answering = skipped
    assert second.position == 2
    with pytest.raises(Conflict, match="skipped"):
        service.submit_answer(first.attempt_id or "", "late answer")
    service.submit_answer(second.attempt_id or "", good_answer(pack, second.question.id))  # type: ignore[union-attr]
    assert service.current(ada).attempt_id is None  # answered: nothing open
    third = service.next_question(ada)
    assert third.question and third.question.kind == "eli5"
    service.stop(ada)
    assert service.plan_status(ada).day == 1  # stopped early: the day is not finished
    assert service.current(ada).attempt_id is None


def test_failed_quiz_makes_tomorrow_remedial(service: StudyService, pack: ContentPack, ada: str, db_url: str) -> None:
    finish_days(db_url, ada, range(1, 4))
    service.start_session(ada, "drill")
    turns = run_session(service, ada, lambda qid: WRONG if qid.startswith("u01") else good_answer(pack, qid))
    summary = turns[-1].summary or ""
    assert "Quiz score" in summary and "remedial focus on Baseline and Linear Algebra" in summary
    status = service.plan_status(ada)
    assert (status.day, status.day_type) == (5, "remedial")
    assert [(r.kind, r.ref) for r in status.remedial] == [("remedial_focus", "unit:1")]
    assert status.summary == "Day 5 of 31 is a remedial focus on Baseline and Linear Algebra."
    service.start_session(ada, "drill")
    remedial = run_session(service, ada, lambda qid: good_answer(pack, qid))
    assert {pack.item(t.question.id).unit for t in remedial if t.question} == {1}
    finish_days(db_url, ada, range(6, 29))
    buffer = service.plan_status(ada)
    assert buffer.day == 29 and ("moved_topic", "unit:5") in [(r.kind, r.ref) for r in buffer.remedial]


def test_passed_quiz_moves_on(service: StudyService, pack: ContentPack, ada: str, db_url: str) -> None:
    finish_days(db_url, ada, range(1, 4))
    service.start_session(ada, "drill")
    turns = run_session(service, ada, lambda qid: good_answer(pack, qid))
    assert "That's a pass" in (turns[-1].summary or "")
    assert service.plan_status(ada).day_type == "topic"


def test_double_up_replans_after_a_failed_quiz(service: StudyService, pack: ContentPack, ada: str, db_url: str) -> None:
    finish_days(db_url, ada, range(1, 4))
    service.set_double_up(ada, True)
    assert service.start_session(ada, "drill").total == 8 + 3
    weak = ("u01", "u02")
    turns = run_session(service, ada, lambda qid: WRONG if qid.startswith(weak) else good_answer(pack, qid))
    day5 = [t.question for t in turns if t.question and t.question.day == 5]
    assert {q.part for q in day5} == {"remedial"} and {q.unit for q in day5} == {1, 2}
    assert service.plan_status(ada).day == 6


def test_baseline_scores_areas_and_inserts_pods(service: StudyService, pack: ContentPack, ada: str) -> None:
    assert not service.plan_status(ada).baseline_done
    started = service.start_session(ada, "baseline")
    assert started.total == 30
    weak = {"linear_algebra", "deep_learning"}

    def answer(qid: str) -> str | None:
        return None if pack.item(qid).area in weak else good_answer(pack, qid)

    turns = run_session(service, ada, answer)
    summary = turns[-1].summary or ""
    assert "linear algebra 0 of 5" in summary and "probability 5 of 5" in summary
    assert "linear algebra remedial pod on day 10" in summary
    status = service.plan_status(ada)
    assert status.baseline_done and status.day == 1  # the baseline is not a plan day
    assert "weakest baseline area was deep learning, 0 of 5" in service.progress(ada)
    service.start_session(ada, "baseline")  # a retake replaces the gap matrix and the pods
    run_session(service, ada, lambda qid: good_answer(pack, qid))
    assert "weakest baseline area" in service.progress(ada)


def test_eli5_mode_and_flashcards(service: StudyService, ada: str) -> None:
    started = service.start_session(ada, "eli5")
    assert started.total == 2 and "Keep it simple" in started.intro
    assert service.next_question(ada).question.kind == "eli5"  # type: ignore[union-attr]
    cards = service.start_session(ada, "flashcards")  # day 1: unit 1's cards are unlocked
    assert cards.mode == "flashcards" and cards.total == len(service.pack.units[0].flashcards)
    with pytest.raises(Conflict):  # the ELI5 run was ended by the card review
        service.next_question(ada)
    with pytest.raises(BadRequest):
        service.start_session(ada, "karaoke")


def test_plan_done_refuses_a_drill(service: StudyService, ada: str, db_url: str) -> None:
    finish_days(db_url, ada, range(1, 32))
    status = service.plan_status(ada)
    assert (status.day, status.day_type) == (32, "done")
    with pytest.raises(Conflict):
        service.start_session(ada, "drill")


def test_mock_one_red_zones_fill_the_buffer_day(
    service: StudyService, pack: ContentPack, ada: str, db_url: str
) -> None:
    finish_days(db_url, ada, range(1, 28))
    assert service.plan_status(ada).day_type == "mock"
    service.start_session(ada, "drill")

    def answer(qid: str) -> str:
        return WRONG if pack.item(qid).origin == "behavioural" else good_answer(pack, qid)

    turns = run_session(service, ada, answer)
    assert "Red zones: behavioural." in (turns[-1].summary or "")
    status = service.plan_status(ada)
    assert (status.day, status.day_type) == (29, "buffer")
    assert [(r.kind, r.ref) for r in status.remedial] == [("remedial_focus", "area:behavioural")]
    service.start_session(ada, "drill")
    buffer = run_session(service, ada, lambda qid: good_answer(pack, qid))
    assert [t.question.part for t in buffer if t.question] == ["remedial", "remedial"]
    assert {pack.item(t.question.id).origin for t in buffer if t.question} == {"behavioural"}
    assert service.plan_status(ada).day_type == "mock"  # day 30, mock 2


def test_partials_and_audio_are_kept(service: StudyService, pack: ContentPack, ada: str, db_url: str) -> None:
    from drills.store import Attempt

    service.start_session(ada, "drill")
    turn = service.next_question(ada)
    attempt_id = turn.attempt_id or ""
    service.save_partial(attempt_id, "an eigenvector is", 1.5)
    service.save_partial(attempt_id, "   ", 2.0)  # nothing said: ignored
    service.attach_audio(attempt_id, "/data/recordings/ada/x.wav")
    service.submit_answer(attempt_id, good_answer(pack, turn.question.id))  # type: ignore[union-attr]
    service.attach_audio(attempt_id, "/data/recordings/ada/y.wav")  # after the answer: still fine
    engine = make_engine(db_url)
    with make_session_factory(engine)() as db:
        row = db.get(Attempt, attempt_id)
        assert row is not None
        assert (row.partial_transcript, row.duration) == ("an eigenvector is", 1.5)
        assert row.audio_path == "/data/recordings/ada/y.wav" and row.status == "answered"
    engine.dispose()
    with pytest.raises(NotFound):
        service.attach_audio("nope", "/x.wav")


class PreparingGrader(KeyPointGrader):
    """Keyword grading, plus a record of the questions the service asked it to prepare."""

    def __init__(self) -> None:
        self.prepared: queue.Queue[str] = queue.Queue()

    def prepare(self, question: Gradable) -> None:
        self.prepared.put(question.id)


def test_the_grader_prepares_each_question_as_it_is_asked(pack: ContentPack, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'viva.db'}"
    upgrade_database(url)
    grader = PreparingGrader()
    study = StudyService(pack, make_session_factory(make_engine(url)), grader)
    try:
        learner = study.create_learner("Ada Lovelace", date(2026, 8, 6))[0].learner_id
        study.start_session(learner, "drill")
        for _ in range(2):
            asked = study.next_question(learner).question
            assert asked is not None and grader.prepared.get(timeout=10) == asked.id
    finally:
        study.close()
