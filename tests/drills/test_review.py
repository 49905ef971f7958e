"""Rubric review on the real store: sessions and answers as the review page reads them, a
person's rubric, exports, deleting with the audio, retention, share links, and progress with
the mock interview's scorecard feeding the buffer day."""

from __future__ import annotations

import csv
import io
import wave
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from conftest import WRONG, good_answer, run_session

from drills.content_model import ContentPack
from drills.exceptions import BadRequest, Conflict, NotFound
from drills.grading import KeyPointGrader
from drills.grading.calibration import COLUMNS
from drills.grading.tsv import label_rows, read_table
from drills.keys import SecretError, signing_key
from drills.results import TranscriptInput
from drills.review import Filters, Progress, Removal, ReviewDesk, ReviewOptions, ShareGrant, ShareLinks
from drills.review import export as exports
from drills.review.transcript import tokens
from drills.service import StudyService
from drills.store import Attempt, DayProgress, PointReview, ReviewComment, make_engine, make_session_factory
from drills.store.models import utcnow

KEY = b"k" * 32


@pytest.fixture
def ada(service: StudyService) -> str:
    return service.create_learner("Ada Lovelace", date(2026, 8, 6))[0].learner_id


@pytest.fixture
def desk(service: StudyService, tmp_path: Path) -> ReviewDesk:
    return ReviewDesk(service.pack, service.sessions, tmp_path / "recordings", ReviewOptions(retention_days=30))


