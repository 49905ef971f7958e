"""The scale-out path on one machine: docker-compose.yml's own commands run natively (Rasa and
its action server from the Rasa venv, with keys from the environment and the tracker store on
PostgreSQL, started by the file's commands and judged healthy by its health checks), and two
`viva serve` voice workers sharing that Rasa and one PostgreSQL study store.

A voice session lives on the worker that answered its offer (media goes straight there); a
learner who reconnects through the other worker carries on with the same open question,
because everything but the live media is in the shared stores."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from benchmarks.rtc_learner import RtcLearner
from tests.compose import interpolate, mapped, raw, sample_env, service_env
from tests.support import REPO, VivaServer, free_port, http_json, viva_env

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

RASA_BIN = REPO / ".venv-rasa" / "bin"
ANSWER = "An eigenvector is only scaled by the matrix, so the line through it stays invariant. That's my answer."


@dataclass
class Stack:
    services: dict[str, Any]
    """docker-compose.yml's services, interpolated and mapped onto this machine."""
    workers: tuple[VivaServer, VivaServer]
    study_url: str


def _healthy(service: dict[str, Any], env: dict[str, str], timeout: float, process: subprocess.Popen) -> None:
    """Run the service's own compose health check until it passes."""
    check = service["healthcheck"]["test"][1:]  # ["CMD", program, args…]
    deadline = time.monotonic() + timeout
    while subprocess.run(check, env=env, capture_output=True).returncode != 0:
        assert process.poll() is None, f"{check[0]} exited with {process.returncode}"
        assert time.monotonic() < deadline, f"not healthy within {timeout} s: {check}"
        time.sleep(1)


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as sink:
        return subprocess.Popen(
            command, cwd=REPO / "dialogue", env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres) -> Iterator[Stack]:
    if not (RASA_BIN / "rasa").is_file():
        pytest.skip("no Rasa venv (.venv-rasa); `make setup` makes it")
    root = tmp_path_factory.mktemp("scale-out")
    # The databases the postgres image and docker/postgres-init.sql make.
    postgres.execute("CREATE DATABASE viva")
    init = (REPO / "docker" / "postgres-init.sql").read_text().splitlines()
    postgres.execute("\n".join(line for line in init if not line.startswith("--")))
    secrets_env = {name: secrets.token_hex(32) for name in ("VIVA_RASA_KEY", "VIVA_ACTIONS_KEY", "VIVA_API_KEY")}
    compose = interpolate(raw(), {**sample_env(), **secrets_env, "POSTGRES_PASSWORD": postgres.password})
    ports = {old: str(free_port()) for old in ("5005", "5055", "5056", "8765")}
    services = mapped(
        compose["services"],
        {
            **ports,
            "5432": str(postgres.port),
            "/app/models": str(root / "models"),
            "/app/.rasa-cache": str(root / "rasa-cache"),
        },
    )
    base = {"PATH": f"{RASA_BIN}:{os.environ['PATH']}", "HOME": str(root), "LANG": "C.UTF-8"}
    processes = []
    try:
        actions_env = {**base, **service_env(services["action-server"])}
        actions = _spawn(
            ["python", *services["action-server"]["entrypoint"][1:], *services["action-server"]["command"]],
            actions_env,
            root / "actions.log",
        )
        processes.append(actions)
        rasa_env = {**base, **service_env(services["rasa"])}
        rasa = _spawn(["/bin/sh", "-c", *services["rasa"]["command"]], rasa_env, root / "rasa.log")
        processes.append(rasa)
        _healthy(services["action-server"], actions_env, 120, actions)
        _healthy(services["rasa"], rasa_env, 600, rasa)

        worker_env = service_env(services["voicebot"])
        workers = []
        for name, api_port in (("a", worker_env["VIVA_API__PORT"]), ("b", str(free_port()))):
            data = root / f"worker-{name}"
            environment = {**viva_env(data), **worker_env, "VIVA_DATA_DIR": str(data), "VIVA_API__PORT": api_port}
            worker = VivaServer(data, environment, args=("--host", "127.0.0.1", "--port", str(free_port())))
            workers.append(worker.start())
        yield Stack(services, (workers[0], workers[1]), postgres.url("viva"))
    finally:
        for worker in locals().get("workers", []):
            worker.stop()
        for process in reversed(processes):
            _stop(process)


def active_sessions(worker: VivaServer) -> float:
    with urllib.request.urlopen(f"{worker.url}/metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("viva_active_sessions "):
                return float(line.split()[1])
    raise AssertionError("no viva_active_sessions")


async def _quiet(learner: RtcLearner, since: float, timeout: float = 90) -> None:
    await learner.wait_for(lambda m: m["type"] == "bot", timeout, since)
    await learner.wait_for(
        lambda m: m["type"] == "state" and not m["speaking"] and not m.get("thinking"), timeout, since
    )


def test_two_workers_share_the_stores_and_a_learner_moves_between_them(stack: Stack, say) -> None:
    worker_a, worker_b = stack.workers
    learner_id = http_json(f"{worker_a.url}/api/learners", {"name": "Sam Scaled"})["id"]
    listed = http_json(f"{worker_b.url}/api/learners")["learners"]
    assert learner_id in [x["id"] for x in listed]  # one study store

    async def scenario() -> tuple[dict, dict, str]:
        on_b = RtcLearner(worker_b.url, learner_id)
        await on_b.connect()
        started = time.monotonic()
        on_b.send({"type": "start", "mode": "drill"})
        asked = await on_b.wait_for(lambda m: m["type"] == "state" and m.get("mode") == "answer", 120, started)
        await _quiet(on_b, started)
        assert (active_sessions(worker_b), active_sessions(worker_a)) == (1, 0)  # pinned to B
        await on_b.close()
        # The learner comes back through worker A: same open question, from the shared stores.
        on_a = RtcLearner(worker_a.url, learner_id)
        await on_a.connect(hello=False)
        resumed_at = time.monotonic()
        on_a.send({"type": "hello", "resume": True})
        resumed = await on_a.wait_for(lambda m: m["type"] == "state" and m.get("mode") == "answer", 120, resumed_at)
        await _quiet(on_a, resumed_at)
        spoken = await on_a.say(say(ANSWER))
        final = await on_a.wait_for(lambda m: m["type"] == "final" and m["text"], 60, spoken)
        await _quiet(on_a, spoken)
        await on_a.close()
        return asked, resumed, final["text"]

    asked, resumed, heard = asyncio.run(scenario())
    assert asked["attempt_id"] and resumed["attempt_id"] == asked["attempt_id"]
    assert "scaled" in heard.lower()
    engine = create_engine(stack.study_url)
    with engine.connect() as db:
        status, transcript = db.execute(
            text("SELECT status, transcript FROM attempts WHERE id = :id"), {"id": asked["attempt_id"]}
        ).one()
    engine.dispose()
    assert status == "answered" and "scaled" in (transcript or "").lower()
