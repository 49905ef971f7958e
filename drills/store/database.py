"""Engines, sessions and migrations for the study store.

SQLite runs in WAL mode with foreign keys on and `synchronous=FULL`, and every service call
commits its own transaction, so an answer the API acknowledged survives a crash.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from drills.exceptions import DrillsError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
ALEMBIC_INI = Path(__file__).resolve().parent.parent / "alembic.ini"
_log = logging.getLogger(__name__)


def _is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _on_sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine with the store's connection settings (SQLite pragmas set on every connect).

    PostgreSQL (`postgresql+psycopg://user:password@host/db`) needs the `postgres` extra."""
    if not _is_sqlite(url):
        try:
            return create_engine(url, pool_pre_ping=True)
        except ModuleNotFoundError as exc:
            raise DrillsError(
                f"the study store at {make_url(url).render_as_string(hide_password=True)} needs the "
                f"{exc.name} driver: pip install 'viva[postgres]'"
            ) from exc
    _ensure_sqlite_dir(url)
    # API calls run in worker threads; wait for a writer rather than failing with "locked".
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _on_sqlite_connect)
    return engine


def upgrade_database(url: str) -> None:
    """`alembic upgrade head` for `url`, run in-process at startup (creates a SQLite file's dir)."""
    from alembic import command
    from alembic.config import Config

    if _is_sqlite(url):
        _ensure_sqlite_dir(url)
    config = Config(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Passed as an attribute, not an ini option: ini interpolation would mangle '%' in passwords.
    config.attributes["url"] = url
    config.attributes["configure_logging"] = False
    command.upgrade(config, "head")
    _log.debug("study store at head: %s", make_url(url).render_as_string(hide_password=True))


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
