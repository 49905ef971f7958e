"""Actions that move through a session: start, next, skip, try again, record the answer, stop,
and yes/no. The "opener" actions set `awaiting_answer`; data/rules.yml opens the form on true."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import EventType, SlotSet

from . import texts
from .api import ApiError
from .base import QuestionOpener, Turn, VivaAction, last_bot_text, mode_events
from .payload import ANSWER, COMMAND, IDLE, OpenQuestion

SESSION_MODES = {
    "start_drill": "drill",
    "start_eli5": "eli5",
    "start_baseline": "baseline",
    "start_flashcards": "flashcards",
}

_QUESTION_SLOTS = ("attempt_id", "question_id", "question_kind", "question", "position", "total")


def waiting(mode: str) -> list[EventType]:
    """Nothing to answer: the rules wait for the learner."""
    return [SlotSet("awaiting_answer", False), *mode_events(mode)]


def answering() -> list[EventType]:
    """A question was asked: the rules open the answer form."""
    return [SlotSet("awaiting_answer", True), *mode_events(ANSWER)]


def forget_question() -> list[EventType]:
    return [SlotSet(name, None) for name in _QUESTION_SLOTS] + [SlotSet("answer_text", None)]


def spoken_error(error: ApiError, default: str) -> str:
    """The API's `error` sentence for a 4xx (it is written to be spoken), else `default`."""
    if error.status is not None and 400 <= error.status < 500 and error.message:
        return error.message
    return default


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def ask(turn: Turn, body: dict[str, Any], lead: str = "", numbered: bool = True) -> list[EventType]:
    """Say a next-question reply: the question (mode answer) or the session summary (idle)."""
    if body.get("done"):
        summary = body.get("summary") or "That's the end of this session."
        turn.say(_join(lead, summary), IDLE)
        return forget_question() + waiting(IDLE)
    question = OpenQuestion.from_api(body)
    if question is None:
        raise ValueError(f"next-question reply without a question: {body!r}")
    text = question.prompt
    if numbered and question.position and question.total:
        text = texts.QUESTION_NUMBERED.format(
            position=question.position, total=question.total, prompt=question.prompt
        )
    turn.say(_join(lead, text), ANSWER, question)
    return question.slot_events() + answering()


async def ask_next(turn: Turn, lead: str = "", numbered: bool = True) -> list[EventType]:
    try:
        body = await turn.api.next_question(turn.learner_id)
    except ApiError as e:
        turn.say(spoken_error(e, texts.NO_SESSION if e.status == 409 else texts.LOST_TRACK), IDLE)
        return forget_question() + waiting(IDLE)
    return ask(turn, body, lead, numbered)


async def start_session(turn: Turn, mode: str) -> list[EventType]:
    try:
        body = await turn.api.start_session(turn.learner_id, mode)
    except ApiError as e:
        if e.status != 409 or not e.message:
            turn.say(texts.LOST_TRACK, IDLE)
            return waiting(IDLE)
        # A 409 carries a spoken reason (e.g. flashcards are not available yet) and leaves the
        # running session alone: if the learner was answering, go back to that question.
        question = turn.open_question
        if question is not None and turn.tracker.get_slot("viva_mode") == ANSWER:
            text = texts.BACK_TO_QUESTION_AFTER.format(message=e.message, prompt=question.prompt)
            turn.say(text, ANSWER, question)
            return answering()
        turn.say(e.message, turn.mode)
        return waiting(turn.mode)
    events: list[EventType] = [SlotSet("session_mode", body.get("mode") or mode)]
    # The intro ends with "Here is the first.", so the first question is not numbered.
    return events + await ask_next(turn, lead=body.get("intro") or "", numbered=False)


def offer_pending(turn: Turn) -> bool:
    """The plan's offer ("...; shall we double up?") was the last thing Viva said."""
    offer = turn.tracker.get_slot("offer")
    last = last_bot_text(turn.tracker)
    return bool(offer and last and offer in last)


class ActionStartSession(QuestionOpener):
    def name(self) -> str:
        return "action_start_session"

    async def act(self, turn: Turn) -> list[EventType]:
        return await start_session(turn, SESSION_MODES.get(turn.intent or "", "drill"))


class ActionNextQuestion(QuestionOpener):
    def name(self) -> str:
        return "action_next_question"

    async def act(self, turn: Turn) -> list[EventType]:
        return await ask_next(turn)


class ActionSkip(QuestionOpener):
    def name(self) -> str:
        return "action_skip"

    async def act(self, turn: Turn) -> list[EventType]:
        question = turn.open_question
        if question is not None:
            try:
                await turn.api.skip(question.attempt_id)
            except ApiError as e:
                if e.status != 409:  # 409: already answered or skipped; just move on
                    turn.say(texts.LOST_TRACK, IDLE)
                    return waiting(IDLE)
        return await ask_next(turn, lead=texts.SKIPPED)


