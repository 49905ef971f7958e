"""The study service: every piece of logic behind the internal API, synchronous and in-process.

The API runs each call in a worker thread. Each call is one transaction, committed before it
returns, so an acknowledged answer survives a crash; calls for one learner are serialised by
a per-learner lock (a retried request cannot create two attempts).
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from drills import outcomes, spoken
from drills.attempts import AttemptDesk
from drills.cards import curriculum as card_curriculum
from drills.cards import queue as card_queue
from drills.cards import words as card_words
from drills.cards.desk import CARD_MODES, CardDesk
from drills.cards.options import CardOptions
from drills.content_model import Askable, ContentPack, Unit
from drills.exceptions import BadRequest, Conflict
from drills.grading import Grader
from drills.plan import fit_check, ref_title, resolve_day, session_days, today
from drills.results import LearnerView, PlanStatus, RemedialView, SessionStarted, Turn
from drills.selection import PlanItem, baseline_run, eli5_run, items_for_day
from drills.store import queries
from drills.store.models import BaselineResult, Learner, StudySession, utcnow

MODES = ("drill", "eli5", "baseline", *CARD_MODES)
MAX_NAME_CHARS = 200  # learners.name is String(200)


@dataclass(frozen=True)
class ServiceOptions:
    max_text_chars: int = 20_000
    """Longer answers are truncated (and stored) rather than refused."""
    max_jargon_retries: int = 2
    """ELI5: how many times an explanation full of jargon is sent back for a simpler one."""


def learner_slug(name: str) -> str:
    """The learner id derived from a name: "Ada Lovelace" → "ada-lovelace"."""
    return re.sub(r"[^\w]+", "-", name.casefold()).strip("-_")[:48] or "learner"


class StudyService(AttemptDesk):
    def __init__(
        self,
        pack: ContentPack,
        session_factory: sessionmaker[Session],
        grader: Grader,
        options: ServiceOptions | None = None,
        clock: Callable[[], date] = date.today,
        card_options: CardOptions | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.pack = pack
        self.grader = grader
        self.options = options or ServiceOptions()
        self._sessions = session_factory
        self.sessions = session_factory
        """The store's sessions (deck import and export run their own transactions)."""
        self._clock = clock
        self._locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
        self._locks_guard = threading.Lock()
        self._now = now
        self.cards = CardDesk(pack, self._db, grader, card_options, now)
        """Flashcard review: sessions in modes `flashcards` and `cram` (drills/cards/desk.py)."""
        self._preparer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="grading-prepare")

    def close(self) -> None:
        from drills.app import close_grader

        self._preparer.shutdown(wait=False, cancel_futures=True)
        close_grader(self.grader)
        bind = self._sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()

    # -- plumbing -------------------------------------------------------------------------

    @contextmanager
    def _db(self, learner_id: str | None = None) -> Iterator[Session]:
        """One transaction (committed on success), under the learner's lock when given."""
        if learner_id is None:
            with self._sessions.begin() as db:
                yield db
            return
        with self._locks_guard:
            lock = self._locks[learner_id]
        with lock, self._sessions.begin() as db:
            yield db

    def _learner_of_attempt(self, attempt_id: str) -> str:
        with self._db() as db:
            return queries.attempt(db, attempt_id).learner_id

    # -- learners and the plan ------------------------------------------------------------

    def create_learner(
        self, name: str, start_date: date | None = None, interview_date: date | None = None
    ) -> tuple[LearnerView, bool]:
        """The learner with this name, created if new; idempotent on the name (case-insensitive)."""
        name = " ".join(name.split())
        if not name:
            raise BadRequest("Please tell me your name first.")
        if len(name) > MAX_NAME_CHARS:
            raise BadRequest("That name is too long for me. Please use a shorter one.")
        key = name.casefold()
        with self._db() as db:
            existing = db.scalars(select(Learner).where(Learner.name_key == key)).first()
            if existing is not None:
                return _learner_view(existing), False
            base = learner_slug(name)
            learner_id, n = base, 1
            while db.get(Learner, learner_id) is not None:
                n += 1
                learner_id = f"{base}-{n}"
            learner = Learner(
                id=learner_id,
                name=name,
                name_key=key,
                start_date=start_date or self._clock(),
                interview_date=interview_date,
                double_up=False,
            )
            db.add(learner)
            return _learner_view(learner), True

    def list_learners(self) -> list[LearnerView]:
        """Every learner profile on this machine, by name (the voice page's profile picker)."""
        with self._db() as db:
            return [_learner_view(learner) for learner in db.scalars(select(Learner).order_by(Learner.name_key))]

    def set_double_up(self, learner_id: str, enabled: bool) -> PlanStatus:
        with self._db(learner_id) as db:
            queries.learner(db, learner_id).double_up = enabled
        return self.plan_status(learner_id)

    def plan_status(self, learner_id: str) -> PlanStatus:
        with self._db() as db:
            learner = queries.learner(db, learner_id)
            finished = set(queries.finished_days(db, learner_id))
            adjustments = queries.adjustments(db, learner_id)
            baseline_done = bool(db.scalar(select(func.count()).where(BaselineResult.learner_id == learner_id)))
        plan_day = resolve_day(self.pack, today(finished), adjustments)
        days = session_days(finished, learner.double_up)
        fit = fit_check(finished, self._clock(), learner.interview_date, learner.double_up)
        remedial = tuple(RemedialView(a.kind, a.ref, ref_title(self.pack, a.ref)) for a in plan_day.adjustments)
        pods = [r.title for r in remedial if r.kind == "pod"]
        summary = spoken.day_summary(plan_day, days, pods)
        if fit.message:
            summary += " " + fit.message
        unit = plan_day.unit
        return PlanStatus(
            day=plan_day.day,
            day_type=plan_day.day_type,
            unit=unit.number if unit else None,
            title=plan_day.title,
            week=plan_day.week,
            takeaways=tuple(t.text for t in unit.takeaways) if unit else (),
            summary=summary,
            fits=fit.fits,
            fit_message=fit.message,
            baseline_done=baseline_done,
            remedial=remedial,
            double_up=learner.double_up,
            days=days,
        )

    # -- sessions -------------------------------------------------------------------------

    def start_session(self, learner_id: str, mode: str) -> SessionStarted:
        """Start (or restart) a run of questions: today's drill, ELI5 prompts, or the baseline."""
        if mode not in MODES:
            raise BadRequest("I can run a drill, an explain-it-simply round, or the baseline.")
        if mode in CARD_MODES:
            session_id, total, intro = self.cards.start(learner_id, mode)
            return SessionStarted(session_id, mode, total, intro)
        with self._db(learner_id) as db:
            learner = queries.learner(db, learner_id)
            now = utcnow()
            old = queries.active_session(db, learner_id)
            if old is not None:
                old.status, old.ended_at = "stopped", now
            finished = set(queries.finished_days(db, learner_id))
            history = queries.history(db, learner_id)
            days: tuple[int, ...] = ()
            if mode == "drill":
                days = session_days(finished, learner.double_up)
                if not days:
                    raise Conflict("You've finished the whole plan. Good luck in your interview!")
                items, label = self._drill_items(db, learner_id, days, history)
            elif mode == "eli5":
                unit = self._eli5_unit(today(finished))
                items, label = eli5_run(unit), unit.title
            else:
                items, label = baseline_run(self.pack), ""
            session = StudySession(
                learner_id=learner_id,
                mode=mode,
                plan=[i.to_json() for i in items],
                days=list(days),
                position=0,
                status="active",
                started_at=now,
            )
            db.add(session)
            db.flush()
            intro = spoken.session_intro(mode, label, len(items))
            return SessionStarted(session.id, mode, len(items), intro)

    def _drill_items(
        self, db: Session, learner_id: str, days: tuple[int, ...], history: dict[str, float]
    ) -> tuple[list[PlanItem], str]:
        adjustments = queries.adjustments(db, learner_id)
        plan_days = [resolve_day(self.pack, d, adjustments) for d in days]
        items = [i for p in plan_days for i in items_for_day(self.pack, p, history)]
        if len(plan_days) == 1:
            return items, f"Day {days[0]}: {plan_days[0].title}"
        titles = " then ".join(p.title for p in plan_days)
        return items, f"Days {days[0]} and {days[1]}: {titles}"

    def _eli5_unit(self, day: int) -> Unit:
        """Today's unit, or the most recent one on days without a topic."""
        started = [u for u in self.pack.units if min(u.days) <= day]
        return started[-1] if started else self.pack.units[0]

    def next_question(self, learner_id: str) -> Turn:
        """Ask the next question (creating its attempt), or finish the session.

        A still-open attempt is closed first: answered if an answer was confirmed (an ELI5
        retry the learner passed on), otherwise skipped."""
        with self._db(learner_id) as db:
            learner = queries.learner(db, learner_id)
            session = self._require_session(db, learner_id)
            if session.mode in CARD_MODES:
                raise Conflict("We're reviewing cards. Say 'repeat' to hear the card again, or 'stop' to end.")
            current = queries.latest_attempt(db, session.id)
            if current is not None and current.status == queries.OPEN:
                current.status = "answered" if current.answered_at else "skipped"
            db.flush()
            notes: list[str] = []
            if session.mode == "drill":
                notes = outcomes.settle_days(db, self.pack, learner, session, utcnow())
                if notes:
                    history = queries.history(db, learner_id)
                    outcomes.replan_unstarted(db, self.pack, learner_id, session, history)
            plan = outcomes.plan_items(session)
            if session.position < len(plan):
                item = plan[session.position]
                attempt = self._new_attempt(session, item, session.position, 1)
                db.add(attempt)
                session.position += 1
                self._prepare_grading(self.pack.item(item.question_id))
                return Turn(False, session.position, len(plan), attempt.id, self._view(attempt))
            session.status, session.ended_at = "completed", utcnow()
            if session.mode == "baseline":
                notes.append(outcomes.settle_baseline(db, self.pack, learner, session))
            db.flush()
            summary = self._done_summary(db, session, notes)
            if session.mode == "drill":
                summary = " ".join(filter(None, [summary, self._cards_offer(db, learner_id, session)]))
            return Turn(True, len(plan), len(plan), summary=summary)

    def _prepare_grading(self, question: Askable) -> None:
        """While the question is being asked, let the grader encode its texts (off this thread:
        the dialogue is waiting for the question)."""
        prepare = getattr(self.grader, "prepare", None)
        if prepare is not None:
            self._preparer.submit(prepare, question)

    def _cards_offer(self, db: Session, learner_id: str, session: StudySession) -> str:
        """The drill's outro offers the card review (or, on the power-review day, the blitz)."""
        adjustments = queries.adjustments(db, learner_id)
        power = any(resolve_day(self.pack, d, adjustments).day_type == "power_review" for d in session.days)
        card_curriculum.sync(db, self.pack, learner_id)
        due = card_queue.due_total(db, learner_id, self._now(), self.cards.options)
        return card_words.cards_due_note(due, power)

    def _done_summary(self, db: Session, session: StudySession, notes: list[str]) -> str:
        attempts = queries.session_attempts(db, session.id)
        scores = [queries.item_score(attempts.get(i, [])) for i in range(len(session.plan))]
        average = sum(scores) / len(scores) if scores else 0.0
        finished = set(queries.finished_days(db, session.learner_id))
        return spoken.session_done(session.mode, average, notes, today(finished))

    def current(self, learner_id: str) -> Turn:
        """The open attempt of the running session, for "repeat that" and reconnects."""
        with self._db() as db:
            queries.learner(db, learner_id)
            session = queries.active_session(db, learner_id)
            attempt = queries.latest_attempt(db, session.id) if session else None
            if session is None or attempt is None or attempt.status != queries.OPEN:
                return Turn(False)
            return Turn(False, session.position, len(session.plan), attempt.id, self._view(attempt))

    def progress(self, learner_id: str) -> str:
        with self._db() as db:
            learner = queries.learner(db, learner_id)
            finished = queries.finished_days(db, learner_id)
            rows = db.scalars(select(BaselineResult).where(BaselineResult.learner_id == learner_id))
            gap = {row.area: row.score for row in rows}
            adjustments = queries.adjustments(db, learner_id)
        scores = [p.score for p in finished.values() if p.score is not None]
        fit = fit_check(set(finished), self._clock(), learner.interview_date, learner.double_up)
        next_day = resolve_day(self.pack, today(set(finished)), adjustments)
        return spoken.progress(len(finished), scores, gap, next_day, fit.message)

    def stop(self, learner_id: str) -> str:
        """End the running session; its unanswered attempts stay as asked."""
        with self._db(learner_id) as db:
            queries.learner(db, learner_id)
            session = queries.active_session(db, learner_id)
            if session is None:
                return "Nothing is running right now. Say 'start' when you're ready."
            if session.mode in CARD_MODES:
                return self.cards.stop(db, session)
            session.status, session.ended_at = "stopped", utcnow()
            attempts = queries.session_attempts(db, session.id)
            done = sum(1 for a in attempts.values() if queries.item_closed(a))
            return spoken.stopped(done, len(session.plan))

    @staticmethod
    def _require_session(db: Session, learner_id: str) -> StudySession:
        session = queries.active_session(db, learner_id)
        if session is None:
            raise Conflict("There's no session running. Say 'start' to begin.")
        return session


def _learner_view(learner: Learner) -> LearnerView:
    return LearnerView(
        learner.id,
        learner.name,
        learner.start_date.isoformat(),
        learner.interview_date.isoformat() if learner.interview_date else None,
        learner.double_up,
    )
