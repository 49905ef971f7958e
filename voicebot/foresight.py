"""Speaking a reply before the dialogue gives it.

Some replies are known before Rasa answers: the feedback on a stored answer is built from its
grading (the study service says it when the candidate is stored), and a card's back is the
card's. The piece such a reply's start waits for is synthesised into the TTS cache while the
Rasa turn runs (`Speaker.rehearse`), so the reply starts from the cache. Only a cache is
warmed: when the dialogue says something else (the learner's words were a command after all),
the real reply is synthesised as usual.

No aiortc here: the session supplies how to rehearse a text and how to read a card's back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from asr.done_phrases import command_match
from dialogue.payload import TurnState
from voicebot.biasing import commands_for
from voicebot.turns import TurnInput

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, Any], str], "asyncio.Task[Any]"]
Rehearse = Callable[[str], Coroutine[Any, Any, Any]]
CardBack = Callable[[int], Coroutine[Any, Any, "str | None"]]


def worth_rehearsing(said: str, state: TurnState) -> bool:
    """A reply to `said` is worth synthesising ahead unless `said` is a command of the mode
    (a command's reply is not the feedback or the back, and it should not wait behind one)."""
    return bool(said.strip()) and command_match(said, commands_for(state.mode)) is None


def reviewing_front(state: TurnState) -> bool:
    """A card's front waits for the learner's answer (its back comes next)."""
    return state.card is not None and state.mode == "answer"


class Foresight:
    """Starts synthesis of the reply a turn will most likely get, beside the Rasa turn.

    rehearse: synthesise the start of a text into the TTS cache (awaitable; off the loop).
    card_back: what Viva says when a card's back is revealed, or None (blocking reads run by
        the caller off the loop).
    spawn: start an owned task (the session cancels them on close).
    """

    def __init__(
        self,
        rehearse: Rehearse,
        card_back: CardBack,
        spawn: Spawn,
    ) -> None:
        self._rehearse = rehearse
        self._card_back = card_back
        self._spawn = spawn
        self.started = 0
        """Rehearsals started (answers and card backs)."""

    def answer_stored(self, said: str, reply: str | None, state: TurnState) -> None:
        """The candidate answer `said` is stored; confirming it makes the dialogue say `reply`."""
        if reply and worth_rehearsing(said, state):
            self._start(self._rehearse(reply), "rehearse-feedback")

    def input_taken(self, item: TurnInput, state: TurnState) -> None:
        """The turn worker took `item` while the bot was in `state`: an answer to a card's
        front gets the card's back (an answer to a question waits for its grading instead)."""
        if item.kind in ("final", "text") and reviewing_front(state) and worth_rehearsing(item.text, state):
            assert state.card is not None
            self._start(self._rehearse_back(state.card.id), "rehearse-back")

    async def _rehearse_back(self, card_id: int) -> None:
        back = await self._card_back(card_id)
        if back:
            await self._rehearse(back)

    def _start(self, coro: Coroutine[Any, Any, Any], name: str) -> None:
        self.started += 1
        self._spawn(coro, name)
