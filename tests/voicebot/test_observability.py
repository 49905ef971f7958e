"""Observability through the real `viva serve`: `/metrics` after a real voice turn over WebRTC
(an aiortc learner speaking Piper audio), who may read it, and JSON logs that carry a session
id on every line and never a transcript or a key."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import types
import urllib.error
import urllib.request
from collections import deque
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import numpy as np
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.rtc_learner import RtcLearner
from drills.app import build_service
from drills.devices import DeviceRegistry
from drills.store import make_engine, make_session_factory
from tests.support import VivaServer, http_json, viva_env
from voicebot.guard import COOKIE
from voicebot.metrics import ErrorKind, Metrics
from voicebot.server import create_app
from voicebot.settings import load_settings

ANSWER = "An eigenvector is only scaled by the matrix, so the line through it stays invariant. That's my answer."
METRICS_TOKEN = secrets.token_hex(32)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("viva-observed")
    environment = viva_env(data, VIVA_LOG_FORMAT="json", VIVA_SERVER__METRICS_TOKEN=METRICS_TOKEN)
    viva = VivaServer(data, environment, output=deque(maxlen=100_000)).start()
    yield viva
    viva.stop()


def scrape(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(f"{url}/metrics", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a text exposition (parsed by prometheus_client's own parser)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(figures: dict, name: str, **labels: str) -> float:
    return figures.get((name, tuple(sorted(labels.items()))), 0.0)


async def _quiet(learner: RtcLearner, since: float, timeout: float = 90) -> None:
    await learner.wait_for(lambda m: m["type"] == "bot", timeout, since)
    await learner.wait_for(
        lambda m: m["type"] == "state" and not m["speaking"] and not m.get("thinking"), timeout, since
    )


async def one_voice_turn(server: VivaServer, audio: np.ndarray) -> tuple[RtcLearner, str]:
    """Start a drill, answer its first question aloud; returns the learner (still connected)
    and the final transcript Viva heard."""
    learner_id = http_json(f"{server.url}/api/learners", {"name": "Olive Observed"})["id"]
    learner = RtcLearner(server.url, learner_id)
    await learner.connect()
    started = time.monotonic()
    learner.send({"type": "start", "mode": "drill"})
    await learner.wait_for(lambda m: m["type"] == "state" and m.get("mode") == "answer", 90, started)
    await _quiet(learner, started)
    spoken = await learner.say(audio)
    final = await learner.wait_for(lambda m: m["type"] == "final" and m["text"], 60, spoken)
    await _quiet(learner, spoken)
    return learner, final["text"]


@pytest.mark.slow
@pytest.mark.rasa
def test_metrics_after_a_real_voice_turn_and_logs_without_secrets(
    server: VivaServer, say: Callable[[str], np.ndarray]
) -> None:
    status, before, _ = scrape(server.url)
    assert status == 200
    assert value(samples(before), "viva_voice_to_voice_seconds_count", mode="answer") == 0

    async def scenario() -> tuple[str, dict]:
        learner, heard = await one_voice_turn(server, say(ANSWER))
        _, during, _ = scrape(server.url)
        await learner.close()
        return heard, samples(during)

    heard, figures = asyncio.run(scenario())
    assert "scaled" in heard.lower()
    # Every figure the issue names, counted for this turn.
    v2v = sum(v for (name, _), v in figures.items() if name == "viva_voice_to_voice_seconds_count")
    assert v2v >= 1
    assert value(figures, "viva_endpoint_to_final_seconds_count") >= 1
    assert value(figures, "viva_asr_real_time_factor_count", decode="final") >= 1
    assert value(figures, "viva_asr_real_time_factor_sum", decode="final") > 0
    assert value(figures, "viva_rasa_turn_seconds_count") >= 2  # the drill's start and the answer
    assert value(figures, "viva_grading_seconds_count") >= 1  # the spoken answer was graded
    assert value(figures, "viva_active_sessions") == 1
    for kind in ErrorKind:
        assert value(figures, "viva_errors_total", kind=kind.value) == 0, kind
    # Histograms are cumulative: the +Inf bucket holds every turn.
    assert value(figures, "viva_rasa_turn_seconds_bucket", le="+Inf") == value(figures, "viva_rasa_turn_seconds_count")

    # Every chunk of speech says where it came from. The feedback on the answer was known when
    # the answer was stored, and its first pieces were synthesised beside the Rasa turn
    # (voicebot/foresight.py); its opener ("Good:", "That missed …") is a fixed prompt or rehearsed.
    assert value(figures, "viva_tts_chunks_total", source="rehearsed") >= 1
    firsts = {labels: v for (name, labels), v in figures.items() if name == "viva_tts_first_chunk_seconds_count"}
    assert sum(firsts.values()) == 2  # the drill's opening question and the feedback

    # The JSON summary the benchmarks read comes from the same observer.
    summary = http_json(f"{server.url}/api/metrics")["metrics"]
    assert sum(entry["n"] for name, entry in summary.items() if name.startswith("voice_to_voice.")) == v2v
    assert sum(entry["n"] for name, entry in summary.items() if name.startswith("tts_first_chunk.")) == 2

    # Logs: one JSON object per line with a session id; this session's lines carry its id;
    # neither what the learner said nor any key appears, here or in Rasa's own logs.
    lines = [line for line in server.output if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert entries and all({"time", "level", "logger", "session", "message"} <= set(e) for e in entries)
    ours = [e for e in entries if e["session"].startswith("s-")]
    assert any("voice-to-voice" in e["message"] for e in ours)
    assert any(e["logger"].startswith("voicebot.session") for e in ours)
    keys = server.keys
    secret = (server.data_dir / "secret").read_text().strip()
    rasa_logs = "\n".join(p.read_text(errors="replace") for p in sorted((server.data_dir / "logs").glob("*.log")))
    everything = (server.log_text() + "\n" + rasa_logs).lower()
    for private in (heard, "only scaled by the matrix", "line through it stays invariant"):
        assert private.lower() not in everything, private
    for key in (keys.api, keys.actions, keys.rasa, secret, METRICS_TOKEN):
        assert key.lower() not in everything


@pytest.mark.slow
@pytest.mark.rasa
def test_metrics_refuse_a_foreign_host(server: VivaServer) -> None:
    port = server.env["VIVA_SERVER__PORT"]
    for host in ("evil.example", f"evil.example:{port}"):
        assert scrape(server.url, {"Host": host})[0] == 421
        assert scrape(server.url, {"Host": host, "Authorization": f"Bearer {METRICS_TOKEN}"})[0] == 421
    status, text, headers = scrape(server.url)
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "viva_active_sessions" in text


@pytest.fixture
async def phone(tmp_path: Path) -> AsyncIterator[tuple[TestClient, DeviceRegistry]]:
    """The real app in phone mode (pairing required), with a metrics token."""
    settings = load_settings(
        environ={
            "VIVA_DATA_DIR": str(tmp_path),
            "VIVA_SERVER__PAIRING": "always",
            "VIVA_SERVER__METRICS_TOKEN": METRICS_TOKEN,
        }
    )
    service = build_service(settings)
    service.create_learner("Ada")
    registry = DeviceRegistry(make_session_factory(make_engine(settings.database_url)))
    deps = types.SimpleNamespace(settings=settings, metrics=Metrics(), all_closed=lambda: None)
    async with TestClient(TestServer(create_app(deps, service, registry))) as client:
        yield client, registry
    service.close()


async def test_in_phone_mode_only_the_scraper_reads_metrics(phone: tuple[TestClient, DeviceRegistry]) -> None:
    client, registry = phone
    for path in ("/metrics", "/api/metrics"):
        stranger = await client.get(path)
        assert stranger.status == 401 and (await stranger.json())["reason"] == "unpaired"
        wrong = await client.get(path, headers={"Authorization": f"Bearer {METRICS_TOKEN[:-1]}x"})
        assert wrong.status == 401
    paired = await client.post("/api/pair", json={"code": registry.new_code(), "learner_id": "ada"})
    assert paired.status == 201
    device = {"Cookie": f"{COOKIE}={paired.cookies[COOKIE].value}"}
    assert (await client.get("/api/learners", headers=device)).status == 200  # the device is in…
    refused = await client.get("/metrics", headers=device)
    assert refused.status == 403 and "metrics" in (await refused.json())["error"]  # …but reads no metrics
    scraper = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    scraped = await client.get("/metrics", headers=scraper)
    assert scraped.status == 200 and "viva_errors_total" in await scraped.text()
    # The token opens the metrics and nothing else.
    assert (await client.get("/api/learners", headers=scraper)).status == 401
    assert (await client.get("/api/health", headers=scraper)).status == 401
    assert (await client.get("/metrics", headers={**scraper, "Host": "evil.example"})).status == 421


def test_a_short_metrics_token_is_a_configuration_error() -> None:
    from voicebot.config_loader import ConfigError

    with pytest.raises(ConfigError, match="metrics_token"):
        load_settings(environ={"VIVA_SERVER__METRICS_TOKEN": "short"})