class ActionRetry(QuestionOpener):
    """Try again: a fresh attempt at the same question."""

    def name(self) -> str:
        return "action_retry"

    async def act(self, turn: Turn) -> list[EventType]:
        question = turn.open_question
        if question is None:
            turn.say(texts.NOTHING_TO_RETRY)
            return waiting(turn.mode)
        try:
            body = await turn.api.retry(question.attempt_id)
        except ApiError as e:
            # 409: the session ended or moved past this question (the error says which).
            mode = COMMAND if e.status == 409 else IDLE
            turn.say(spoken_error(e, texts.LOST_TRACK), mode)
            return waiting(mode)
        fresh = OpenQuestion.from_api(body, question.position, question.total)
        if fresh is None:
            raise ValueError(f"retry reply without a question: {body!r}")
        turn.say(texts.FRESH_ATTEMPT.format(prompt=fresh.prompt), ANSWER, fresh)
        return fresh.slot_events() + answering()


class ActionRecordAnswer(QuestionOpener):
    """The form has the answer: confirm it to the API and say the feedback.

    The client stored and graded the whole answer before sending it here and put the stored
    candidate's key in the message metadata: the action confirms that candidate (Rasa's copy of
    the text may be cut short) and the feedback comes from its stored grading. Only a message
    that reached Rasa without a stored candidate sends its text to be graded. ELI5 questions may
    come back with `retry`: say the retry prompt and keep the same attempt open (awaiting_answer
    true re-opens the form). A failure here loses nothing: the candidate is stored.
    """

    def name(self) -> str:
        return "action_record_answer"

    async def act(self, turn: Turn) -> list[EventType]:
        question = turn.open_question
        if question is None:
            turn.say(texts.LOST_TRACK, IDLE)
            return [SlotSet("answer_text", None), *waiting(IDLE)]
        candidate = stored_candidate(turn, question.attempt_id)
        try:
            if candidate:
                body = await turn.api.confirm(question.attempt_id, candidate)
            else:
                text = turn.tracker.get_slot("answer_text") or ""
                body = await turn.api.answer(question.attempt_id, text)
        except ApiError:
            turn.say(texts.ANSWER_NOT_CHECKED, COMMAND)
            return [SlotSet("answer_text", None), *waiting(COMMAND)]
        if body.get("retry"):
            prompt = body.get("retry_prompt") or "Nice. Now try it again in simpler words."
            turn.say(prompt, ANSWER, question)
            return [SlotSet("answer_text", None), *answering()]
        feedback = body.get("feedback") or "Thanks, got it."
        if "next" not in feedback.lower():
            feedback = _join(feedback, texts.READY_FOR_NEXT)
        turn.say(feedback, COMMAND)
        return [SlotSet("answer_text", None), *waiting(COMMAND)]


def stored_candidate(turn: Turn, attempt_id: str) -> str | None:
    """The key of the candidate the client stored for this message, if it is for this attempt
    and this message is the answer. When the answer came in an earlier message whose turn
    failed (the action server was down: Rasa kept the slot), the latest message is something
    else ("repeat the question") and its candidate is not the answer: None, so the slot's
    text is sent instead."""
    message = turn.tracker.latest_message or {}
    metadata = message.get("metadata") or {}
    if not isinstance(metadata, dict) or metadata.get("attempt_id") != attempt_id:
        return None
    if (message.get("text") or "").strip() != str(turn.tracker.get_slot("answer_text") or "").strip():
        return None
    candidate = metadata.get("candidate")
    return candidate if isinstance(candidate, str) and candidate else None


class ActionStop(VivaAction):
    def name(self) -> str:
        return "action_stop"

    async def act(self, turn: Turn) -> list[EventType]:
        try:
            summary = (await turn.api.stop(turn.learner_id)).get("summary") or texts.STOPPED
        except ApiError:
            summary = texts.STOPPED  # nothing running (409) or the app is away: stop anyway
        turn.say(summary, IDLE)
        return forget_question() + waiting(IDLE)


class ActionAffirm(QuestionOpener):
    """Yes: start today's drill when nothing runs, otherwise the next question."""

    def name(self) -> str:
        return "action_affirm"

    async def act(self, turn: Turn) -> list[EventType]:
        if offer_pending(turn):
            try:
                plan = await turn.api.double_up(turn.learner_id, True)
            except ApiError:
                turn.say(texts.PLAN_UNCHANGED)
                return [SlotSet("offer", None), *waiting(turn.mode)]
            turn.say(texts.DOUBLED_UP.format(summary=plan.get("summary") or ""))
            return [SlotSet("offer", None), *waiting(turn.mode)]
        if turn.mode == IDLE:
            return await start_session(turn, "drill")
        return await ask_next(turn)


class ActionDeny(VivaAction):
    def name(self) -> str:
        return "action_deny"

    async def act(self, turn: Turn) -> list[EventType]:
        if offer_pending(turn):
            turn.say(texts.SINGLE_DAYS)
            return [SlotSet("offer", None)]
        turn.say(texts.DENY_COMMAND if turn.mode == COMMAND else texts.DENY_IDLE)
        return []
