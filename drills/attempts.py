"""The attempt half of the study service: transcripts, answers, hints, reveal, skip, retry.

`AttemptDesk` is mixed into `StudyService`, which provides the pack, the grader, the options
and the per-learner transactions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from drills import spoken
from drills.content_model import Askable, ContentPack
from drills.exceptions import BadRequest, Conflict
from drills.grading import Grader, GradeResult
from drills.grading.delivery import measure
from drills.grading.text import word_count
from drills.results import AnswerFeedback, QuestionView, StoredCandidate, TranscriptInput, Turn
from drills.selection import PlanItem
from drills.store import queries
from drills.store.models import Attempt, StudySession, new_id, utcnow

if TYPE_CHECKING:
    from drills.service import ServiceOptions

_CLOSED_MESSAGES = {
    "answered": "That question is already answered. Say 'next' to continue.",
    "skipped": "That question was skipped. Say 'retry' to have another go.",
    "revealed": "The answer to that one was revealed. Say 'retry' to have another go, or 'next'.",
}


def candidate_key(text: str) -> str:
    """Names a stored candidate answer (its text's hash): what the dialogue confirms."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


class AttemptDesk:
    pack: ContentPack
    grader: Grader
    options: ServiceOptions
    _db: Callable[..., AbstractContextManager[Session]]
    _learner_of_attempt: Callable[[str], str]

    # -- answering ------------------------------------------------------------------------
    #
    # Each answer is graded once and stored whole: the client stores and grades the full
    # candidate (`record_transcript`), the dialogue then confirms that stored candidate by its
    # key (`confirm_answer`) and the feedback comes from the stored grading. `submit_answer` is
    # for an answer that reaches the app only as text (no client stored it first).

    def record_transcript(self, attempt_id: str, data: TranscriptInput) -> StoredCandidate:
        """Store a candidate answer from the client and grade it (the dialogue confirms it later)."""
        text = self._clean(data.text)
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = self._open_attempt(db, attempt_id)
            question = self._question(attempt)
            if not data.final:
                attempt.partial_transcript = text
                return StoredCandidate(self.grader.grade(question, text), None)
            # Said before a reconnect: part of this answer until one is confirmed (an ELI5
            # retry after a confirmed explanation starts afresh).
            carried = " ".join((data.carried or "").split()) if attempt.answer_text is None else ""
            text = f"{carried} {text}".strip()[: self.options.max_text_chars]
            grade = self.grader.grade(question, text)
            if not data.typed:  # spoken: words per minute, pauses, fillers, length
                expected = word_count(question.answer_text)
                grade = grade.with_delivery(measure(text, data.words, data.duration, expected))
            attempt.transcript = text
            attempt.transcript_grading = grade.to_json()
            attempt.partial_transcript = carried or None  # still unconfirmed: kept for a later resume
            attempt.typed = data.typed
            attempt.confidence = data.confidence
            attempt.duration = data.duration
            attempt.words = data.words
            attempt.audio_id = data.audio_id[:200] if data.audio_id else None  # String(200)
            return StoredCandidate(grade, candidate_key(text), self._reply(attempt, grade)[0])

    def save_partial(self, attempt_id: str, text: str, duration: float | None = None) -> None:
        """Keep what the learner has said so far (the voice bot saves it as it goes, so a crash
        or a disconnect does not lose it). Never touches a confirmed answer."""
        if not text.strip():
            return
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = queries.attempt(db, attempt_id)
            attempt.partial_transcript = text.strip()[: self.options.max_text_chars]
            if duration is not None and attempt.status == queries.OPEN:
                attempt.duration = duration

    def said_so_far(self, attempt_id: str) -> str:
        """What the learner said toward this attempt that no confirmed answer covers (the partial
        saved as they spoke): a resumed answer carries it into its next candidate."""
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = queries.attempt(db, attempt_id)
            return "" if attempt.answer_text is not None else attempt.partial_transcript or ""

    def attach_audio(self, attempt_id: str, path: str) -> None:
        """Record where the answer's audio is written (any status: audio may outlive the turn)."""
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            queries.attempt(db, attempt_id).audio_path = path[:500]  # String(500)

    def confirm_answer(self, attempt_id: str, candidate: str) -> AnswerFeedback:
        """The dialogue decided the stored candidate named `candidate` is the answer: confirm it
        with its stored grading (no grading here) and say what was covered."""
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = self._open_attempt(db, attempt_id)
            if not attempt.transcript or not attempt.transcript_grading:
                raise BadRequest("I didn't catch an answer. Please say it again.")
            if candidate_key(attempt.transcript) != candidate:
                raise Conflict("That answer changed before I could check it. Please say it again.")
            return self._confirm(attempt, attempt.transcript, GradeResult.from_json(attempt.transcript_grading))

    def submit_answer(self, attempt_id: str, text: str) -> AnswerFeedback:
        """An answer that reached the app only as text: store, grade (once) and confirm it."""
        text = self._clean(text)
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = self._open_attempt(db, attempt_id)
            if attempt.transcript == text and attempt.transcript_grading:
                grade = GradeResult.from_json(attempt.transcript_grading)  # already stored as the candidate
            else:
                grade = self.grader.grade(self._question(attempt), text)
                attempt.transcript, attempt.transcript_grading = text, grade.to_json()
            return self._confirm(attempt, text, grade)

    def _confirm(self, attempt: Attempt, text: str, grade: GradeResult) -> AnswerFeedback:
        """Store `text` as the answer and say what was covered.

        ELI5: an explanation using the question's jargon is sent back (the attempt stays
        open) up to `max_jargon_retries` times."""
        if attempt.answer_text is not None:  # an ELI5 retry replaces the first explanation
            earlier = {
                "text": attempt.answer_text,
                "score": attempt.score,
                "grading": attempt.grading,
            }
            attempt.answer_history = [*attempt.answer_history, earlier]
        attempt.answer_text = text
        attempt.grading = grade.to_json()
        attempt.score = grade.score
        attempt.answered_at = utcnow()
        feedback, retry_prompt = self._reply(attempt, grade)
        if retry_prompt is not None:
            attempt.jargon_retries += 1
        else:
            attempt.status = "answered"
        return AnswerFeedback.from_grade(grade, feedback, retry_prompt)

    def _reply(self, attempt: Attempt, grade: GradeResult) -> tuple[str, str | None]:
        """What confirming `grade` says, and the retry prompt when an ELI5 explanation that used
        the question's jargon is sent back (the attempt stays open). Changes nothing: storing a
        candidate tells the client this reply before the dialogue confirms it."""
        if grade.jargon_used and attempt.jargon_retries < self.options.max_jargon_retries:
            prompt = spoken.jargon_retry(grade.jargon_used)
            return prompt, prompt
        if attempt.mode == "baseline":
            return spoken.baseline_ack(), None
        return spoken.feedback(grade), None

    def hint(self, attempt_id: str) -> str:
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = self._open_attempt(db, attempt_id)
            question = self._question(attempt)
            hints = (spoken.ELI5_HINT,) if question.kind == "eli5" else question.hints
            if attempt.hints_used >= len(hints):
                return spoken.no_more_hints(question.kind)
            attempt.hints_used += 1
            return hints[attempt.hints_used - 1]

    def reveal(self, attempt_id: str) -> str:
        """The model answer (ELI5: the reference); an unanswered attempt becomes revealed."""
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = queries.attempt(db, attempt_id)
            if attempt.status == queries.OPEN:
                attempt.status = "answered" if attempt.answered_at else "revealed"
            return self._question(attempt).answer_text

    def skip(self, attempt_id: str) -> None:
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = queries.attempt(db, attempt_id)
            if attempt.status == queries.OPEN:
                attempt.status = "skipped"
            elif attempt.status != "skipped":
                raise Conflict(_CLOSED_MESSAGES[attempt.status])

    def retry(self, attempt_id: str) -> Turn:
        """A fresh attempt at the same question, in the same running session."""
        with self._db(self._learner_of_attempt(attempt_id)) as db:
            attempt = queries.attempt(db, attempt_id)
            session = db.get(StudySession, attempt.session_id) if attempt.session_id else None
            if session is None or session.status != "active":
                raise Conflict("That session has ended. Say 'start' to begin a new one.")
            if attempt.position != session.position - 1:
                raise Conflict("We've moved past that question. Let's carry on with this one.")
            tries = queries.session_attempts(db, session.id)[attempt.position]
            latest = tries[-1]
            if latest.status == queries.OPEN:
                latest.status = "answered" if latest.answered_at else "skipped"
            item = PlanItem(attempt.question_id, attempt.part, attempt.plan_day)
            fresh = self._new_attempt(session, item, attempt.position, latest.try_no + 1)
            db.add(fresh)
            return Turn(False, session.position, len(session.plan), fresh.id, self._view(fresh))

    # -- helpers --------------------------------------------------------------------------

    def _clean(self, text: object) -> str:
        if not isinstance(text, str) or not text.strip():
            raise BadRequest("I didn't catch an answer. Please say it again.")
        return text.strip()[: self.options.max_text_chars]

    @staticmethod
    def _open_attempt(db: Session, attempt_id: str) -> Attempt:
        attempt = queries.attempt(db, attempt_id)
        if attempt.status != queries.OPEN:
            raise Conflict(_CLOSED_MESSAGES[attempt.status])
        return attempt

    def _question(self, attempt: Attempt) -> Askable:
        return self.pack.item(attempt.question_id)

    def _new_attempt(self, session: StudySession, item: PlanItem, position: int, try_no: int) -> Attempt:
        question = self.pack.item(item.question_id)
        return Attempt(
            id=new_id(),
            learner_id=session.learner_id,
            session_id=session.id,
            plan_day=item.day,
            position=position,
            try_no=try_no,
            question_id=question.id,
            kind=question.kind,
            mode=session.mode,
            part=item.part,
            status=queries.OPEN,
            created_at=utcnow(),
            answer_history=[],
            typed=False,
            hints_used=0,
            jargon_retries=0,
        )

    def _view(self, attempt: Attempt) -> QuestionView:
        question = self.pack.item(attempt.question_id)
        return QuestionView(
            id=question.id,
            kind=question.kind,
            prompt=question.prompt,
            terms=question.terms,
            unit=question.unit,
            day=attempt.plan_day,
            title=self._source_title(question),
            part=attempt.part,
        )

    def _source_title(self, question: Askable) -> str:
        origin = question.origin
        if question.unit is not None:
            return self.pack.unit(question.unit).title
        if origin.startswith("pod:"):
            return self.pack.pod(origin[4:]).title
        if origin == "baseline":
            return "Baseline: " + getattr(question, "area", "").replace("_", " ")
        return {"behavioural": "Behavioural", "system_design": "Systems design"}.get(origin, origin)
