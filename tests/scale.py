"""docker-compose.yml's services run natively on this machine, with several voice workers.

Rasa and its action server are started with the compose file's own commands and environment
(keys from the environment, the tracker store on PostgreSQL) from the Rasa venv, judged ready
by the file's own health checks; then `workers` × `viva serve` share that Rasa and one
PostgreSQL study store, each on its own ports and data directory (as separate machines
would). Used by tests/test_scale_out.py and `python -m benchmarks.scale_out`.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.compose import interpolate, mapped, raw, sample_env, service_env
from tests.pg import PostgresServer
from tests.support import REPO, VivaServer, free_port, viva_env

RASA_BIN = REPO / ".venv-rasa" / "bin"


@dataclass
class Stack:
    services: dict[str, Any]
    """docker-compose.yml's services, interpolated and mapped onto this machine."""
    workers: list[VivaServer]
    study_url: str
    """The shared study store, as the app's SQLAlchemy reads it."""


def _healthy(service: dict[str, Any], env: dict[str, str], timeout: float, process: subprocess.Popen) -> None:
    """Run the service's own compose health check until it passes."""
    check = service["healthcheck"]["test"][1:]  # ["CMD", program, args…]
    deadline = time.monotonic() + timeout
    while subprocess.run(check, env=env, capture_output=True).returncode != 0:
        if process.poll() is not None:
            raise RuntimeError(f"{check[0]} exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"not healthy within {timeout} s: {check}")
        time.sleep(1)


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("wb") as sink:
        return subprocess.Popen(
            command, cwd=REPO / "dialogue", env=env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def compose_stack(
    root: Path, postgres: PostgresServer, workers: int = 2, worker_args: tuple[str, ...] = ()
) -> Iterator[Stack]:
    """`worker_args`: extra `viva serve` arguments for every worker (e.g. one --cert/--key)."""
    if not (RASA_BIN / "rasa").is_file():
        raise FileNotFoundError("no Rasa venv (.venv-rasa); `make setup` makes it")
    # The databases the postgres image (POSTGRES_DB) and docker/postgres-init.sql make.
    postgres.execute("CREATE DATABASE viva")
    init = (REPO / "docker" / "postgres-init.sql").read_text().splitlines()
    postgres.execute("\n".join(line for line in init if not line.startswith("--")))
    keys = {name: secrets.token_hex(32) for name in ("VIVA_RASA_KEY", "VIVA_ACTIONS_KEY", "VIVA_API_KEY")}
    compose = interpolate(raw(), {**sample_env(), **keys, "POSTGRES_PASSWORD": postgres.password})
    ports = {old: str(free_port()) for old in ("5005", "5055", "5056", "8765")}
    paths = {"/app/models": str(root / "models"), "/app/.rasa-cache": str(root / "rasa-cache")}
    services = mapped(compose["services"], {**ports, "5432": str(postgres.port), **paths})
    base = {"PATH": f"{RASA_BIN}:{os.environ['PATH']}", "HOME": str(root), "LANG": "C.UTF-8"}
    processes: list[subprocess.Popen] = []
    running: list[VivaServer] = []
    try:
        actions = services["action-server"]
        actions_env = {**base, **service_env(actions)}
        processes.append(
            _spawn(["python", *actions["entrypoint"][1:], *actions["command"]], actions_env, root / "actions.log")
        )
        rasa_env = {**base, **service_env(services["rasa"])}
        processes.append(_spawn(["/bin/sh", "-c", *services["rasa"]["command"]], rasa_env, root / "rasa.log"))
        _healthy(actions, actions_env, 120, processes[0])
        _healthy(services["rasa"], rasa_env, 600, processes[1])
        worker_env = service_env(services["voicebot"])
        for index in range(workers):
            data = root / f"worker-{index}"
            # The action server calls the first worker's internal API; any would do (one store).
            api_port = worker_env["VIVA_API__PORT"] if index == 0 else str(free_port())
            environment = {**viva_env(data), **worker_env, "VIVA_DATA_DIR": str(data), "VIVA_API__PORT": api_port}
            args = ("--host", "127.0.0.1", "--port", str(free_port()), *worker_args)
            running.append(VivaServer(data, environment, args=args).start())
        yield Stack(services, running, postgres.url("viva"))
    finally:
        for worker in running:
            worker.stop()
        for process in reversed(processes):
            _stop(process)
