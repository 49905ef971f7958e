"""Shared fixtures: real models loaded once per session, shared data found through settings."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from asr.audio import SAMPLE_RATE, to_16k  # noqa: E402
from asr.options import AsrOptions  # noqa: E402
from voicebot.settings import load_settings  # noqa: E402

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Clip:
    path: Path
    reference: str
    duration: float


def shared_dir() -> Path:
    return load_settings(environ={k: v for k, v in os.environ.items() if k == "VIVA_SHARED_DIR"}).shared_dir


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not (path / "speech" / "manifest.tsv").is_file():
        pytest.skip(f"shared data not found at {path} (set VIVA_SHARED_DIR); a user's clone has none")
    return path


@pytest.fixture(scope="session")
def clips(shared: Path) -> list[Clip]:
    with (shared / "speech" / "manifest.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Clip(shared / "speech" / r["path"], r["reference_text"], float(r["duration_s"])) for r in rows]


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def transcriber(model_cache: Path):
    from asr.whisper import WhisperTranscriber

    return WhisperTranscriber(AsrOptions(), model_cache)


@pytest.fixture
def pool(transcriber) -> Iterator:
    from asr.pool import DecodePool

    decode_pool = DecodePool(transcriber, 1)
    yield decode_pool
    decode_pool.close()


@pytest.fixture(scope="session")
def speaker():
    """Piper with the bundled voice, deterministic so test audio is reproducible."""
    from tts.options import TtsOptions
    from tts.speaker import Speaker, load_engine

    options = TtsOptions(deterministic=True)
    return Speaker(load_engine(options), options)


@pytest.fixture(scope="session")
def say(speaker):
    """Text → 16 kHz float32 speech (Piper), for tests that need a learner's voice."""

    def render(text: str, rate: float = 1.0) -> np.ndarray:
        chunk = speaker.render(text, rate)
        return to_16k(chunk.samples, chunk.sample_rate)

    return render


def espeak(text: str, path: Path) -> Path:
    """A second, very different synthetic voice (espeak-ng)."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (make setup installs it)")
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(path), text], check=True)
    return path


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)


def noise(seconds: float, level: float = 0.02, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(seconds * SAMPLE_RATE)) * level).astype(np.float32)


@pytest.fixture(scope="session")
def postgres() -> Iterator:
    """A real PostgreSQL server (Debian's packages) for the whole run; skipped where absent."""
    from tests.pg import PostgresServer, find_bindir, unavailable

    reason = unavailable()
    if reason:
        pytest.skip(reason)
    server = PostgresServer(find_bindir()).start()  # type: ignore[arg-type]
    yield server
    server.stop()


@pytest.fixture(scope="session")
def viva_server(tmp_path_factory: pytest.TempPathFactory):
    """The real Viva (`viva serve`): study API, trained Rasa, action server, voice bot."""
    from tests.support import VivaServer, viva_env

    data = tmp_path_factory.mktemp("viva-data")
    server = VivaServer(data, viva_env(data)).start()
    yield server
    server.stop()
