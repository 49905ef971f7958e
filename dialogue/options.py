"""Options for running Rasa and its action server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class RasaOptions:
    venv: Path | None = None
    """The Python 3.10 venv holding rasa and rasa-sdk; default <repo>/.venv-rasa."""
    url: str = ""
    """Use an already running Rasa (e.g. docker compose) instead of starting one. It must
    answer Viva's keys as `rasa_boot.launch` arranges (docs/architecture.md, Privacy)."""
    host: str = "127.0.0.1"
    port: int = 5005
    actions_port: int = 5055
    config: str = "fast"
    """`fast` (CountVectors + logistic regression, seconds to train) or `accurate` (DIET/TED)."""
    timeout_s: float = 10.0
    """Per-request timeout to Rasa; a turn never hangs longer."""
    start_timeout_s: float = 180.0
