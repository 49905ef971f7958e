"""`viva serve` with both stores on a real PostgreSQL server: the study store (psycopg) and
Rasa's SQL tracker store (psycopg2 in the Rasa venv). A drill started before a restart of the
whole stack goes on after it: the conversation comes back from PostgreSQL, not from memory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from tests.dialogue.helpers import Learner
from tests.support import VivaServer, viva_env

pytestmark = [pytest.mark.slow, pytest.mark.rasa]


@dataclass(frozen=True)
class OnPostgres:
    server: VivaServer
    study_url: str
    tracker_url: str
    """Both as the app's SQLAlchemy (psycopg) reads them."""


@pytest.fixture(scope="module")
def on_postgres(tmp_path_factory: pytest.TempPathFactory, postgres) -> Iterator[OnPostgres]:
    study, tracker = postgres.new_database("study"), postgres.new_database("rasa")
    data = tmp_path_factory.mktemp("viva-pg")
    environment = viva_env(
        data,
        VIVA_STORE__URL=postgres.url(study),
        VIVA_RASA__TRACKER_STORE=postgres.url(tracker, driver=""),  # Rasa's SQLAlchemy 1.4 + psycopg2
    )
    server = VivaServer(data, environment).start()
    yield OnPostgres(server, postgres.url(study), postgres.url(tracker))
    server.stop()


def _scalar(url: str, sql: str, **params: object) -> object:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql), params).scalar()
    finally:
        engine.dispose()


def test_a_drill_survives_a_restart_on_postgresql(on_postgres: OnPostgres) -> None:
    pg_server = on_postgres.server
    learner = Learner(pg_server)
    learner.say("start today's drill")
    question = learner.state.question
    assert question is not None and learner.state.answering
    # Rasa wrote the conversation to PostgreSQL, and nothing to a SQLite tracker file.
    events = _scalar(on_postgres.tracker_url, "SELECT count(*) FROM events WHERE sender_id = :id", id=learner.id)
    assert isinstance(events, int) and events >= 5
    assert not (pg_server.data_dir / "rasa" / "tracker.db").exists()
    assert not (pg_server.data_dir / "viva.db").exists()

    pg_server.stop()
    pg_server.start()
    tracked = pg_server.tracker_events(learner.id)
    assert any(e.get("event") == "user" and e.get("text") == "start today's drill" for e in tracked)
    reply = learner.text(learner.say("repeat the question"))
    assert question.prompt.lower()[:40] in reply  # the open question came back from the tracker
    learner.say("The eigenvector direction is only scaled by the map, so its line is invariant.")
    assert learner.state.mode == "command"
    status = _scalar(
        on_postgres.study_url,
        "SELECT status FROM attempts WHERE learner_id = :id AND question_id = :q ORDER BY created_at DESC",
        id=learner.id,
        q=question.id,
    )
    assert status == "answered"
    later = _scalar(on_postgres.tracker_url, "SELECT count(*) FROM events WHERE sender_id = :id", id=learner.id)
    assert isinstance(later, int) and later > events
