"""Fixtures for the flashcard tests: a learner in a fresh study store, a settable clock.

Imported by each test module (not a conftest.py: `tests/drills/test_*.py` import their own
`conftest` by name, which a second conftest.py below them would shadow)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from drills.cards.options import CardOptions
from drills.content_model import ContentPack
from drills.grading import KeyPointGrader
from drills.service import StudyService
from drills.store import make_engine, make_session_factory, upgrade_database
from voicebot.settings import load_settings


class Now:
    """The card scheduler's clock (UTC), moved by tests."""

    def __init__(self, start: datetime = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)) -> None:
        self.value = start

    def __call__(self) -> datetime:
        return self.value

    def advance(self, **delta: float) -> None:
        self.value += timedelta(**delta)


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def card_options() -> CardOptions:
    return CardOptions(fuzz=False)


@pytest.fixture
def study(pack: ContentPack, db_url: str, now: Now, card_options: CardOptions) -> Iterator[StudyService]:
    upgrade_database(db_url)
    service = StudyService(
        pack, make_session_factory(make_engine(db_url)), KeyPointGrader(), card_options=card_options, now=now
    )
    yield service
    service.close()


@pytest.fixture
def ada(study: StudyService) -> str:
    return study.create_learner("Ada")[0].learner_id


@pytest.fixture(scope="session")
def anki_dir() -> Path:
    environ = {k: v for k, v in os.environ.items() if k == "VIVA_SHARED_DIR"}
    path = load_settings(environ=environ).shared_dir / "anki"
    if not (path / "SOURCES.tsv").is_file():
        pytest.skip(f"shared decks not found at {path} (set VIVA_SHARED_DIR); a user's clone has none")
    return path
