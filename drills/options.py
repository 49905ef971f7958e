"""Options for the study store and the app's internal API."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StoreOptions:
    url: str = field(default="", repr=False)
    """SQLAlchemy URL; empty = SQLite (WAL) at <data_dir>/viva.db. PostgreSQL works too:
    postgresql+psycopg://user:pass@host/db (the `postgres` extra)."""


@dataclass(frozen=True)
class ApiOptions:
    """The internal HTTP API the Rasa actions call (loopback only)."""

    host: str = "127.0.0.1"
    port: int = 5056
    max_body_bytes: int = 256 * 1024
    key: str = field(default="", repr=False)
    """The key the actions send (`VIVA_API__KEY`, at least 32 characters) when the action
    server runs elsewhere with it as `VIVA_API_KEY`; empty = derived from the install's secret."""


@dataclass(frozen=True)
class GradingOptions:
    """How answers are graded (docs/grading.md)."""

    engine: str = "semantic"
    """semantic (embeddings + contrasts + fitted model) | keyword (SCHEMA.md's match rules only)."""
    worker: bool = True
    """Run the embedding model in its own process (keeps the voice process lean)."""
    start_timeout_s: float = 30.0
    """How long an answer waits for the worker to load the model before keyword grading is used."""
    request_timeout_s: float = 10.0
    """How long one grading request may take before the worker is restarted."""