def write_wav(path: Path, seconds: float) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tone = (0.2 * np.sin(np.arange(int(16000 * seconds)) / 16000 * 2 * np.pi * 220) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(tone.tobytes())
    return path


def spoken_answer(service: StudyService, desk: ReviewDesk, learner: str, text: str | None = None) -> str:
    """Ask the next question and answer it aloud: audio in the recordings folder, words with
    timings, the candidate stored and graded, then confirmed — the path a voice turn takes."""
    turn = service.next_question(learner)
    assert turn.attempt_id and turn.question
    text = text or good_answer(service.pack, turn.question.id)
    words = [{"word": f" {w}", "start": 0.5 + 0.3 * i, "end": 0.75 + 0.3 * i} for i, w in enumerate(text.split())]
    duration = 1.0 + 0.3 * len(words)
    path = write_wav(desk.recordings_dir / learner / f"{turn.attempt_id}.wav", duration)
    service.attach_audio(turn.attempt_id, str(path))
    service.record_transcript(turn.attempt_id, TranscriptInput(text, True, str(path), duration, 0.9, words))
    service.submit_answer(turn.attempt_id, text)
    return turn.attempt_id


def finish_days(db_url: str, learner_id: str, days: range) -> None:
    engine = make_engine(db_url)
    with make_session_factory(engine).begin() as db:
        for day in days:
            db.add(DayProgress(learner_id=learner_id, day=day, status="finished", score=0.9))
    engine.dispose()


def test_sessions_list_answers_with_scores_and_filters(service: StudyService, desk: ReviewDesk, ada: str) -> None:
    service.start_session(ada, "drill")
    good = spoken_answer(service, desk, ada)
    wrong = spoken_answer(service, desk, ada, WRONG)
    service.stop(ada)
    (session,) = desk.sessions(ada)
    assert [a.id for a in session.answers] == [good, wrong]
    assert session.answers[0].auto_score == 5 and session.answers[1].auto_score == 0
    assert session.auto_mean == 2.5 and session.mentor_mean is None and session.units == (1,)
    assert session.days == (1,) and session.answers[0].has_audio
    assert [a.kind for a in session.answers] == ["theory", "design"]  # the day's drill order
    assert [a.id for a in desk.sessions(ada, Filters(min_score=4))[0].answers] == [good]
    assert [a.id for a in desk.sessions(ada, Filters(max_score=0))[0].answers] == [wrong]
    assert [a.id for a in desk.sessions(ada, Filters(unit=1, kind="design"))[0].answers] == [wrong]
    assert desk.sessions(ada, Filters(unit=2)) == [] and desk.sessions(ada, Filters(kind="eli5")) == []
    assert desk.session(session.id).answers == session.answers


def test_an_answer_in_full(service: StudyService, desk: ReviewDesk, ada: str) -> None:
    service.start_session(ada, "drill")
    answer_id = spoken_answer(service, desk, ada)
    detail = desk.answer(answer_id)
    item = service.pack.item(detail.question["id"])
    assert detail.text == item.answer_text and detail.question["model_answer"] == item.answer_text
    assert detail.has_audio and detail.grading["content_score"] == 5
    assert [p.label for p in detail.review.points] == ["hit"] * len(item.key_points)
    timed = [t for t in detail.tokens if t["s"] is not None]
    assert len(timed) == len(item.answer_text.split()) and timed[1]["s"] > timed[0]["s"]
    first = detail.tokens[0]
    assert detail.text[first["c0"] : first["c1"]] == first["t"]
    with pytest.raises(NotFound):
        desk.answer("0" * 32)


def test_words_line_up_with_the_graded_text() -> None:
    words = [{"word": " Bagging", "start": 0.1, "end": 0.4}, {"word": " um", "start": 0.5, "end": 0.6},
             {"word": " reduces,", "start": 0.7, "end": 1.0}, {"word": "variance.", "start": 1.1, "end": 1.5},
             {"word": "??", "start": 2.0, "end": 1.0}, {"bad": 1}]  # fmt: skip
    got = tokens("I said: bagging reduces variance. Then more.", words)
    assert [(t.text, t.start) for t in got] == [
        ("I", None), ("said:", None), ("bagging", 0.1), ("reduces", 0.7), ("variance.", 1.1), ("Then", None),
        ("more.", None),
    ]  # fmt: skip
    assert tokens("typed answer", None)[1].char_start == 6
    # A resumed answer: the words said before the reconnect are carried as text, untimed; the
    # last final's timings still find their words further on.
    carried = "so the first thing is that bagging trains many models on bootstrap samples and"
    resumed = [{"word": w, "start": 0.5 * i, "end": 0.5 * i + 0.4} for i, w in enumerate(["it", "reduces", "variance"])]
    got = tokens(f"{carried} it reduces variance", resumed)
    assert [t.start for t in got[-3:]] == [0.0, 0.5, 1.0] and all(t.start is None for t in got[:-3])


def test_a_person_judges_points_competencies_and_comments(service: StudyService, desk: ReviewDesk, ada: str) -> None:
    service.start_session(ada, "drill")
    answer_id = spoken_answer(service, desk, ada)
    points = len(desk.answer(answer_id).review.points)
    view = desk.judge_points(answer_id, {0: "wrong", 1: "hit"}, "mentor:abc")
    assert [(p.label, p.mentor_label) for p in view.points[:2]] == [("hit", "wrong"), ("hit", "hit")]
    assert view.auto_score == 5 and view.mentor_score == 3  # a wrong point caps the score at 3
    assert view.points[0].reviewer == "mentor:abc"  # no such link: the raw name
    for bad in ({points: "hit"}, {0: "great"}, {}):
        with pytest.raises(BadRequest):
            desk.judge_points(answer_id, bad, "learner")
    assert desk.answer(answer_id).review.points[0].mentor_label == "wrong"  # unchanged by the refusals
    view = desk.judge_points(answer_id, {0: None}, "learner")  # withdrawn: the grader's label stands
    assert view.points[0].mentor_label is None and view.mentor_score == 5
    view = desk.score_competencies(answer_id, {"clarity": 4, "depth": 2}, "learner")
    assert view.competencies == {"depth": 2, "clarity": 4} and view.competency_mean == 3.0
    for bad in ({"charm": 3}, {"depth": 5}, {"depth": 0}, {"depth": True}, {"depth": "3"}):
        with pytest.raises(BadRequest):
            desk.score_competencies(answer_id, bad, "learner")
    desk.comment(answer_id, 2.5, "Slow down here.", "mentor:abc")
    view = desk.comment(answer_id, None, "Good overall.", "learner")
    view = desk.comment(answer_id, 0.75, "Strong opening.", "learner")
    assert [(c.at, c.text) for c in view.comments] == [(0.75, "Strong opening."), (2.5, "Slow down here."),
                                                       (None, "Good overall.")]  # fmt: skip
    for at, text in ((-1, "x"), (1.0, " "), ("soon", "x"), (1.0, "x" * 2001)):
        with pytest.raises(BadRequest):
            desk.comment(answer_id, at, text, "learner")
    mentors = next(c for c in view.comments if c.author == "mentor:abc")
    learners = next(c for c in view.comments if c.author == "learner")
    with pytest.raises(NotFound):
        desk.delete_comment(answer_id, learners.id, "mentor:abc")  # a mentor removes only their own
    view = desk.delete_comment(answer_id, mentors.id, "mentor:abc")
    view = desk.delete_comment(answer_id, learners.id, None)  # the learner removes any
    assert [c.text for c in view.comments] == ["Good overall."]


def test_disagreements_export_in_the_calibration_format(service: StudyService, desk: ReviewDesk, ada: str) -> None:
    service.start_session(ada, "drill")
    answer_id = spoken_answer(service, desk, ada)
    desk.judge_points(answer_id, {0: "partial", 1: "hit"}, "learner")
    header, rows = read_table(exports.disagreements_tsv(desk, ada))
    assert header[: len(COLUMNS)] == list(COLUMNS) and "predicted" in header
    (row,) = rows  # the agreement is not a disagreement
    detail = desk.answer(answer_id)
    assert (row["answer_id"], row["label"], row["predicted"]) == (answer_id, "partial", "hit")
    assert row["key_point"] == detail.review.points[0].point and row["question"] == detail.question["id"]
    assert row["answer_text"] == " ".join(detail.text.split()) and row["split"] in ("train", "heldout")
    assert label_rows(rows, KeyPointGrader(), service.pack) == ["hit"]  # `viva grade` reads it as it is
    _, everything = read_table(exports.disagreements_tsv(desk, ada, everything=True))
    assert [r["label"] for r in everything] == ["partial", "hit"]


def test_session_exports(service: StudyService, desk: ReviewDesk, ada: str) -> None:
    session = service.start_session(ada, "drill").session_id
    answer_id = spoken_answer(service, desk, ada)
    spoken_answer(service, desk, ada, "=HYPERLINK('x') I am not sure.")
    service.stop(ada)
    desk.judge_points(answer_id, {0: "wrong"}, "learner")
    desk.score_competencies(answer_id, {"structure": 3}, "learner")
    desk.comment(answer_id, 61.5, "Here | the key idea.", "learner")
    detail = desk.answer(answer_id)
    markdown = exports.session_markdown(desk, session)
    assert markdown.startswith("# Viva session") and detail.question["prompt"] in markdown
    assert f"| {detail.review.points[0].point} | hit | wrong |" in markdown
    assert "[1:01] learner: Here | the key idea." in markdown and "structure 3/4" in markdown
    assert "**Model answer:**" in markdown and "automatic 5/5, mentor 3/5" in markdown
    rows = list(csv.DictReader(io.StringIO(exports.session_csv(desk, session))))
    assert [r["answer_id"] for r in rows][0] == answer_id and len(rows) == 2
    assert (rows[0]["auto_score_0_5"], rows[0]["mentor_score_0_5"], rows[0]["wrongs"], rows[0]["structure"]) == (
        "5", "3", "1", "3",
    )  # fmt: skip
    assert rows[1]["answer_text"].startswith("'=HYPERLINK")  # not a formula in a spreadsheet


def test_delete_an_answer_or_a_session_with_its_audio(
    service: StudyService, desk: ReviewDesk, ada: str, db_url: str
) -> None:
    removal = Removal(desk)
    session = service.start_session(ada, "drill").session_id
    first = spoken_answer(service, desk, ada)
    second = spoken_answer(service, desk, ada)
    desk.judge_points(first, {0: "miss"}, "learner")
    desk.comment(first, 1.0, "note", "learner")
    with pytest.raises(Conflict):
        removal.delete_answer(first)  # the session is still running
    service.stop(ada)
    audio = desk.recording(first)[0]
    assert audio is not None and audio.is_file()
    storage = removal.storage(ada)
    assert (storage.answers, storage.recordings, storage.retention_days) == (2, 2, 30)
    size = audio.stat().st_size
    assert storage.bytes == size + desk.recording(second)[0].stat().st_size  # type: ignore[union-attr]
    assert removal.delete_answer(first).to_json() == {"answers": 1, "sessions": 0, "files": 1, "bytes": size}
    assert not audio.exists()
    with desk.transaction() as db:
        assert db.get(Attempt, first) is None
        assert db.query(PointReview).count() == 0 and db.query(ReviewComment).count() == 0
    with pytest.raises(NotFound):
        desk.answer(first)
    second_audio = desk.recording(second)[0]
    removed = removal.delete_session(session)
    assert (removed.answers, removed.sessions, removed.files) == (1, 1, 1)
    assert second_audio is not None and not second_audio.exists()
    assert desk.sessions(ada) == [] and removal.storage(ada).bytes == 0


def test_retention_deletes_old_answers(service: StudyService, desk: ReviewDesk, ada: str) -> None:
    service.start_session(ada, "drill")
    old = spoken_answer(service, desk, ada)
    new = spoken_answer(service, desk, ada)
    service.stop(ada)
    stray = write_wav(desk.recordings_dir / ada / ("f" * 32 + ".wav"), 0.5)
    with desk.transaction() as db:
        db.get(Attempt, old).created_at = utcnow() - timedelta(days=40)
    assert Removal(desk).sweep(days=0).answers == 0  # 0 keeps everything
    later = ReviewDesk(desk.pack, service.sessions, desk.recordings_dir, ReviewOptions(retention_days=30))
    removed = Removal(later).sweep()
    assert removed.answers == 1 and not (desk.recordings_dir / ada / f"{old}.wav").exists()
    assert stray.exists()  # just written: not old enough yet
    assert desk.answer(new).has_audio
    future = ReviewDesk(
        desk.pack, service.sessions, desk.recordings_dir, ReviewOptions(retention_days=30),
        now=lambda: utcnow() + timedelta(days=31),
    )  # fmt: skip
    removed = Removal(future).sweep()
    assert removed.answers == 1 and removed.sessions == 1 and not stray.exists()
    assert desk.sessions(ada) == []


def test_share_links(service: StudyService, ada: str) -> None:
    bob = service.create_learner("Bob")[0].learner_id
    clock = [utcnow()]
    links = ShareLinks(service.sessions, KEY, ReviewOptions(share_days=7, max_share_days=30), now=lambda: clock[0])
    made = links.create(ada, note="  Sam   (mentor) ")
    grant = links.check(made.token)
    assert isinstance(grant, ShareGrant) and (grant.learner_id, grant.link_id) == (ada, made.link.id)
    assert made.link.note == "Sam (mentor)" and made.link.status == "active"
    assert grant.expires_at - clock[0] <= timedelta(days=7)
    payload, signature = made.token.split(".")
    forged = ShareLinks(service.sessions, b"x" * 32).create(bob).token  # signed with another key
    for token, reason in [
        (payload + "." + signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB"), "tampered"),
        (payload.replace(payload[5], "A" if payload[5] != "A" else "B") + "." + signature, "tampered"),
        (forged, "tampered"),
        ("not-a-token", "malformed"),
        ("", "malformed"),
    ]:
        assert links.check(token).reason == reason, token  # type: ignore[union-attr]
    for days in (0, 31, "7", True):
        with pytest.raises(BadRequest):
            links.create(ada, days)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        links.create("nobody")
    other = links.create(bob, days=1)
    with pytest.raises(NotFound):
        links.revoke(other.link.id, ada)  # Ada cannot revoke Bob's link
    assert links.revoke(made.link.id, ada).status == "revoked"
    assert links.check(made.token).reason == "revoked"  # type: ignore[union-attr]
    assert [(v.id, v.status) for v in links.list(ada)] == [(made.link.id, "revoked")]
    clock[0] += timedelta(days=1, seconds=1)
    assert links.check(other.token).reason == "expired"  # type: ignore[union-attr]
    assert {v.id: v.status for v in links.list(bob)}[other.link.id] == "expired"


def test_workers_sharing_a_share_key_accept_each_others_links(service: StudyService, ada: str, tmp_path: Path) -> None:
    """Two workers, one store, each its own data directory (its own secret): a link one makes
    is refused by the other unless both sign with the configured `review.share_key`."""
    workers = (tmp_path / "worker-1", tmp_path / "worker-2")
    own = [ShareLinks(service.sessions, signing_key(data, "share")) for data in workers]
    assert own[1].check(own[0].create(ada).token).reason == "tampered"  # type: ignore[union-attr]
    configured = "s" * 64
    shared = [ShareLinks(service.sessions, signing_key(data, "share", configured)) for data in workers]
    grant = shared[1].check(shared[0].create(ada).token)
    assert isinstance(grant, ShareGrant) and grant.learner_id == ada
    assert signing_key(workers[0], "share", configured) != configured.encode()  # derived, not used as given
    with pytest.raises(SecretError):
        signing_key(workers[0], "share", "too short")


def test_a_mock_day_scorecard_feeds_the_buffer_day_and_progress(
    service: StudyService, pack: ContentPack, ada: str, db_url: str, desk: ReviewDesk
) -> None:
    finish_days(db_url, ada, range(1, 28))
    service.start_session(ada, "drill")

    def answer(qid: str) -> str:
        return WRONG if pack.item(qid).origin == "behavioural" else good_answer(pack, qid)

    run_session(service, ada, answer)
    progress = Progress(desk, service.cards.due_count).view(ada)
    (card,) = progress.scorecards
    assert (card.day, card.title, card.bar) == (28, "Mock interview 1", 0.7)
    assert card.areas["behavioural"] == 0.0 and card.red_zones == ("behavioural",) and not card.passed
    assert all(score >= 0.7 for area, score in card.areas.items() if area != "behavioural") and len(card.areas) >= 3
    assert card.buffer_focus == ("behavioural",)
    status = service.plan_status(ada)
    assert (status.day, status.day_type) == (29, "buffer")  # the red zone is the buffer day's focus
    assert [r.ref for r in status.remedial] == ["area:behavioural"]
    assert progress.today == 29 and progress.days_done[-1]["day"] == 28 and len(progress.days_done) == 28
    weakest = progress.weakest[0]
    assert pack.item(weakest["question_id"]).origin == "behavioural" and weakest["credit"] == 0.0
    assert progress.units and all(0 <= u["mean"] <= 1 for u in progress.units)
    assert progress.cards_due >= 0


def test_progress_scores_per_unit_over_time_and_due_cards(
    service: StudyService, desk: ReviewDesk, ada: str, db_url: str
) -> None:
    service.start_session(ada, "drill")
    answer_id = spoken_answer(service, desk, ada)
    spoken_answer(service, desk, ada, WRONG)
    with desk.transaction() as db:
        db.get(Attempt, answer_id).answered_at = datetime(2026, 8, 6, 9, 0)
    desk.judge_points(answer_id, {0: "wrong"}, "learner")
    view = Progress(desk, service.cards.due_count).view(ada)
    (unit,) = view.units
    assert unit["unit"] == 1 and unit["answers"] == 2 and unit["scores"][0]["date"] == "2026-08-06"
    assert len(unit["scores"]) == 2 and unit["scores"][0]["score"] == 1.0
    assert any(w["last"] == "wrong" and w["answers"] == 1 for w in view.weakest)  # the person's label counts
    assert view.cards_due == service.cards.due_count(ada) and view.cards_due > 0  # day 1 unlocks curriculum cards
    assert view.days_done == () and view.today == 1
