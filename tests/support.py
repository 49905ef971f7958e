"""Starting the real Viva for black-box tests: `viva serve` as a subprocess on free ports."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from drills.keys import KEY_HEADER, ServiceKeys

REPO = Path(__file__).resolve().parent.parent
T = TypeVar("T")


def poll_until(check: Callable[[], T], timeout_s: float, failure: Callable[[], str], every_s: float = 0.1) -> T:
    """`check()`'s first truthy value, asked every `every_s`; an AssertionError with `failure()`
    once `timeout_s` has passed (for state another process changes, with nothing to await)."""
    deadline = time.monotonic() + timeout_s
    while not (value := check()):
        assert time.monotonic() < deadline, failure()
        time.sleep(every_s)
    return value


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class VivaServer:
    """A running `viva serve`; `url` is the page, `rasa_url` and `api_url` its backends."""

    data_dir: Path
    env: dict[str, str]
    args: tuple[str, ...] = ()
    """Extra `viva serve` arguments, e.g. ("--self-signed",)."""
    process: subprocess.Popen[str] | None = None
    url: str = ""
    output: deque[str] = field(default_factory=lambda: deque(maxlen=400))

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.env['VIVA_RASA__PORT']}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.env['VIVA_API__PORT']}/api/v1"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.env['VIVA_RASA__ACTIONS_PORT']}"

    @property
    def keys(self) -> ServiceKeys:
        """The install's service keys, as Viva's own processes hold them (drills/keys.py)."""
        return ServiceKeys.load(self.data_dir)

    def api_json(self, path: str, body: object | None = None) -> object:
        """A call to the internal study API, with its key, as the actions make it."""
        return http_json(f"{self.api_url}{path}", body, headers={KEY_HEADER: self.keys.api})

    def tracker_events(self, sender: str) -> list[dict]:
        """A conversation's events from Rasa's HTTP API (which wants Rasa's key as its token)."""
        return http_json(f"{self.rasa_url}/conversations/{sender}/tracker?token={self.keys.rasa}")["events"]

    def start(self, timeout: float = 600) -> VivaServer:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "voicebot.cli", "serve", *self.args],
            cwd=REPO,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        ready = threading.Event()

        def pump() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line.rstrip())
                match = re.search(r"Viva is ready: (\S+)", line)
                if match:
                    self.url = match.group(1).rstrip("/").replace("localhost", "127.0.0.1")
                    ready.set()

        threading.Thread(target=pump, daemon=True).start()
        deadline = time.monotonic() + timeout
        while not ready.wait(0.5):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("viva serve did not start:\n" + "\n".join(self.output))
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def log_text(self) -> str:
        return "\n".join(self.output)


def viva_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_") or k == "VIVA_SHARED_DIR"}
    env.update(
        {
            "VIVA_DATA_DIR": str(data_dir),
            "VIVA_SERVER__PORT": str(free_port()),
            "VIVA_API__PORT": str(free_port()),
            "VIVA_RASA__PORT": str(free_port()),
            "VIVA_RASA__ACTIONS_PORT": str(free_port()),
            "RASA_TELEMETRY_ENABLED": "false",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


def rasa_say(server: VivaServer, sender: str, text: str, metadata: dict | None = None) -> list[dict]:
    """One learner message over Rasa's REST channel, exactly as the app sends it (with its key)."""
    return http_json(
        f"{server.rasa_url}/webhooks/rest/webhook",
        {"sender": sender, "message": text, "metadata": metadata or {}},
        headers={KEY_HEADER: server.keys.rasa},
    )


def http_json(
    url: str, body: object | None = None, timeout: float = 30, headers: dict[str, str] | None = None
) -> object:
    """GET (no body) or POST JSON; returns the decoded reply (raises on HTTP errors)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read() or b"null")
