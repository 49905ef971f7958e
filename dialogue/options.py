"""Options for running Rasa and its action server."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class RasaOptions:
    venv: Path | None = None
    """The Python 3.10 venv holding rasa and rasa-sdk; default <repo>/.venv-rasa."""
    url: str = ""
    """Use an already running Rasa (e.g. docker compose) instead of starting one. It must
    answer Viva's keys as `rasa_boot.launch` arranges (docs/architecture.md, Privacy), so
    `key` must then be the key that Rasa was started with."""
    key: str = field(default="", repr=False)
    """Rasa's key (`VIVA_RASA__KEY`, at least 32 characters) when Rasa is started elsewhere
    with it as `VIVA_RASA_KEY`; empty = derived from the install's secret (drills/keys.py)."""
    tracker_store: str = field(default="", repr=False)
    """Where Rasa keeps conversations, as an SQLAlchemy URL for Rasa's venv (psycopg2), e.g.
    postgresql://viva:password@127.0.0.1:5432/rasa; empty = SQLite at
    <data_dir>/rasa/tracker.db. Used when `viva serve` starts Rasa."""
    host: str = "127.0.0.1"
    port: int = 5005
    actions_port: int = 5055
    config: str = "fast"
    """`fast` (CountVectors + logistic regression, seconds to train) or `accurate` (DIET/TED)."""
    timeout_s: float = 10.0
    """Per-request timeout to Rasa; a turn never hangs longer."""
    start_timeout_s: float = 180.0
