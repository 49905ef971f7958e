"""FSRS scheduling through the review desk: states and due dates match the `fsrs` library's
own scheduler; daily limits; curriculum cards unlock with the plan; cram leaves state alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating as FsrsRating
from fsrs import ReviewLog, Scheduler
from sqlalchemy import select

from drills.cards.importer import import_deck
from drills.cards.options import CardOptions
from drills.cards.scheduler import Rating, make_scheduler, replay, utc
from drills.exceptions import BadRequest, Conflict
from drills.store.models import Card, CardReview, DayProgress, PlanAdjustment, StudySession
from tests.drills.cards.fixtures import ada, anki_dir, card_options, now, study  # noqa: F401 - fixtures


def write_csv(path, rows: int) -> None:
    path.write_text("".join(f"Question {i}?,Answer {i}\n" for i in range(rows)), encoding="utf-8")


def own_cards(study, learner: str) -> dict[int, Card]:
    with study.sessions.begin() as db:
        return {c.id: c for c in db.scalars(select(Card).where(Card.learner_id == learner))}


def review_one(study, learner: str, rating: str) -> int:
    """Start a review, rate its first card, stop; returns the card id."""
    study.start_session(learner, "flashcards")
    turn = study.cards.next_card(learner)
    study.cards.rate(turn.card.id, rating)
    study.stop(learner)
    return turn.card.id


SEQUENCES = [
    ("good", "good", "good"),
    ("again", "good", "hard", "easy"),
    ("easy", "again", "again", "good"),
    ("hard", "hard", "good", "good", "again", "good"),
]


@pytest.mark.parametrize("ratings", SEQUENCES, ids=["-".join(s) for s in SEQUENCES])
def test_states_and_due_dates_match_the_fsrs_library(study, ada, now, tmp_path, ratings) -> None:
    write_csv(tmp_path / "one.csv", 1)
    import_deck(study.sessions, ada, tmp_path / "one.csv")
    library = Scheduler(desired_retention=0.9, enable_fuzzing=False)
    expected = FsrsCard(card_id=1, due=now())
    for rating in ratings:
        study.start_session(ada, "flashcards")
        turn = study.cards.next_card(ada)
        assert turn.card is not None and turn.card.deck == "one"
        result = study.cards.rate(turn.card.id, rating)
        expected, _ = library.review_card(expected, FsrsRating[rating.capitalize()], review_datetime=now())
        card = own_cards(study, ada)[turn.card.id]
        assert card.state == int(expected.state) and card.step == expected.step
        assert card.stability == pytest.approx(expected.stability) and card.difficulty == pytest.approx(
            expected.difficulty
        )
        assert utc(card.due) == expected.due and result.due == expected.due.isoformat()
        study.stop(ada)
        now.value = expected.due + timedelta(minutes=1)


def test_replayed_history_matches_reschedule_card(now) -> None:
    options = CardOptions(fuzz=False)
    times = [now() + timedelta(days=d) for d in (0, 0.01, 1, 4, 12)]
    ratings = [Rating.GOOD, Rating.GOOD, Rating.AGAIN, Rating.GOOD, Rating.EASY]
    ours = replay(make_scheduler(options), list(zip(times, ratings, strict=True)), card_id=7)
    logs = [ReviewLog(7, FsrsRating(int(r)), t, None) for t, r in zip(times, ratings, strict=True)]
    theirs = make_scheduler(options).reschedule_card(FsrsCard(card_id=7, due=times[0]), logs)
    assert (ours.state, ours.step, ours.due) == (int(theirs.state), theirs.step, theirs.due)
    assert ours.stability == pytest.approx(theirs.stability) and ours.lapses == 1 and ours.reps == 5


def test_desired_retention_changes_intervals(study, ada, now, tmp_path, pack, db_url) -> None:
    from drills.grading import KeyPointGrader
    from drills.service import StudyService
    from drills.store import make_engine, make_session_factory

    def interval(retention: float) -> float:
        options = CardOptions(desired_retention=retention, fuzz=False)
        service = StudyService(
            pack, make_session_factory(make_engine(db_url)), KeyPointGrader(), card_options=options, now=now
        )
        learner = service.create_learner(f"R {retention}")[0].learner_id
        path = tmp_path / f"r{retention}.csv"
        write_csv(path, 1)
        import_deck(service.sessions, learner, path)
        card_id = review_one(service, learner, "easy")
        due = own_cards(service, learner)[card_id].due
        service.close()
        return (utc(due) - now()).total_seconds()

    assert interval(0.8) > interval(0.9) > interval(0.97)
    with pytest.raises(ValueError, match="desired_retention"):
        CardOptions(desired_retention=1.2)


def test_daily_limits_for_new_cards_and_reviews(pack, db_url, now, tmp_path) -> None:
    from drills.grading import KeyPointGrader
    from drills.service import StudyService
    from drills.store import make_engine, make_session_factory, upgrade_database

    upgrade_database(db_url)
    options = CardOptions(new_per_day=3, reviews_per_day=2, fuzz=False)
    study = StudyService(
        pack, make_session_factory(make_engine(db_url)), KeyPointGrader(), card_options=options, now=now
    )
    learner = study.create_learner("Lim")[0].learner_id
    write_csv(tmp_path / "many.csv", 10)
    import_deck(study.sessions, learner, tmp_path / "many.csv")
    # Day 1 of the plan unlocks unit 1's curriculum cards too: new cards are limited all together.
    assert study.start_session(learner, "flashcards").total == 3
    for _ in range(3):
        turn = study.cards.next_card(learner)
        study.cards.rate(turn.card.id, "easy")  # easy on a new card: straight to review, days away
    assert study.cards.next_card(learner).done
    with pytest.raises(Conflict, match="No cards are due"):
        study.start_session(learner, "flashcards")  # today's three new cards are done
    now.advance(days=60)
    started = study.start_session(learner, "flashcards")
    assert started.total == 2 + 3  # two reviews (limit) then three new cards
    study.close()


def test_requeue_brings_a_forgotten_card_back(study, ada, tmp_path) -> None:
    write_csv(tmp_path / "two.csv", 1)
    import_deck(study.sessions, ada, tmp_path / "two.csv")
    started = study.start_session(ada, "flashcards")
    first = study.cards.next_card(ada)
    study.cards.rate(first.card.id, "again")  # due in a minute: comes back at the end
    status = study.cards.status(ada)
    assert status.total == started.total + 1 and status.again == 1
    ids = []
    while not (turn := study.cards.next_card(ada)).done:
        ids.append(turn.card.id)
        study.cards.rate(turn.card.id, "easy")
    assert ids[-1] == first.card.id
    assert "one again" in turn.summary


def test_cram_leaves_fsrs_state_alone(study, ada, tmp_path, now) -> None:
    write_csv(tmp_path / "c.csv", 3)
    import_deck(study.sessions, ada, tmp_path / "c.csv")
    reviewed = review_one(study, ada, "good")
    before = {i: (c.state, c.stability, c.difficulty, c.due, c.reps) for i, c in own_cards(study, ada).items()}
    started = study.start_session(ada, "cram")
    assert "does not change your schedule" in started.intro
    turn = study.cards.next_card(ada)
    assert turn.card.cram and turn.mode == "cram"
    assert turn.card.id == reviewed  # reviewed cards first, then the new ones
    result = study.cards.rate(turn.card.id, "again")
    assert result.due is None and result.text == "Again."
    while not (turn := study.cards.next_card(ada)).done:
        study.cards.rate(turn.card.id, "good")
    after = {i: (c.state, c.stability, c.difficulty, c.due, c.reps) for i, c in own_cards(study, ada).items()}
    assert after == before
    with study.sessions.begin() as db:
        kinds = [r.kind for r in db.scalars(select(CardReview).where(CardReview.learner_id == ada))]
    assert kinds.count("review") == 1 and kinds.count("cram") >= 3


def test_curriculum_cards_unlock_with_the_plan(study, ada, pack, db_url) -> None:
    def decks() -> dict[str, int]:
        return {d.name: d.cards for d in study.cards.decks(ada)}

    unit1, unit2 = pack.units[0], pack.units[1]
    assert decks() == {f"Viva::01 {unit1.title}": len(unit1.flashcards)}  # day 1: unit 1 only
    with study.sessions.begin() as db:
        db.add(DayProgress(learner_id=ada, day=1, status="finished"))
        db.add(PlanAdjustment(learner_id=ada, day=3, kind="pod", ref="pod:LINALG", source="baseline"))
    unlocked = decks()
    assert unlocked[f"Viva::02 {unit2.title}"] == len(unit2.flashcards)
    linalg = pack.pod("LINALG")
    assert unlocked[f"Viva::Pod {linalg.title}"] == len(linalg.flashcards)
    assert not any(name.startswith("Viva::03") for name in unlocked)


def test_curriculum_cards_use_their_spoken_forms(study, ada, pack) -> None:
    study.start_session(ada, "flashcards")
    turn = study.cards.next_card(ada)
    card = next(c for c in pack.units[0].flashcards if c.front == turn.card.front)
    assert turn.card.spoken_front == (card.spoken_front or turn.card.spoken_front)
    ahead = study.cards.back_text(turn.card.id)  # what the voice bot synthesises beside the Rasa turn
    assert study.cards.current(ada).card.id == turn.card.id  # reading it ahead changed nothing
    back = study.cards.reveal(turn.card.id)
    assert "$" not in back.back and "\\" not in back.back and back.text.endswith("Say again, hard, good or easy.")
    assert ahead == back.text


def test_the_drill_outro_offers_due_cards(study, ada, pack) -> None:
    study.start_session(ada, "drill")
    while not (turn := study.next_question(ada)).done:
        study.submit_answer(turn.attempt_id, pack.item(turn.question.id).answer_text)
    due = len(pack.units[0].flashcards) + len(pack.units[1].flashcards)  # day 2 is unlocked now
    assert f"You have {min(due, 20)} cards due; say 'review cards'" in turn.summary


def test_rating_rules(study, ada, tmp_path) -> None:
    write_csv(tmp_path / "r.csv", 2)
    import_deck(study.sessions, ada, tmp_path / "r.csv")
    study.start_session(ada, "flashcards")
    turn = study.cards.next_card(ada)
    with pytest.raises(BadRequest):
        study.cards.rate(turn.card.id, "brilliant")
    with pytest.raises(BadRequest):
        study.cards.answer(turn.card.id, "   ")
    study.cards.rate(turn.card.id, 3)
    with pytest.raises(Conflict, match="That card is done"):
        study.cards.rate(turn.card.id, "good")
    other = study.cards.next_card(ada)
    with pytest.raises(Conflict, match="isn't the card we're on"):
        study.cards.rate(turn.card.id, "good")
    summary = study.stop(ada)
    assert summary.startswith("Stopped: one card reviewed")
    with study.sessions.begin() as db:
        session = db.scalars(select(StudySession).where(StudySession.learner_id == ada)).one()
        assert session.status == "stopped" and session.plan[1]["card_id"] == other.card.id


def test_power_review_day_offers_the_card_blitz(study, ada, pack) -> None:
    with study.sessions.begin() as db:
        for day in range(1, 31):
            db.add(DayProgress(learner_id=ada, day=day, status="finished"))
    assert study.plan_status(ada).day_type == "power_review"
    study.start_session(ada, "drill")
    while not (turn := study.next_question(ada)).done:
        study.skip(turn.attempt_id)
    assert "Today is the power review: say 'card blitz'" in turn.summary
    started = study.start_session(ada, "cram")
    every_unit = sum(len(u.flashcards) for u in pack.units)
    assert started.total == min(every_unit, CardOptions().cram_size)  # every unit is unlocked by now


def test_closeness_is_said_only_when_the_grader_can_judge_the_back(study, ada, monkeypatch) -> None:
    from drills.grading import GradeResult

    class Grader:  # isolates the closeness wording; the real semantic grader is tested on cards elsewhere
        def grade(self, question, text: str) -> GradeResult:
            (point,) = question.key_points
            assert point.match == () and point.text  # the card's spoken back, one key point
            return GradeResult(0.8 if "normal equation" in text else 0.1, (), (), method="semantic")

    study.start_session(ada, "flashcards")
    turn = study.cards.next_card(ada)
    # The keyword grader cannot judge a point without match entries: nothing is said.
    assert study.cards.answer(turn.card.id, "the normal equation").score is None
    monkeypatch.setattr(study.cards, "grader", Grader())
    close = study.cards.answer(turn.card.id, "the normal equation")
    assert (close.score, close.suggested) == (0.8, "good")
    assert "You were 80 percent there; I'd say good." in close.text
    assert study.cards.answer(turn.card.id, "no idea at all").suggested == "again"


def test_image_only_cards_are_skipped_with_a_spoken_note(study, ada, tmp_path) -> None:
    from tests.drills.cards.decks import genanki_deck

    import_deck(study.sessions, ada, genanki_deck(tmp_path / "ml.apkg").path)
    study.start_session(ada, "flashcards")
    fronts, leads = [], []
    while not (turn := study.cards.next_card(ada)).done:
        fronts.append(turn.card.front)
        leads.append(turn.lead)
        study.cards.rate(turn.card.id, "easy")
    assert "Sketch the network" not in fronts
    assert leads[1] == "I skipped a card I can't read aloud, like an image; it stays for screen review."
    with study.sessions.begin() as db:
        image = db.scalars(select(Card).where(Card.guid == "g-image")).one()
        assert image.state == 0  # untouched: kept for screen review
