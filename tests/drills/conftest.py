"""Fixtures for the drills tests: the real content pack, a study service on SQLite in tmp_path."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from drills.content_loader import load_pack
from drills.content_model import ContentPack
from drills.grading import KeyPointGrader
from drills.results import Turn
from drills.service import StudyService
from drills.store import make_engine, make_session_factory, upgrade_database

START = date(2026, 8, 6)
WRONG = "I am not sure, I would have to look that up."


@pytest.fixture(scope="session")
def pack() -> ContentPack:
    return load_pack()


class Clock:
    """The service's calendar, settable by tests (progress never depends on it)."""

    def __init__(self, today: date = START) -> None:
        self.today = today

    def __call__(self) -> date:
        return self.today


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty study store on each backend: a SQLite file, or a new database on the
    run's real PostgreSQL server (skipped with the reason where PostgreSQL is absent)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'viva.db'}"
    server = request.getfixturevalue("postgres")
    return server.url(server.new_database())


@pytest.fixture
def service(pack: ContentPack, db_url: str, clock: Clock) -> Iterator[StudyService]:
    upgrade_database(db_url)
    study = StudyService(pack, make_session_factory(make_engine(db_url)), KeyPointGrader(), clock=clock)
    yield study
    study.close()


def good_answer(pack: ContentPack, question_id: str) -> str:
    return pack.item(question_id).answer_text


def run_session(service: StudyService, learner_id: str, answer: Callable[[str], str | None]) -> list[Turn]:
    """Drive the running session to its end; `answer(question_id)` gives the text, None skips."""
    turns = []
    while True:
        turn = service.next_question(learner_id)
        turns.append(turn)
        if turn.done:
            return turns
        assert turn.attempt_id and turn.question
        text = answer(turn.question.id)
        if text is None:
            service.skip(turn.attempt_id)
        else:
            service.submit_answer(turn.attempt_id, text)
