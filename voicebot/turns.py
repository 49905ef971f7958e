"""The turn worker: a session's learner inputs, one at a time and in order, through the
Conversation, each reply handed on to be spoken before the next input is taken.

No aiortc here: the session supplies the conversation, where a spoken answer's audio is, and
what happens around a turn (`TurnHandler`), so the worker is tested with plain doubles.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Literal, Protocol

from dialogue.conversation import AnswerAudio
from dialogue.payload import BotTurn, TurnState
from voicebot.answers import HeardAnswer

log = logging.getLogger(__name__)

InputKind = Literal["final", "text", "intent", "begin"]
QUEUE_SIZE = 16


@dataclass(frozen=True)
class TurnInput:
    """One thing the learner did.

    kind: `final` (a final transcript), `text` (a typed line), `intent` (a button or a resume,
        sent as `/intent`), `begin` (an intent that starts a fresh Rasa session).
    heard: for a final in `answer` mode, where its audio is (the answer's recording).
    """

    kind: InputKind
    text: str
    heard: HeardAnswer | None = None
    typed: bool = False


class Dialogue(Protocol):
    """The part of `dialogue.Conversation` the worker drives."""

    state: TurnState

    async def begin(self, intent: str) -> list[BotTurn]: ...

    async def send(self, text: str) -> list[BotTurn]: ...

    async def learner_said(
        self, text: str, *, typed: bool = False, audio: AnswerAudio | None = None, carried: str = ""
    ) -> list[BotTurn]: ...


class AnswerSource(Protocol):
    """The part of `voicebot.answers.AnswerTaker` a final's turn needs."""

    async def answer_audio(self, heard: HeardAnswer) -> AnswerAudio: ...

    def carried_for(self, attempt_id: str | None) -> str: ...


class TurnHandler(Protocol):
    """What the session does around each turn."""

    def thinking(self, item: TurnInput) -> None:
        """`item` was taken; the dialogue is working on it."""

    async def reply(self, turns: list[BotTurn]) -> None:
        """Say the dialogue's turns (returns once they are spoken, or cut short)."""

    def failed(self, item: TurnInput) -> None:
        """The turn raised (logged already); the learner should hear that it failed."""


class TurnWorker:
    """Owns the bounded input queue; `run` is the session's one worker task."""

    def __init__(
        self,
        dialogue: Dialogue,
        answers: AnswerSource,
        handler: TurnHandler,
        *,
        maxsize: int = QUEUE_SIZE,
        logger: logging.Logger | logging.LoggerAdapter = log,
    ) -> None:
        self.dialogue = dialogue
        self.answers = answers
        self.handler = handler
        self._inputs: asyncio.Queue[TurnInput] = asyncio.Queue(maxsize=maxsize)
        self._log = logger

    def offer(self, item: TurnInput) -> bool:
        """Queue an input; False (and logged) when the queue is full and it was dropped."""
        try:
            self._inputs.put_nowait(item)
        except asyncio.QueueFull:
            self._log.warning("input queue full; dropping %s", item.kind)
            return False
        return True

    async def run(self) -> None:
        while True:
            item = await self._inputs.get()
            self.handler.thinking(item)
            try:
                await self.handler.reply(await self.take(item))
            except Exception:  # one failed turn must not leave the session deaf
                self._log.exception("handling a %s failed", item.kind)
                self.handler.failed(item)

    async def take(self, item: TurnInput) -> list[BotTurn]:
        """The dialogue's reply to one input."""
        if item.kind == "begin":
            return await self.dialogue.begin(item.text)
        if item.kind == "intent":
            return await self.dialogue.send(item.text)
        audio = await self.answers.answer_audio(item.heard) if item.heard is not None else None
        carried = self.answers.carried_for(self.dialogue.state.attempt_id)
        return await self.dialogue.learner_said(item.text, typed=item.typed, audio=audio, carried=carried)
