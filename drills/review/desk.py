"""The review desk: logged answers by session, one answer in full, and what people said of it.

Blocking store calls (the page server runs them in a worker thread). Who may see what is the
caller's business: every method names the learner or the answer it reads, and
`learner_of_answer` / `learner_of_session` tell the caller whose it is before anything else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from statistics import fmean
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from drills import ids
from drills.content_model import ContentPack
from drills.exceptions import NotFound
from drills.review import scoring
from drills.review.options import ReviewOptions
from drills.review.transcript import tokens
from drills.review.views import (
    AnswerDetail,
    AnswerSummary,
    Filters,
    ReviewView,
    SessionSummary,
    auto_score,
    iso,
    mentor_score,
)
from drills.store.models import Attempt, StudySession, utcnow
from drills.store.review_models import PointReview

ANSWER_MODES = ("drill", "eli5", "baseline")
"""Sessions that log spoken answers (card reviews have their own log)."""
NO_SUCH_ANSWER = "There is no such answer (it may have been deleted)."


def graded(attempt: Attempt) -> tuple[str, dict[str, Any]]:
    """The answer's text and the grading of exactly that text: the confirmed answer, else the
    last stored candidate (a session that ended before confirming), else what was heard."""
    if attempt.answer_text is not None:
        return attempt.answer_text, dict(attempt.grading or {})
    if attempt.transcript:
        return attempt.transcript, dict(attempt.transcript_grading or {})
    return attempt.partial_transcript or "", {}


def auto_points(grading: Mapping[str, Any], key_points: list[str]) -> list[dict[str, Any]]:
    """The grader's per-point judgements; older keyword records (covered/missed only) become
    hit/miss without evidence."""
    points = grading.get("points") or []
    if points:
        return [dict(p) for p in points]
    covered = set(grading.get("covered") or [])
    return [{"point": text, "label": "hit" if text in covered else "miss"} for text in key_points]


class ReviewDesk:
    def __init__(
        self,
        pack: ContentPack,
        session_factory: sessionmaker[Session],
        recordings_dir: Path,
        options: ReviewOptions | None = None,
        now: Callable[[], datetime] = utcnow,
        writing: Callable[[str, str], bool] = lambda learner_id, attempt_id: False,
    ) -> None:
        self.pack = pack
        self._sessions = session_factory
        self.recordings_dir = Path(recordings_dir)
        self.options = options or ReviewOptions()
        self.now = now
        self.writing = writing
        """`(learner_id, attempt_id) -> bool`: whether the voice process is still writing that
        answer's recording (voicebot's recorder knows; by default nothing is being written)."""

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction of the study store (removal, exports and progress use it too)."""
        with self._sessions.begin() as db:
            yield db

    # -- whose is it ------------------------------------------------------------------------

    def learner_of_answer(self, attempt_id: str) -> str:
        with self.transaction() as db:
            attempt = db.get(Attempt, ids.attempt_id(attempt_id))
            if attempt is None:
                raise NotFound(NO_SUCH_ANSWER)
            return attempt.learner_id

    def learner_of_session(self, session_id: str) -> str:
        with self.transaction() as db:
            session = db.get(StudySession, ids.session_id(session_id))
            if session is None or session.mode not in ANSWER_MODES:
                raise NotFound("There is no such session (it may have been deleted).")
            return session.learner_id

    # -- reading ------------------------------------------------------------------------------

    def sessions(self, learner_id: str, filters: Filters | None = None) -> list[SessionSummary]:
        """The learner's sessions with logged answers, newest first; with filters, only the
        answers (and sessions) that pass them."""
        with self.transaction() as db:
            query = (
                select(StudySession)
                .where(StudySession.learner_id == learner_id, StudySession.mode.in_(ANSWER_MODES))
                .order_by(StudySession.started_at.desc())
            )
            return self._summaries(db, learner_id, list(db.scalars(query)), filters or Filters())

    def session(self, session_id: str) -> SessionSummary:
        """One session with all its answers."""
        learner_id = self.learner_of_session(session_id)
        with self.transaction() as db:
            session = db.get(StudySession, session_id)
            found = self._summaries(db, learner_id, [session] if session else [], Filters())
            if not found:
                raise NotFound("That session has no answers.")
            return found[0]

    def _summaries(
        self, db: Session, learner_id: str, sessions: list[StudySession], filters: Filters
    ) -> list[SessionSummary]:
        attempts = db.scalars(
            select(Attempt)
            .where(Attempt.session_id.in_([s.id for s in sessions]))
            .order_by(Attempt.position, Attempt.try_no)
        )
        by_session: dict[str, list[Attempt]] = defaultdict(list)
        for attempt in attempts:
            by_session[str(attempt.session_id)].append(attempt)
        overrides = self._overrides(db, learner_id)
        out = []
        for session in sessions:
            answers = [self._summary(a, overrides.get(a.id, {})) for a in by_session.get(session.id, [])]
            shown = tuple(a for a in answers if filters.admits(a.unit, a.kind, a.auto_score))
            if shown:
                out.append(_session_summary(session, shown))
        return out

    def answer(self, attempt_id: str) -> AnswerDetail:
        with self.transaction() as db:
            attempt = db.get(Attempt, ids.attempt_id(attempt_id))
            if attempt is None:
                raise NotFound(NO_SUCH_ANSWER)
            text, grading = graded(attempt)
            question = self._question(attempt.question_id)
            review = scoring.review_view(db, attempt, auto_points(grading, question["key_points"]), self._names(db))
            figures = {k: grading.get(k) for k in ("content_score", "score", "rating", "method", "eli5", "delivery")}
            figures["content_score"] = auto_score(grading)
            history = tuple(
                {"text": h.get("text", ""), "score": h.get("score")} for h in (attempt.answer_history or [])
            )
            return AnswerDetail(
                id=attempt.id,
                learner_id=attempt.learner_id,
                session_id=attempt.session_id,
                question=question,
                status=attempt.status,
                part=attempt.part,
                day=attempt.plan_day,
                answered_at=iso(attempt.answered_at),
                text=text,
                typed=attempt.typed,
                duration=attempt.duration,
                tokens=tuple(t.to_json() for t in tokens(text, attempt.words)),
                has_audio=self.audio_file(attempt) is not None,
                grading=figures,
                review=review,
                history=history,
            )

    def audio_file(self, attempt: Attempt) -> Path | None:
        """The answer's recording, if there is one: the stored path, accepted only inside the
        recordings folder (resolved, so no symlink leads out); never a path from a request."""
        for candidate in self.audio_candidates(attempt):
            if candidate.is_file():
                return candidate
        return None

    def recording(self, attempt_id: str) -> tuple[Path | None, bool]:
        """(the answer's recording or None, whether a writer is still appending to it)."""
        with self.transaction() as db:
            attempt = db.get(Attempt, ids.attempt_id(attempt_id))
            if attempt is None:
                raise NotFound(NO_SUCH_ANSWER)
            return self.audio_file(attempt), self.writing(attempt.learner_id, attempt.id)

    def audio_candidates(self, attempt: Attempt) -> list[Path]:
        """Where the answer's audio may be: the path the voice process stored, and the path it
        would have used (`<recordings>/<learner>/<attempt>.wav`), each checked to stay inside."""
        found = []
        for path in (attempt.audio_path, str(self.recordings_dir / attempt.learner_id / f"{attempt.id}.wav")):
            if not path:
                continue
            try:
                relative = Path(path).resolve().relative_to(self.recordings_dir.resolve())
                found.append(ids.path_under(self.recordings_dir, *relative.parts))
            except (ValueError, ids.BadId):
                continue
        return list(dict.fromkeys(found))

    # -- a person's rubric ---------------------------------------------------------------------

    def judge_points(self, attempt_id: str, labels: Mapping[int, str | None], reviewer: str) -> ReviewView:
        """Agree with or override the grader per key point (scoring.set_points)."""
        with self.transaction() as db:
            attempt, points = self._judged(db, attempt_id)
            scoring.set_points(db, attempt, points, labels, reviewer)
            db.flush()
            return scoring.review_view(db, attempt, points, self._names(db))

    def score_competencies(self, attempt_id: str, scores: Mapping[str, int | None], reviewer: str) -> ReviewView:
        with self.transaction() as db:
            attempt, points = self._judged(db, attempt_id)
            scoring.set_competencies(db, attempt, scores, reviewer)
            db.flush()
            return scoring.review_view(db, attempt, points, self._names(db))

    def comment(self, attempt_id: str, at: float | None, text: str, author: str) -> ReviewView:
        with self.transaction() as db:
            attempt, points = self._judged(db, attempt_id)
            scoring.add_comment(db, attempt, at, text, author)
            return scoring.review_view(db, attempt, points, self._names(db))

    def delete_comment(self, attempt_id: str, comment_id: int, author: str | None) -> ReviewView:
        """`author` None: the learner (any comment on their answer); else only that author's."""
        with self.transaction() as db:
            attempt, points = self._judged(db, attempt_id)
            scoring.delete_comment(db, comment_id, attempt.id, author)
            db.flush()
            return scoring.review_view(db, attempt, points, self._names(db))

    def _judged(self, db: Session, attempt_id: str) -> tuple[Attempt, list[dict[str, Any]]]:
        attempt = db.get(Attempt, ids.attempt_id(attempt_id))
        if attempt is None:
            raise NotFound(NO_SUCH_ANSWER)
        _, grading = graded(attempt)
        return attempt, auto_points(grading, self._question(attempt.question_id)["key_points"])

    # -- helpers ------------------------------------------------------------------------------

    def _question(self, question_id: str) -> dict[str, Any]:
        try:
            item = self.pack.item(question_id)
        except KeyError:
            return {"id": question_id, "prompt": "(a question no longer in the curriculum)", "kind": "", "unit": None,
                    "unit_title": "", "model_answer": "", "key_points": []}  # fmt: skip
        unit_title = self.pack.unit(item.unit).title if item.unit is not None else ""
        return {
            "id": item.id,
            "prompt": item.prompt,
            "kind": item.kind,
            "unit": item.unit,
            "unit_title": unit_title,
            "model_answer": item.answer_text,
            "key_points": [p.text for p in item.key_points],
        }

    def _summary(self, attempt: Attempt, overrides: Mapping[int, str]) -> AnswerSummary:
        _, grading = graded(attempt)
        question = self._question(attempt.question_id)
        labels = [p.get("label", "miss") for p in auto_points(grading, question["key_points"])]
        return AnswerSummary(
            id=attempt.id,
            position=attempt.position,
            try_no=attempt.try_no,
            question_id=attempt.question_id,
            prompt=question["prompt"],
            kind=attempt.kind,
            unit=question["unit"],
            part=attempt.part,
            status=attempt.status,
            day=attempt.plan_day,
            answered_at=iso(attempt.answered_at),
            auto_score=auto_score(grading),
            mentor_score=mentor_score(labels, overrides),
            has_audio=bool(attempt.audio_path or attempt.audio_id),  # the detail checks the file
            duration=attempt.duration,
        )

    @staticmethod
    def _overrides(db: Session, learner_id: str) -> dict[str, dict[int, str]]:
        out: dict[str, dict[int, str]] = defaultdict(dict)
        for row in db.scalars(select(PointReview).where(PointReview.learner_id == learner_id)):
            out[row.attempt_id][row.point_index] = row.label
        return out

    @staticmethod
    def _names(db: Session) -> dict[str, str]:
        return scoring.reviewer_names(db)


def _session_summary(session: StudySession, answers: tuple[AnswerSummary, ...]) -> SessionSummary:
    autos = [a.auto_score for a in answers if a.auto_score is not None]
    mentors = [a.mentor_score for a in answers if a.mentor_score is not None]
    return SessionSummary(
        id=session.id,
        learner_id=session.learner_id,
        mode=session.mode,
        status=session.status,
        started_at=iso(session.started_at),
        days=tuple(session.days or ()),
        units=tuple(sorted({a.unit for a in answers if a.unit is not None})),
        answers=answers,
        auto_mean=round(fmean(autos), 2) if autos else None,
        mentor_mean=round(fmean(mentors), 2) if mentors else None,
    )
