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
from pathlib import Path
from typing import Any

from asr.options import AsrOptions, VadOptions
from dialogue.options import RasaOptions
from drills.cards.options import CardOptions
from drills.options import ApiOptions, StoreOptions
from tts.options import TtsOptions
from voicebot.config_loader import ConfigError, build, env_overrides, merge


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "viva"


def _default_shared_dir() -> Path:
    # The workplace keeps shared test data beside the checkout: <repo>/../shared.
    return Path(__file__).resolve().parent.parent.parent / "shared"


@dataclass(frozen=True)
class ServerOptions:
    host: str = "127.0.0.1"
    """Private by default; a LAN address needs `cert`/`key` (browsers want HTTPS for the mic)."""
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
    review_token: str = ""
    """Required to replay recordings from anywhere but localhost."""


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
    rasa: RasaOptions = field(default_factory=RasaOptions)
    cards: CardOptions = field(default_factory=CardOptions)
    """Flashcard scheduling: desired retention, daily limits ([cards] in viva.toml)."""

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
    return build(Settings, values)
