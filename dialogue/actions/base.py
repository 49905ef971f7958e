"""`VivaAction`: the frame of every action. One turn never raises and never ends silent."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import payload, texts
from .api import ApiOptions, VivaApi
from .payload import ANSWER, COMMAND, IDLE, RATING, OpenQuestion

logger = logging.getLogger(__name__)

ANSWER_FORM = "answer_form"
CARD_FORM = "card_form"
RATING_FORM = "rating_form"


@dataclass
class Turn:
    """What an action needs for one turn, and the one way it speaks (text + payload)."""

    dispatcher: CollectingDispatcher
    tracker: Tracker
    domain: dict[str, Any]
    api: VivaApi
    said: int = 0

    @property
    def learner_id(self) -> str:
        return self.tracker.sender_id

    @property
    def intent(self) -> str | None:
        return (self.tracker.latest_message.get("intent") or {}).get("name")

    @property
    def form_active(self) -> bool:
        return self.tracker.active_loop_name == ANSWER_FORM

    @property
    def card_form_active(self) -> bool:
        return self.tracker.active_loop_name in (CARD_FORM, RATING_FORM)

    @property
    def card(self) -> dict[str, Any] | None:
        card = self.tracker.get_slot("card")
        return card if isinstance(card, dict) else None

    @property
    def mode(self) -> str:
        """The payload mode in force: the forms decide `answer` (a question or a card's front)
        and `rating` (a card's back was said); otherwise the viva_mode slot."""
        if self.form_active or self.tracker.active_loop_name == CARD_FORM:
            return ANSWER
        if self.tracker.active_loop_name == RATING_FORM:
            return RATING
        mode = self.tracker.get_slot("viva_mode")
        return COMMAND if mode == COMMAND else IDLE

    @property
    def open_question(self) -> OpenQuestion | None:
        return OpenQuestion.from_slots(self.tracker)

    def say(
        self,
        text: str,
        mode: str | None = None,
        question: OpenQuestion | None = None,
        rate: float | None = None,
        card: dict[str, Any] | None = None,
    ) -> None:
        """Utter `text` with its payload; mode, question and card default to the current state."""
        mode = mode or self.mode
        if card is None and mode in (ANSWER, RATING) and self.card_form_active:
            card = self.card
        if question is None and mode == ANSWER and card is None:
            question = self.open_question
        self.dispatcher.utter_message(
            text=text, json_message=payload.build(mode, question, rate, card)
        )
        self.said += 1

    def say_response(self, response: str, mode: str | None = None) -> None:
        """Utter a domain response (its text) with the payload of the current state."""
        mode = mode or self.mode
        card = self.card if self.card_form_active else None
        self.dispatcher.utter_message(
            response=response, json_message=payload.build(mode, self.open_question, card=card)
        )
        self.said += 1


def last_bot_text(tracker: Tracker) -> str | None:
    for event in reversed(tracker.events):
        if event.get("event") == "bot" and event.get("text"):
            return str(event["text"])
    return None


def changed_slots_only(tracker: Tracker, events: list[EventType]) -> list[EventType]:
    """Drop `slot` events that set a slot to the value it already holds.

    Rasa stores, reloads and deserialises every event of the session on every turn (and ships
    them to this server), so re-setting a dozen unchanged slots per turn made each turn slower
    than the last. The rules and policies only see slot values, which this leaves as they were.
    """
    values = dict(tracker.slots)
    kept: list[EventType] = []
    for event in events:
        if event.get("event") == "slot":
            name, value = event.get("name"), event.get("value")
            if name in values and values[name] == value:
                continue
            values[name] = value
        kept.append(event)
    return kept


def mode_events(mode: str) -> list[EventType]:
    return [SlotSet("viva_mode", mode)]


class VivaAction(Action, ABC):
    """Base of Viva's actions. Subclasses implement `act`; `run` guarantees a spoken reply.

    Any exception (a bug, an unexpected API body) becomes an apology in the current mode and
    `failure_events`, so Rasa's rules still find a way forward.
    """

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def act(self, turn: Turn) -> list[EventType]: ...

    def failure_events(self, turn: Turn) -> list[EventType]:
        return []

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        turn = Turn(dispatcher, tracker, domain, VivaApi(ApiOptions.from_env()))
        try:
            events = await self.act(turn)
        except Exception:  # noqa: BLE001 - a turn must never fail
            logger.exception("action %s failed", self.name())
            dispatcher.messages.clear()
            turn.said = 0
            events = self.failure_events(turn)
        if not turn.said:
            if turn.form_active or turn.card_form_active:
                turn.say(texts.STILL_ANSWERING, turn.mode)
            else:
                turn.say(texts.LOST_TRACK, IDLE)
        return changed_slots_only(tracker, events)


class QuestionOpener(VivaAction, ABC):
    """An action after which the rules open the answer form (awaiting_answer true) or wait."""

    def failure_events(self, turn: Turn) -> list[EventType]:
        if turn.form_active or turn.card_form_active:
            return []
        return [SlotSet("awaiting_answer", False), *mode_events(IDLE)]
