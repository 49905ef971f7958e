"""One learner's conversation, as every client (text mode, voice bot) drives it.

The path is always app → Rasa → actions → app API, and each answer takes it once: the client
stores and grades the whole candidate answer in the app *before* anything goes to Rasa (so a
failing action loses nothing), then sends Rasa the text (cut to `MAX_MESSAGE_CHARS`: Rasa only
needs it to tell an answer from a command) with the attempt and the stored candidate's key in
the metadata. The answer action confirms that stored candidate by its key, and the feedback
comes from its stored grading. The client keeps the state the bot's `custom` payload reports.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from dialogue.client import DialogueClient
from dialogue.exceptions import DialogueUnavailable
from dialogue.payload import BotTurn, TurnState, latest_state

log = logging.getLogger(__name__)

# What a client sends to start each study mode.
START_INTENTS = {
    "drill": "/start_drill",
    "eli5": "/start_eli5",
    "baseline": "/start_baseline",
    "flashcards": "/start_flashcards",
    "cram": "/start_cram",
}

NOT_HEARD = "Sorry, I didn't catch that. Say repeat, skip, or hint at any time."
NO_REPLY = "Sorry, something went wrong on my side. Please say that again."
UNAVAILABLE = (
    "Sorry, my dialogue service is not answering right now. Anything you said is saved; try again in a moment."
)


@dataclass(frozen=True)
class AnswerAudio:
    """What the voice bot knows about a spoken answer when it sends its transcript."""

    audio_id: str | None = None
    duration: float | None = None
    confidence: float | None = None
    words: tuple[Mapping[str, Any], ...] = ()


class StudyBackend(Protocol):
    """The part of the study service a client calls directly (in-process)."""

    def record_transcript(self, attempt_id: str, text: str, **details: Any) -> Mapping[str, Any]: ...


@dataclass
class Conversation:
    learner_id: str
    dialogue: DialogueClient
    study: StudyBackend
    state: TurnState = field(default_factory=lambda: TurnState(mode="idle"))
    foresee: Callable[[str, str | None], None] | None = None
    """Told, once an answer is stored and before Rasa is asked, what the learner said and the
    reply confirming it gives (the voice bot starts synthesising it beside the Rasa turn)."""

    async def learner_said(
        self, text: str, *, typed: bool = False, audio: AnswerAudio | None = None, carried: str = ""
    ) -> list[BotTurn]:
        """Handle one learner utterance (final transcript or typed line); never returns [].

        `carried`: what the learner said toward the open attempt before a reconnect; the stored
        candidate is `carried` + `text`, while Rasa decides on `text` alone (a "skip" after a
        reconnect is still a command)."""
        text = " ".join(text.split())
        if not text:
            return [BotTurn(NOT_HEARD, None)]
        metadata: dict[str, Any] = {"typed": typed}
        if self.state.answering:
            stored, reply = await self._store_candidate(text, typed, audio, carried)
            metadata.update(stored)
            if self.foresee is not None:
                self.foresee(text, reply)
        return await self.send(text, metadata)

    async def send(self, text: str, metadata: Mapping[str, Any] | None = None) -> list[BotTurn]:
        """Send raw text (or `/intent`) to Rasa and track the resulting state."""
        try:
            turns = await self.dialogue.send(self.learner_id, text, metadata)
        except DialogueUnavailable as exc:
            log.warning("dialogue unavailable: %s", exc)
            return [BotTurn(UNAVAILABLE, None)]
        if not turns:  # e.g. Rasa up but its action server down
            log.warning("the dialogue returned no reply")
            turns = [BotTurn(NO_REPLY, None)]
        self.state = latest_state(turns, self.state)
        return turns

    async def begin(self, intent: str) -> list[BotTurn]:
        """Start a drill or mode (`/start_drill`, …) in a fresh Rasa session.

        Rasa loads, featurises and ships the tracker's events since the last session start to the
        action server on every turn, so a new session per drill keeps turn latency flat over a day.
        """
        with contextlib.suppress(DialogueUnavailable):  # `send` below reports it
            await self.dialogue.send(self.learner_id, "/session_start", None)
        return await self.send(intent)

    async def resume(self) -> list[BotTurn]:
        """After a reconnect: repeat the open question, or greet when nothing is running."""
        return await self.send("/repeat" if self.state.answering else "/greet")

    async def _store_candidate(
        self, text: str, typed: bool, audio: AnswerAudio | None, carried: str
    ) -> tuple[dict[str, Any], str | None]:
        """Store and grade the whole candidate: the metadata Rasa's answer action needs, and the
        reply confirming it gives (None when unknown)."""
        attempt_id = self.state.attempt_id
        assert attempt_id is not None
        details: dict[str, Any] = {"final": True, "typed": typed}
        if carried:
            details["carried"] = carried
        if audio is not None:
            details.update(
                audio_id=audio.audio_id, duration=audio.duration, confidence=audio.confidence, words=list(audio.words)
            )
        try:
            stored = await asyncio.to_thread(self.study.record_transcript, attempt_id, text, **details)
        except Exception:  # the answer still reaches Rasa (whose action then sends the text); logged, not spoken
            log.exception("storing the candidate answer failed (attempt %s)", attempt_id)
            return {"attempt_id": attempt_id}, None
        reply = stored.get("reply")
        metadata = {"attempt_id": attempt_id, "candidate": stored.get("candidate")}
        return metadata, reply if isinstance(reply, str) else None
