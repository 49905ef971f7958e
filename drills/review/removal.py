"""Deleting answers with their audio, the retention sweep, and the storage they use.

An answer is deleted audio first, then its rows (what people said of it goes with it, by
foreign key): if the file cannot be removed nothing is deleted and the error says why, so
audio is never left behind without the row that points to it. Answers of a session that is
still running, and answers whose recording the voice process is still writing (a session that
just stopped drains its writer), are refused; the sweep skips them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from drills import ids
from drills.exceptions import Conflict, NotFound
from drills.review.desk import ANSWER_MODES, NO_SUCH_ANSWER, ReviewDesk
from drills.store.models import Attempt, StudySession

log = logging.getLogger(__name__)
RUNNING = "That session is still running: stop it first (say 'stop', or close the page), then delete it."
WRITING = "Its recording is still being written: try again in a moment."


@dataclass(frozen=True)
class Removed:
    answers: int = 0
    sessions: int = 0
    files: int = 0
    bytes: int = 0

    def __add__(self, other: Removed) -> Removed:
        return Removed(*(a + b for a, b in zip(asdict(self).values(), asdict(other).values(), strict=True)))

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Storage:
    learner_id: str
    answers: int
    recordings: int
    bytes: int
    """Size of the learner's recordings folder."""
    retention_days: int
    """0: answers are kept until deleted."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class Removal:
    def __init__(self, desk: ReviewDesk) -> None:
        self.desk = desk

    def delete_answer(self, attempt_id: str) -> Removed:
        with self.desk.transaction() as db:
            attempt = db.get(Attempt, ids.attempt_id(attempt_id))
            if attempt is None:
                raise NotFound(NO_SUCH_ANSWER)
            if _running(db, attempt.session_id):
                raise Conflict(RUNNING)
            if self.desk.writing(attempt.learner_id, attempt.id):
                raise Conflict(WRITING)
            return self._delete(db, [attempt])

    def delete_session(self, session_id: str) -> Removed:
        with self.desk.transaction() as db:
            session = db.get(StudySession, ids.session_id(session_id))
            if session is None or session.mode not in ANSWER_MODES:
                raise NotFound("There is no such session (it may have been deleted).")
            if session.status == "active":
                raise Conflict(RUNNING)
            attempts = list(db.scalars(select(Attempt).where(Attempt.session_id == session.id)))
            if any(self.desk.writing(a.learner_id, a.id) for a in attempts):
                raise Conflict(WRITING)
            removed = self._delete(db, attempts)
            db.delete(session)
            return removed + Removed(sessions=1)

    def sweep(self, days: int | None = None) -> Removed:
        """Apply the retention setting: delete answers (and their audio) older than `days`
        (default: the setting; 0 keeps everything), stray recordings as old, and the sessions
        left with no answers."""
        days = self.desk.options.retention_days if days is None else days
        if days <= 0:
            return Removed()
        cutoff = self.desk.now() - timedelta(days=days)
        with self.desk.transaction() as db:
            active = set(db.scalars(select(StudySession.id).where(StudySession.status == "active")))
            old = [
                a
                for a in db.scalars(select(Attempt).where(Attempt.created_at < cutoff))
                if (a.session_id is None or a.session_id not in active) and not self.desk.writing(a.learner_id, a.id)
            ]
            removed = self._delete(db, old)
            db.flush()
            known = set(db.scalars(select(Attempt.id)))
            emptied = db.scalars(
                select(StudySession).where(
                    StudySession.mode.in_(ANSWER_MODES),
                    StudySession.status != "active",
                    StudySession.started_at < cutoff,
                    ~select(Attempt.id).where(Attempt.session_id == StudySession.id).exists(),
                )
            ).all()
            for session in emptied:
                db.delete(session)
            removed += Removed(sessions=len(emptied))
        removed += self._stray_files(known, cutoff)
        if removed.answers or removed.files:
            log.info("retention (%d days): deleted %d answers, %d recordings", days, removed.answers, removed.files)
        return removed

    def storage(self, learner_id: str) -> Storage:
        learner = ids.learner_id(learner_id)
        with self.desk.transaction() as db:
            answers = db.scalar(select(func.count()).where(Attempt.learner_id == learner)) or 0
        files = [p for p in (self.desk.recordings_dir / learner).glob("*.wav") if p.is_file()]
        size = sum(p.stat().st_size for p in files)
        return Storage(learner, int(answers), len(files), size, self.desk.options.retention_days)

    # -- helpers ------------------------------------------------------------------------------

    def _delete(self, db: Session, attempts: Iterable[Attempt]) -> Removed:
        removed = Removed()
        for attempt in attempts:
            removed += _unlink(self.desk.audio_candidates(attempt))
            db.delete(attempt)
            removed += Removed(answers=1)
        return removed

    def _stray_files(self, known: set[str], cutoff: datetime) -> Removed:
        """Recordings no answer points to (a crash before the store heard of them), as old."""
        removed = Removed()
        root = self.desk.recordings_dir
        for path in sorted(root.glob("*/*.wav")) if root.is_dir() else []:
            if path.stem in known or not ids.is_attempt_id(path.stem):
                continue
            modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            if modified < _aware(cutoff):
                removed += _unlink([ids.path_under(root, path.parent.name, path.name)])
        return removed


def _running(db: Session, session_id: str | None) -> bool:
    session = db.get(StudySession, session_id) if session_id else None
    return session is not None and session.status == "active"


def _unlink(paths: Iterable[Path]) -> Removed:
    """Remove the files that exist; an OSError propagates (the transaction is rolled back)."""
    removed = Removed()
    for path in paths:
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            continue
        removed += Removed(files=1, bytes=size)
    return removed


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
