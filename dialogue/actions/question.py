"""Actions about the open question: repeat, hint, model answer, and the answer form's own
validation (`validate_answer_form`) and ask action (`action_ask_answer_text`)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from . import payload, texts
from .api import ApiError
from .base import ANSWER_FORM, QuestionOpener, Turn, VivaAction, last_bot_text
from .commands import control_intents_from_domain, counts_as_command, is_hesitation
from .payload import ANSWER, COMMAND, IDLE, OpenQuestion
from .session import answering, waiting

logger = logging.getLogger(__name__)

# Used only if the domain's answer_text mapping has no not_intent list.
DEFAULT_CONTROL_INTENTS = (  # noqa: SIM905
    "greet start_drill start_eli5 start_flashcards start_baseline next repeat try_again skip hint "
    "show_answer dont_know done slower faster pause stop ask_topic ask_progress help start_cram how_many_left"
).split()


def mentions_question(turn: Turn) -> bool:
    return "question" in str(turn.tracker.latest_message.get("text") or "").lower()


def bot_spoke_this_turn(tracker: Tracker) -> bool:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "bot":
            return True
    return False


class ActionRepeatQuestion(QuestionOpener):
    """Repeat: during an answer, the question again; otherwise the last thing Viva said.

    When the slots say a question was open but the form is gone (a new Rasa session after a
    long break, a restart), the open attempt is fetched from the app and the form re-opened.
    """

    def name(self) -> str:
        return "action_repeat_question"

    async def act(self, turn: Turn) -> list[EventType]:
        if turn.form_active:
            question = turn.open_question or await self.current(turn)
            if question is None:
                raise ValueError("answer form active without a question")
            template = texts.GREET_DURING_ANSWER if turn.intent == "greet" else texts.QUESTION_AGAIN
            turn.say(template.format(prompt=question.prompt), ANSWER, question)
            return answering()
        if turn.tracker.get_slot("viva_mode") == ANSWER:
            question = await self.current(turn)
            if question is not None:
                turn.say(texts.QUESTION_AGAIN.format(prompt=question.prompt), ANSWER, question)
                return question.slot_events() + answering()
        asked = turn.open_question
        if asked is not None and turn.mode == COMMAND and mentions_question(turn):
            # After feedback "repeat the question" means the question, not the feedback.
            turn.say(texts.QUESTION_WAS.format(prompt=asked.prompt), COMMAND)
        else:
            turn.say(last_bot_text(turn.tracker) or texts.NOTHING_TO_REPEAT, turn.mode)
        return waiting(turn.mode)

    @staticmethod
    async def current(turn: Turn) -> OpenQuestion | None:
        known = turn.open_question
        try:
            body = await turn.api.current(turn.learner_id)
        except ApiError:
            return None
        return OpenQuestion.from_api(
            body, known.position if known else None, known.total if known else None
        )


class ActionHint(VivaAction):
    def name(self) -> str:
        return "action_hint"

    async def act(self, turn: Turn) -> list[EventType]:
        question = turn.open_question
        if not turn.form_active or question is None:
            turn.say(texts.HINT_NEEDS_QUESTION)
            return []
        try:
            hint = (await turn.api.hint(question.attempt_id)).get("hint")
        except ApiError:
            hint = None
        turn.say(hint or texts.HINT_UNAVAILABLE, ANSWER, question)
        return []


class ActionReveal(VivaAction):
    """Tell me the answer, or I don't know: the model answer, then wait for next."""

    def name(self) -> str:
        return "action_reveal"

    async def act(self, turn: Turn) -> list[EventType]:
        question = turn.open_question
        if question is None:
            turn.say(texts.NOTHING_TO_REVEAL)
            return []
        try:
            model_answer = (await turn.api.reveal(question.attempt_id)).get("model_answer")
        except ApiError:
            model_answer = None
        if not model_answer:
            turn.say(texts.REVEAL_UNAVAILABLE, COMMAND)
            return waiting(COMMAND)
        text = texts.MODEL_ANSWER.format(answer=model_answer)
        if turn.intent == "dont_know":
            text = f"{texts.NO_PROBLEM} {text}"
        turn.say(text, COMMAND)
        return waiting(COMMAND)


class ActionNoOpenQuestion(QuestionOpener):
    """Something that sounds like an answer arrived while no question is open.

    If a question was open but the form is gone (a new Rasa session after a long break), the
    open attempt is fetched from the app and asked again, so the learner can answer it.
    """

    def name(self) -> str:
        return "action_no_open_question"

    async def act(self, turn: Turn) -> list[EventType]:
        if turn.tracker.get_slot("viva_mode") == ANSWER:
            question = await ActionRepeatQuestion.current(turn)
            if question is not None:
                turn.say(texts.LOST_THE_THREAD.format(prompt=question.prompt), ANSWER, question)
                return question.slot_events() + answering()
        turn.say(texts.NO_QUESTION_AFTER_FEEDBACK if turn.mode == COMMAND else texts.NO_QUESTION)
        return waiting(turn.mode)


class ActionAskAnswerText(Action):
    """The form's request for `answer_text`.

    Whoever opened or returned to the form has already spoken this turn (the question, a hint,
    a rate change), so this stays silent then; it only speaks, the question again, if the turn
    would otherwise be empty.
    """

    def name(self) -> str:
        return "action_ask_answer_text"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if bot_spoke_this_turn(tracker):
            return []
        question = OpenQuestion.from_slots(tracker)
        if question is None:
            dispatcher.utter_message(text=texts.LOST_TRACK, json_message=payload.build(IDLE))
        else:
            dispatcher.utter_message(
                text=texts.QUESTION_AGAIN.format(prompt=question.prompt),
                json_message=payload.build(ANSWER, question),
            )
        return []


class ValidateAnswerForm(FormValidationAction):
    """Fills and checks `answer_text`.

    The domain's from_text mapping takes every message that is not a control intent. For a
    control intent, `extract_answer_text` still takes the text as the answer when it does not
    count as a command (actions/commands.py): long and not near-certain.
    """

    def name(self) -> str:
        return "validate_answer_form"

    async def extract_answer_text(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        # Only while the form waits for the answer: not at activation, when the latest message
        # is the "start"/"next" that opened it.
        if tracker.active_loop_name != ANSWER_FORM:
            return {}
        if tracker.get_slot("requested_slot") != "answer_text":
            return {}
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        if intent.get("name") not in control_intents_from_domain(domain, DEFAULT_CONTROL_INTENTS):
            return {}
        text = message.get("text") or ""
        confidence = float(intent.get("confidence") or 0.0)
        if counts_as_command(text, confidence):
            return {}
        logger.info(
            "taking %r (%s, %.2f) as the answer: long and not certain",
            text,
            intent.get("name"),
            confidence,
        )
        return {"answer_text": text}

    async def validate_answer_text(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if value is None:
            return {"answer_text": None}  # reset by the action that asked the question
        text = str(value).strip()
        if is_hesitation(text):
            dispatcher.utter_message(
                text=texts.EMPTY_ANSWER,
                json_message=payload.build(ANSWER, OpenQuestion.from_slots(tracker)),
            )
            return {"answer_text": None}
        return {"answer_text": text}
