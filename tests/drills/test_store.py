"""The study store on SQLite and PostgreSQL: Alembic migrations, SQLite pragmas, foreign
keys, durability of committed answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from drills.store import (
    Attempt,
    Base,
    Learner,
    make_engine,
    make_session_factory,
    upgrade_database,
)
from drills.store.database import MIGRATIONS_DIR

TABLES = {
    "learners",
    "sessions",
    "attempts",
    "day_progress",
    "plan_adjustments",
    "baseline_results",
    "card_decks",
    "cards",
    "card_reviews",
    "devices",
    "pairing_codes",
}


def test_upgrade_matches_the_models(db_url: str) -> None:
    upgrade_database(db_url)
    upgrade_database(db_url)  # idempotent at head
    engine = make_engine(db_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
        assert connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == head
    assert set(inspect(engine).get_table_names()) >= TABLES
    assert engine.dialect.name == make_url(db_url).get_backend_name()
    engine.dispose()


def test_sqlite_gets_its_directory_and_pragmas(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'deep' / 'er' / 'viva.db'}"
    upgrade_database(url)
    assert (tmp_path / "deep" / "er" / "viva.db").is_file()
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_foreign_keys_are_enforced(db_url: str) -> None:
    url = db_url
    upgrade_database(url)
    factory = make_session_factory(make_engine(url))
    with pytest.raises(IntegrityError), factory.begin() as db:
        db.add(
            Attempt(
                learner_id="ghost",
                question_id="u01-t1",
                kind="theory",
                mode="drill",
                answer_history=[],
            )
        )


def test_a_committed_answer_survives_a_new_process(db_url: str) -> None:
    from datetime import date

    url = db_url
    upgrade_database(url)
    engine = make_engine(url)
    with make_session_factory(engine).begin() as db:
        db.add(Learner(id="ada", name="Ada", name_key="ada", start_date=date(2026, 8, 6), double_up=False))
        db.flush()  # no ORM relationships, so the unit of work does not order the inserts
        db.add(
            Attempt(
                id="a" * 32,
                learner_id="ada",
                question_id="u01-t1",
                kind="theory",
                mode="drill",
                answer_text="x" * 10_000,
                words=[{"word": "x", "start": 0.0}],
                grading={"score": 0.5},
                answer_history=[],
            )
        )
    # No dispose, no checkpoint: a second engine (another process) must see the committed row.
    with make_session_factory(make_engine(url))() as other:
        attempt = other.scalars(select(Attempt)).one()
        assert len(attempt.answer_text or "") == 10_000
        assert attempt.words == [{"word": "x", "start": 0.0}]
        assert attempt.status == "asked" and attempt.try_no == 1 and attempt.audio_path is None
