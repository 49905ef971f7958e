"""Talking to the real trained Rasa over REST the way the app does, and reading the store."""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import Any

from dialogue.client import MAX_MESSAGE_CHARS
from dialogue.payload import BotTurn, TurnState, latest_state, parse_turns
from tests.support import VivaServer, rasa_say


@dataclass
class Learner:
    """A learner talking to Rasa through the same path as the clients: candidate answers are
    stored (and graded) in the app first, then the text (cut as the client cuts it) goes to Rasa
    with the stored candidate's key in the metadata."""

    server: VivaServer
    id: str = field(default_factory=lambda: f"t-{uuid.uuid4().hex[:8]}")
    state: TurnState = field(default_factory=lambda: TurnState(mode="idle"))
    history: list[BotTurn] = field(default_factory=list)

    def __post_init__(self) -> None:
        reply = self.server.api_json("/learners", {"name": self.id})
        self.id = reply["learner_id"]

    def say(self, text: str) -> list[BotTurn]:
        metadata: dict[str, Any] = {"typed": True}
        if self.state.answering and not text.startswith("/"):
            stored = self.server.api_json(
                f"/attempts/{self.state.attempt_id}/transcript", {"text": text, "typed": True}
            )
            metadata.update(attempt_id=self.state.attempt_id, candidate=stored["candidate"])
        turns = parse_turns(rasa_say(self.server, self.id, text[:MAX_MESSAGE_CHARS], metadata))
        assert turns, f"empty reply to {text!r}"
        self.state = latest_state(turns, self.state)
        self.history.extend(turns)
        return turns

    def text(self, turns: list[BotTurn]) -> str:
        return " ".join(t.text for t in turns).lower()


def store(server: VivaServer) -> sqlite3.Connection:
    """Read-only access to the study store (SQLite, WAL) of the running server."""
    connection = sqlite3.connect(f"file:{server.data_dir / 'viva.db'}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    return connection


def attempts(server: VivaServer, learner_id: str) -> list[sqlite3.Row]:
    with store(server) as db:
        return db.execute("SELECT * FROM attempts WHERE learner_id = ? ORDER BY created_at", (learner_id,)).fetchall()
