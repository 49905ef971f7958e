"""What a silence means once Viva has finished speaking and waits for the learner.

A drill question's answer is nudged once (`REPROMPT`) and then left alone: a spoken answer can
take a while. In a card review (the phone in a pocket, no screen), a silence re-prompts once with
what the learner may say, and a second silence pauses the review (the dialogue announces it);
after a pause Viva waits, without nudging, until the learner speaks, types or presses a button.

Pure and synchronous: the session owns the timer and asks this policy what to do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from dialogue.payload import TurnState

REPROMPT = "Take your time. Say hint if you're stuck, or repeat to hear the question again."
CARD_REPROMPT = "Take your time. Answer the card, or say show me to hear the answer, or repeat to hear it again."
RATING_REPROMPT = "How did that go? Say again, hard, good or easy, or repeat to hear the answer again."
PAUSE_INTENT = "/pause"

# What the learner says (or a button sends) to pause: the review then waits without nudging.
_PAUSE_WORDS = {"pause", "/pause", "pause it", "pause please", "pause the review", "hold on", "wait"}


class NudgeKind(StrEnum):
    REPROMPT = "reprompt"
    """Say `text` and keep waiting."""
    PAUSE = "pause"
    """Ask the dialogue to pause (it announces how to carry on)."""


@dataclass(frozen=True)
class Nudge:
    kind: NudgeKind
    text: str = ""


def is_pause(text: str) -> bool:
    """A pause command, said or typed ("Pause.", "/pause")."""
    return re.sub(r"[^\w/' ]+", "", text.lower()).strip() in _PAUSE_WORDS


class SilencePolicy:
    """Counts the silences since the learner last did something."""

    def __init__(self, after_s: float) -> None:
        self.after_s = after_s
        """Seconds of silence before a nudge (0 = never nudge)."""
        self._silences = 0
        self._paused = False

    @property
    def paused(self) -> bool:
        return self._paused

    def learner_acted(self, text: str = "") -> None:
        """The learner said, typed or pressed something: start counting afresh (a pause holds)."""
        self._silences = 0
        self._paused = is_pause(text)

    def wait_for(self, state: TurnState) -> float | None:
        """Seconds to wait before `nudge`, or None when this silence should pass unremarked."""
        if self.after_s <= 0 or self._paused:
            return None
        if state.card is not None and state.mode in ("answer", "rating"):
            return self.after_s if self._silences < 2 else None
        if state.answering:
            return self.after_s if self._silences < 1 else None
        return None

    def nudge(self, state: TurnState) -> Nudge | None:
        """The silence lasted `wait_for(state)`: what to do about it (None: nothing)."""
        if self.wait_for(state) is None:
            return None
        self._silences += 1
        if state.card is None:
            return Nudge(NudgeKind.REPROMPT, REPROMPT)
        if self._silences >= 2:
            self._paused = True
            return Nudge(NudgeKind.PAUSE)
        return Nudge(NudgeKind.REPROMPT, RATING_REPROMPT if state.mode == "rating" else CARD_REPROMPT)
