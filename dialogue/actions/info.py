"""Actions that answer without moving the session: greet, today's topic, progress, help,
speaking rate, pause, and the default fallback."""

from __future__ import annotations

from rasa_sdk.events import EventType, SlotSet, UserUtteranceReverted

from . import texts
from .api import ApiError
from .base import Turn, VivaAction
from .payload import ANSWER, COMMAND, RATING

RATES = (0.8, 1.0, 1.25)
"""Speaking rates, slowest first; "slower"/"faster" step through them and stop at the ends."""


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())


def plan_text(plan: dict) -> tuple[str, str]:
    """What to say about the plan, and the question in it that "yes"/"no" may answer.

    The summary may already contain the fit message; it is added only if it does not. The fit
    message is an offer only while it asks something ("...; shall we double up?") and the
    learner is not doubling up already ("Even doubling up, ... won't fit" is a statement)."""
    summary, fit = str(plan.get("summary") or ""), str(plan.get("fit_message") or "")
    if fit and fit not in summary:
        summary = _join(summary, fit)
    offer = fit if fit.rstrip().endswith("?") and not plan.get("double_up") else ""
    return summary, offer


def offer_events(offer: str) -> list[EventType]:
    """Remember the plan's fit question ("shall we double up?") so "yes"/"no" can answer it."""
    return [SlotSet("offer", offer or None)]


class ActionGreet(VivaAction):
    def name(self) -> str:
        return "action_greet"

    async def act(self, turn: Turn) -> list[EventType]:
        if turn.mode == COMMAND:
            turn.say(texts.GREET_COMMAND)
            return []
        try:
            plan = await turn.api.plan(turn.learner_id)
        except ApiError:
            turn.say(texts.GREET_IDLE_NO_PLAN)
            return []
        summary, offer = plan_text(plan)
        if offer:  # no "say start" after the plan's question: "yes"/"no" answer it
            turn.say(texts.GREET_OFFER.format(summary=summary))
        elif summary:
            turn.say(texts.GREET_IDLE.format(summary=summary))
        else:
            turn.say(texts.GREET_IDLE_NO_PLAN)
        return offer_events(offer)


class ActionPlanStatus(VivaAction):
    """What's today's topic: the plan's spoken summary, and its fit warning."""

    def name(self) -> str:
        return "action_plan_status"

    async def act(self, turn: Turn) -> list[EventType]:
        offer = ""
        try:
            plan = await turn.api.plan(turn.learner_id)
            text, offer = plan_text(plan)
            text = text or texts.PLAN_UNAVAILABLE
        except ApiError:
            text = texts.PLAN_UNAVAILABLE
        if turn.form_active or turn.card_form_active:
            text = _join(text, texts.BACK_TO_QUESTION if turn.form_active else texts.BACK_TO_CARD)
            offer = ""  # "yes" during an answer is an answer, not a reply to the offer
        turn.say(text)
        return offer_events(offer)


class ActionProgress(VivaAction):
    def name(self) -> str:
        return "action_progress"

    async def act(self, turn: Turn) -> list[EventType]:
        try:
            text = (await turn.api.progress(turn.learner_id)).get("summary") or ""
        except ApiError:
            text = ""
        text = text or texts.PROGRESS_UNAVAILABLE
        if turn.form_active or turn.card_form_active:
            text = _join(text, texts.BACK_TO_QUESTION if turn.form_active else texts.BACK_TO_CARD)
        turn.say(text)
        return []


class ActionHelp(VivaAction):
    def name(self) -> str:
        return "action_help"

    async def act(self, turn: Turn) -> list[EventType]:
        help_text = {ANSWER: texts.HELP_ANSWER, COMMAND: texts.HELP_COMMAND, RATING: texts.HELP_RATING}
        if turn.card_form_active and turn.mode == ANSWER:
            help_text[ANSWER] = texts.HELP_CARD
        turn.say(help_text.get(turn.mode, texts.HELP_IDLE))
        return []


class ActionChangeRate(VivaAction):
    """Slower / faster: one step of RATES; the payload's `rate` carries the new value."""

    def name(self) -> str:
        return "action_change_rate"

    async def act(self, turn: Turn) -> list[EventType]:
        current = turn.tracker.get_slot("speech_rate")
        current = float(current) if current is not None else 1.0
        index = min(range(len(RATES)), key=lambda i: abs(RATES[i] - current))
        if turn.intent == "faster":
            new_index = min(index + 1, len(RATES) - 1)
            text = texts.FASTER if new_index != index else texts.FASTEST
        else:
            new_index = max(index - 1, 0)
            text = texts.SLOWER if new_index != index else texts.SLOWEST
        rate = RATES[new_index]
        turn.say(text, rate=rate)
        return [SlotSet("speech_rate", rate)]


class ActionPause(VivaAction):
    def name(self) -> str:
        return "action_pause"

    async def act(self, turn: Turn) -> list[EventType]:
        pause_text = {ANSWER: texts.PAUSE_ANSWER, COMMAND: texts.PAUSE_COMMAND, RATING: texts.PAUSE_RATING}
        if turn.mode == ANSWER and turn.card_form_active:
            pause_text[ANSWER] = texts.PAUSE_CARD  # a card's front, not a drill question
        turn.say(pause_text.get(turn.mode, texts.PAUSE_IDLE))
        return []


class ActionDefaultFallback(VivaAction):
    """Rasa's core fallback, overridden so the apology carries the payload of the current state
    (utter_default's own static payload is only right outside the answer form)."""

    def name(self) -> str:
        return "action_default_fallback"

    async def act(self, turn: Turn) -> list[EventType]:
        turn.say_response("utter_default")
        return [UserUtteranceReverted()]
