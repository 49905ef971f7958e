"""Options for the study store and the app's internal API."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoreOptions:
    url: str = ""
    """SQLAlchemy URL; empty = SQLite (WAL) at <data_dir>/viva.db. PostgreSQL works too:
    postgresql+psycopg://user:pass@host/db."""


@dataclass(frozen=True)
class ApiOptions:
    """The internal HTTP API the Rasa actions call (loopback only)."""

    host: str = "127.0.0.1"
    port: int = 5056
    max_body_bytes: int = 256 * 1024
