"""The card review loop: start, say the front, take the answer or "show me", say the back,
take the rating, next card, and "repeat", "skip", "how many left".

Two forms carry it (data/rules.yml): `card_form` waits for the answer to the front (payload
mode `answer`), `rating_form` for the rating (mode `rating`), where "yes"/"good"/"next" fill
the rating instead of meaning agreement. The payload's `card` and `expect` let the voice bot
choose endpointing and biasing (docs/internal-api.md)."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import payload, texts
from .api import ApiError
from .base import CARD_FORM, RATING_FORM, Turn, VivaAction, mode_events
from .commands import control_intents_from_domain, counts_as_command, is_hesitation
from .payload import ANSWER, COMMAND, IDLE, RATING
from .question import bot_spoke_this_turn
from .session import spoken_error

logger = logging.getLogger(__name__)

CARD_MODES = {"start_flashcards": "flashcards", "start_cram": "cram"}


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def _card_slot(body: dict[str, Any]) -> dict[str, Any] | None:
    card = body.get("card")
    if not isinstance(card, dict) or card.get("id") is None:
        return None
    return {
        **card,
        "position": body.get("position"),
        "total": body.get("total"),
        "remaining": body.get("remaining"),
    }


def no_card(mode: str) -> list[EventType]:
    """Nothing to review: the rules wait for the learner."""
    return [
        SlotSet("card", None),
        SlotSet("awaiting_card", False),
        SlotSet("awaiting_rating", False),
        *mode_events(mode),
    ]


def card_served(card: dict[str, Any]) -> list[EventType]:
    """A card's front was said: the rules open card_form."""
    return [
        SlotSet("card", card),
        SlotSet("card_answer", None),
        SlotSet("card_rating", None),
        SlotSet("awaiting_card", True),
        SlotSet("awaiting_rating", False),
        *mode_events(ANSWER),
    ]


def back_said() -> list[EventType]:
    """A card's back was said: the rules open rating_form."""
    return [
        SlotSet("card_rating", None),
        SlotSet("awaiting_rating", True),
        SlotSet("awaiting_card", False),
        *mode_events(RATING),
    ]


async def serve_next(turn: Turn, lead: str = "", numbered: bool = True) -> list[EventType]:
    try:
        body = await turn.api.next_card(turn.learner_id)
    except ApiError as e:
        turn.say(_join(lead, spoken_error(e, texts.CARD_LOST)), IDLE)
        return no_card(IDLE)
    if body.get("done"):
        turn.say(_join(lead, body.get("lead") or "", body.get("summary") or ""), IDLE)
        return no_card(IDLE)
    card = _card_slot(body)
    if card is None:
        raise ValueError(f"next-card reply without a card: {body!r}")
    front = str(card.get("spoken_front") or card.get("front") or "")
    if numbered and card.get("position") and card.get("total"):
        front = texts.CARD_NUMBERED.format(position=card["position"], total=card["total"], front=front)
    turn.say(_join(lead, body.get("lead") or "", front), ANSWER, card=card)
    return card_served(card)


class ActionStartCards(VivaAction):
    """Review cards ("flashcards") or the blitz ("card blitz", no schedule change)."""

    def name(self) -> str:
        return "action_start_cards"

    def failure_events(self, turn: Turn) -> list[EventType]:
        return no_card(IDLE)

    async def act(self, turn: Turn) -> list[EventType]:
        mode = CARD_MODES.get(turn.intent or "", "flashcards")
        try:
            body = await turn.api.start_session(turn.learner_id, mode)
        except ApiError as e:
            # 409: nothing due (the message says when the next card is); the old session runs on.
            fallback = COMMAND if turn.tracker.get_slot("viva_mode") == COMMAND else IDLE
            turn.say(spoken_error(e, texts.LOST_TRACK), fallback)
            return no_card(fallback)
        events: list[EventType] = [SlotSet("session_mode", mode)]
        return events + await serve_next(turn, lead=body.get("intro") or "", numbered=False)


class ActionCardBack(VivaAction):
    """The answer is in (or "show me"): say the back and ask for a rating."""

    def name(self) -> str:
        return "action_card_back"

    def failure_events(self, turn: Turn) -> list[EventType]:
        return no_card(IDLE)

    async def act(self, turn: Turn) -> list[EventType]:
        card = turn.card
        if card is None:
            turn.say(texts.CARD_LOST, IDLE)
            return no_card(IDLE)
        answer = turn.tracker.get_slot("card_answer")
        try:
            if answer:
                body = await turn.api.card_answer(card["id"], str(answer))
            else:
                body = await turn.api.card_reveal(card["id"])
        except ApiError as e:
            if e.status == 409:  # the session moved on (a reconnect): serve what is current
                return await serve_next(turn, lead=spoken_error(e, ""))
            turn.say(texts.CARD_LOST, IDLE)
            return no_card(IDLE)
        turn.say(str(body.get("text") or body.get("back") or ""), RATING, card=card)
        return back_said()


class ActionCardRate(VivaAction):
    """The rating is in: rate the card, then the next card (or the summary)."""

    def name(self) -> str:
        return "action_card_rate"

    def failure_events(self, turn: Turn) -> list[EventType]:
        return no_card(IDLE)

    async def act(self, turn: Turn) -> list[EventType]:
        card, rating = turn.card, turn.tracker.get_slot("card_rating")
        if card is None:
            turn.say(texts.CARD_LOST, IDLE)
            return no_card(IDLE)
        try:
            lead = (await turn.api.card_rate(card["id"], str(rating or "good"))).get("text") or ""
        except ApiError as e:
            lead = spoken_error(e, texts.RATE_NOT_SAVED)
        return [SlotSet("card_rating", None), *await serve_next(turn, lead=lead)]


