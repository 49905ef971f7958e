"""Viva's one settings object: defaults, then a TOML file, then `VIVA_…` environment variables.

File: `$VIVA_CONFIG`, else `./viva.toml` if present. Sections mirror the options dataclasses:

    data_dir = "~/.local/share/viva"
    [asr]
    model = "base"
    [tts]
    rate = 0.9

Environment: `VIVA_DATA_DIR=/srv/viva`, `VIVA_ASR__MODEL=base` (double underscore = section).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from asr.options import AsrOptions, VadOptions
from dialogue.options import RasaOptions
from drills.cards.options import CardOptions
from drills.options import ApiOptions, GradingOptions, StoreOptions
from drills.review.options import ReviewOptions
from tts.options import TtsOptions
from voicebot.config_loader import ConfigError, build, env_overrides, merge
from voicebot.limits import RateLimit
from voicebot.logs import LogFormat


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "viva"


def _default_shared_dir() -> Path:
    # The workplace keeps shared test data beside the checkout: <repo>/../shared.
    return Path(__file__).resolve().parent.parent.parent / "shared"


class PairingMode(StrEnum):
    AUTO = "auto"
    """Pair devices only when serving beyond loopback (phone mode)."""
    ALWAYS = "always"
    """Also on loopback (a machine shared with other users); needs HTTPS like phone mode."""


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    """Private by default; any other address is phone mode: HTTPS and paired devices only."""
    port: int = 8765
    cert: Path | None = None
    key: Path | None = None
    ice_servers: tuple[str, ...] = ()
    """STUN/TURN URLs; none by default so nothing contacts a public server."""
    max_sessions: int = 8
    tts_workers: int = 1
    """Threads synthesising speech for all sessions (one ONNX thread each)."""
    reprompt_after_s: float = 25.0
    """Silence after a question before Viva gently re-prompts (0 = never)."""
    allowed_hosts: tuple[str, ...] = ()
    """Extra host names or addresses the page answers to (e.g. "viva.home.arpa"); loopback
    names, the bind address and, bound to all interfaces, this machine's addresses and host
    name are always allowed. Any other `Host` gets 421 (DNS rebinding)."""
    pairing: PairingMode = PairingMode.AUTO
    metrics_token: str = field(default="", repr=False)
    """Lets a scraper (Prometheus) read `/metrics` from anywhere with `Authorization: Bearer
    <token>` (at least 32 characters); empty = metrics for this computer only (loopback
    serving). Paired devices never read metrics."""
    offer_rate: RateLimit = field(default_factory=RateLimit)
    """Per-client limit on `POST /api/offer` (a page's reconnects stay well inside it)."""
    profile_rate: RateLimit = field(default_factory=RateLimit)
    """Per-client limit on creating learner profiles."""
    pair_rate: RateLimit = field(default_factory=lambda: RateLimit(burst=5, per_minute=5))
    """Per-client limit on pairing attempts; wrong codes also count toward a global budget
    (voicebot/pairing.py) after which every pending code is cancelled."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    """Recordings, the study database, assembled models."""
    shared_dir: Path = field(default_factory=_default_shared_dir)
    """Shared speech clips and decks for tests and benchmarks (read in place, never copied)."""
    asr: AsrOptions = field(default_factory=AsrOptions)
    vad: VadOptions = field(default_factory=VadOptions)
    tts: TtsOptions = field(default_factory=TtsOptions)
    server: ServerOptions = field(default_factory=ServerOptions)
    store: StoreOptions = field(default_factory=StoreOptions)
    api: ApiOptions = field(default_factory=ApiOptions)
    grading: GradingOptions = field(default_factory=GradingOptions)
    rasa: RasaOptions = field(default_factory=RasaOptions)
    cards: CardOptions = field(default_factory=CardOptions)
    """Flashcard scheduling: desired retention, daily limits ([cards] in viva.toml)."""
    log_format: LogFormat = LogFormat.TEXT
    """`text` (readable lines) or `json` (one object per line); `--log-format` overrides it."""
    review: ReviewOptions = field(default_factory=ReviewOptions)
    """The review page: how long answers are kept, how long share links work ([review])."""

    @property
    def model_cache(self) -> Path:
        return self.data_dir / "models"

    @property
    def database_url(self) -> str:
        return self.store.url or f"sqlite:///{self.data_dir / 'viva.db'}"

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"


def load_settings(environ: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Defaults < config file < environment. Raises `ConfigError` naming the bad key."""
    environ = os.environ if environ is None else environ
    path = config_file or (Path(environ["VIVA_CONFIG"]) if environ.get("VIVA_CONFIG") else None)
    if path is None and Path("viva.toml").is_file():
        path = Path("viva.toml")
    values: dict[str, Any] = {}
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file {path} does not exist")
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: {exc}") from exc
    values = merge(values, env_overrides(environ))
    settings = build(Settings, values)
    if settings.server.metrics_token and len(settings.server.metrics_token) < 32:
        raise ConfigError("server.metrics_token must be at least 32 characters (e.g. `openssl rand -hex 32`)")
    return settings