class ActionCardRepeat(VivaAction):
    """Repeat: the front while answering, the back while rating."""

    def name(self) -> str:
        return "action_card_repeat"

    async def act(self, turn: Turn) -> list[EventType]:
        card = turn.card
        if card is None:
            turn.say(texts.CARD_LOST, IDLE)
            return no_card(IDLE)
        if turn.tracker.active_loop_name == RATING_FORM:
            try:
                body = await turn.api.card_reveal(card["id"])
                turn.say(str(body.get("text") or ""), RATING, card=card)
            except ApiError:
                turn.say(texts.RATE_PLEASE, RATING, card=card)
            return []
        front = str(card.get("spoken_front") or card.get("front") or "")
        turn.say(texts.CARD_AGAIN.format(front=front), ANSWER, card=card)
        return []


class ActionCardSkip(VivaAction):
    def name(self) -> str:
        return "action_card_skip"

    def failure_events(self, turn: Turn) -> list[EventType]:
        return no_card(IDLE)

    async def act(self, turn: Turn) -> list[EventType]:
        card = turn.card
        if card is not None:
            try:
                await turn.api.card_skip(card["id"])
            except ApiError as e:
                if e.status != 409:
                    turn.say(texts.CARD_LOST, IDLE)
                    return no_card(IDLE)
        return await serve_next(turn, lead=texts.CARD_SKIPPED)


class ActionCardLeft(VivaAction):
    """How many left: cards in a review, questions in a drill."""

    def name(self) -> str:
        return "action_card_left"

    async def act(self, turn: Turn) -> list[EventType]:
        if turn.card_form_active:
            try:
                text = (await turn.api.review_status(turn.learner_id)).get("text") or ""
            except ApiError:
                text = ""
            card = turn.card or {}
            text = text or f"Card {card.get('position')} of {card.get('total')}."
            turn.say(text)
            return []
        question = turn.open_question
        if question is not None and question.position and question.total and turn.mode != IDLE:
            turn.say(texts.QUESTIONS_LEFT.format(position=question.position, total=question.total))
        else:
            turn.say(texts.CARDS_LEFT_NONE)
        return []


class ActionCardRatingPrompt(VivaAction):
    """Something that is not a rating while a rating is expected."""

    def name(self) -> str:
        return "action_card_rating_prompt"

    async def act(self, turn: Turn) -> list[EventType]:
        turn.say(texts.RATE_PLEASE, RATING)
        return []


class ActionCardNotRating(VivaAction):
    """A rating word ("good", "nailed it") when no card waits for one."""

    def name(self) -> str:
        return "action_card_not_rating"

    async def act(self, turn: Turn) -> list[EventType]:
        turn.say(texts.NOTHING_TO_RATE)
        return []


class _SilentAsk(Action, ABC):
    """A form's request for its slot: whoever opened the form has spoken this turn, so this
    stays silent then; otherwise (an empty turn) it says what is expected again."""

    form_mode = ANSWER

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    def text(self, card: dict[str, Any]) -> str: ...

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        if bot_spoke_this_turn(tracker):
            return []
        card = tracker.get_slot("card")
        if not isinstance(card, dict):
            dispatcher.utter_message(text=texts.CARD_LOST, json_message=payload.build(IDLE))
            return []
        dispatcher.utter_message(
            text=self.text(card), json_message=payload.build(self.form_mode, card=card)
        )
        return []


class ActionAskCardAnswer(_SilentAsk):
    def name(self) -> str:
        return "action_ask_card_answer"

    def text(self, card: dict[str, Any]) -> str:
        return texts.CARD_AGAIN.format(front=card.get("spoken_front") or card.get("front") or "")


class ActionAskCardRating(_SilentAsk):
    form_mode = RATING

    def name(self) -> str:
        return "action_ask_card_rating"

    def text(self, card: dict[str, Any]) -> str:
        return texts.RATE_PLEASE


class ValidateCardForm(FormValidationAction):
    """The answer to a card's front: long control-looking answers stay answers (as in the
    answer form), hesitations are not answers."""

    def name(self) -> str:
        return "validate_card_form"

    async def extract_card_answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if tracker.active_loop_name != CARD_FORM:
            return {}
        if tracker.get_slot("requested_slot") != "card_answer":
            return {}
        message = tracker.latest_message or {}
        intent = message.get("intent") or {}
        if intent.get("name") not in control_intents_from_domain(domain, ()):
            return {}
        text = message.get("text") or ""
        if counts_as_command(text, float(intent.get("confidence") or 0.0)):
            return {}
        return {"card_answer": text}

    async def validate_card_answer(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        if value is None:
            return {"card_answer": None}
        text = str(value).strip()
        if is_hesitation(text):
            card = tracker.get_slot("card")
            dispatcher.utter_message(
                text=texts.CARD_EMPTY_ANSWER,
                json_message=payload.build(ANSWER, card=card if isinstance(card, dict) else None),
            )
            return {"card_answer": None}
        return {"card_answer": text}
