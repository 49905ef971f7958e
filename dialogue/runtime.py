"""Running Rasa and its action server as separate Python 3.10 processes on loopback.

The app never imports Rasa: it trains a model with the Rasa venv's CLI when the assistant or
the content changed (a fingerprint names the model file), starts the action server and
`rasa run` through `rasa_boot.launch` (so each wants its key: drills/keys.py), waits until
both answer, restarts either when it dies (a crash, an OOM kill) while the app runs, and stops
them (process groups) on exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from dialogue.exceptions import RasaSetupError
from dialogue.options import RasaOptions
from drills.keys import KEY_HEADER, ServiceKeys

logger = logging.getLogger(__name__)

PROJECT = Path(__file__).resolve().parent
REPO = PROJECT.parent
_FINGERPRINT_INPUTS = (
    (PROJECT, ("domain.yml", "config*.yml", "data/**/*.yml")),
    (REPO / "drills" / "content", ("**/*.yaml",)),
)


@dataclass(frozen=True)
class RasaPaths:
    venv: Path
    models: Path
    tracker_db: Path
    logs: Path

    @classmethod
    def from_options(cls, options: RasaOptions, data_dir: Path) -> RasaPaths:
        return cls(
            venv=options.venv or REPO / ".venv-rasa",
            models=data_dir / "rasa" / "models",
            tracker_db=data_dir / "rasa" / "tracker.db",
            logs=data_dir / "logs",
        )

    @property
    def rasa(self) -> Path:
        return self.venv / "bin" / "rasa"

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def config_file(options: RasaOptions) -> Path:
    names = {"fast": "config.yml", "accurate": "config-accurate.yml"}
    if options.config not in names:
        raise RasaSetupError(f"rasa.config must be 'fast' or 'accurate', not {options.config!r}")
    return PROJECT / names[options.config]


def fingerprint(options: RasaOptions) -> str:
    """A hash of everything the trained model depends on (assistant files, content, config)."""
    digest = hashlib.sha256(options.config.encode())
    for root, patterns in _FINGERPRINT_INPUTS:
        for pattern in patterns:
            for path in sorted(root.glob(pattern)):
                digest.update(str(path.relative_to(REPO)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def rasa_env(extra: dict[str, str] | None = None, cache: Path | None = None) -> dict[str, str]:
    """The environment of every Rasa process: no telemetry, quiet TensorFlow, and Rasa's
    training cache outside the repository."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VIVA_")}
    env.update({"RASA_TELEMETRY_ENABLED": "false", "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "3"})
    env["RASA_CACHE_DIRECTORY"] = str(cache or Path(tempfile.gettempdir()) / "viva-rasa-cache")
    env.update(extra or {})
    return env


def _check_venv(paths: RasaPaths) -> None:
    if not paths.rasa.is_file():
        raise RasaSetupError(
            f"Rasa is not installed at {paths.venv} (Rasa 3.6 needs its own Python 3.10 venv). "
            "Run `make setup`, or set rasa.venv / rasa.url."
        )


async def ensure_model(options: RasaOptions, paths: RasaPaths, progress: Callable[[str], None] = print) -> Path:
    """The trained model for the current assistant, training it first when stale."""
    model = paths.models / f"viva-{options.config}-{fingerprint(options)}.tar.gz"
    if model.is_file():
        return model
    _check_venv(paths)
    paths.models.mkdir(parents=True, exist_ok=True)
    paths.logs.mkdir(parents=True, exist_ok=True)
    log = paths.logs / "rasa-train.log"
    progress(f"Training the dialogue model ({options.config} config); log: {log}")
    started = time.monotonic()
    with log.open("wb") as sink:
        process = await asyncio.create_subprocess_exec(
            str(paths.rasa),
            "train",
            "--config",
            str(config_file(options)),
            "--domain",
            "domain.yml",
            "--data",
            "data",
            "--out",
            str(paths.models),
            "--fixed-model-name",
            model.name.removesuffix(".tar.gz"),
            cwd=PROJECT,
            env=rasa_env(cache=paths.models.parent / "cache"),
            stdout=sink,
            stderr=asyncio.subprocess.STDOUT,
        )
        while True:
            try:
                await asyncio.wait_for(process.wait(), timeout=5)
                break
            except TimeoutError:
                progress(f"  … training ({time.monotonic() - started:.0f} s)")
    if process.returncode != 0 or not model.is_file():
        raise RasaSetupError(f"rasa train failed (exit {process.returncode}); last lines:\n{_tail(log)}")
    for old in paths.models.glob(f"viva-{options.config}-*.tar.gz"):
        if old != model:
            old.unlink(missing_ok=True)
    progress(f"Dialogue model trained in {time.monotonic() - started:.0f} s")
    return model


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _port_free(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
            return True
        except OSError:
            return False


RESTART_DELAYS_S = (0.5, 2.0, 5.0, 15.0, 30.0)
"""Waits before restarting a service that died: the n-th restart within `RESTART_WINDOW_S`
waits the n-th figure (then the last), so a crash loop does not spin the CPU."""
RESTART_WINDOW_S = 300.0


class RasaRuntime:
    """Rasa + action server for one app process. `async with RasaRuntime(...) as rt: rt.url`.

    While it runs, a supervisor task restarts a service that exits on its own; meanwhile the
    dialogue client's requests fail fast and the learner hears why (dialogue/conversation.py).
    """

    def __init__(
        self,
        options: RasaOptions,
        data_dir: Path,
        api_url: str,
        progress: Callable[[str], None] = print,
        keys: ServiceKeys | None = None,
    ):
        self.options = options
        self.paths = RasaPaths.from_options(options, data_dir)
        self.api_url = api_url
        self.progress = progress
        self.keys = keys or ServiceKeys.load(data_dir)
        self._processes: dict[str, asyncio.subprocess.Process] = {}
        self._commands: dict[str, tuple[list[str], dict[str, str]]] = {}
        self._supervisor: asyncio.Task[None] | None = None
        self._restarts: list[float] = []

    @property
    def url(self) -> str:
        return self.options.url or f"http://{self.options.host}:{self.options.port}"

    @property
    def actions_url(self) -> str:
        return f"http://{self.options.host}:{self.options.actions_port}"

    async def __aenter__(self) -> RasaRuntime:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        if self.options.url:
            await self._wait_external()  # someone else runs Rasa (docker compose, a shared server)
            return
        model = await ensure_model(self.options, self.paths, self.progress)
        for name, port in (("rasa", self.options.port), ("actions", self.options.actions_port)):
            if not _port_free(self.options.host, port):
                raise RasaSetupError(
                    f"port {port} for {name} is in use; set VIVA_RASA__{'PORT' if name == 'rasa' else 'ACTIONS_PORT'}"
                )
        self.paths.tracker_db.parent.mkdir(parents=True, exist_ok=True)
        self.progress("Starting the action server and Rasa …")
        await self._spawn(
            "actions",
            ["actions", "--actions", "actions", "--port", str(self.options.actions_port)],
            {
                "SANIC_HOST": self.options.host,
                "VIVA_API_URL": self.api_url,
                "VIVA_API_KEY": self.keys.api,
                "VIVA_ACTIONS_KEY": self.keys.actions,
            },
        )
        await self._spawn(
            "rasa",
            [
                "rasa",
                "run",
                "--enable-api",
                "-i",
                self.options.host,
                "-p",
                str(self.options.port),
                "--model",
                str(model),
                "--endpoints",
                "endpoints.yml",
                "--credentials",
                "credentials.yml",
            ],
            {
                "VIVA_ACTIONS_URL": f"{self.actions_url}/webhook",
                "VIVA_ACTIONS_KEY": self.keys.actions,
                "VIVA_RASA_KEY": self.keys.rasa,
                "VIVA_RASA_TRACKER_URL": self.options.tracker_store or f"sqlite:///{self.paths.tracker_db}",
            },
        )
        await self._wait_ready()
        self._supervisor = asyncio.create_task(self._supervise(), name="rasa-supervisor")

    async def _supervise(self) -> None:
        """Wait for either service to exit; restart it (after a growing delay) and wait until it
        answers again. Cancelled by `stop()`, which ends both on purpose."""
        while True:
            waits = {asyncio.ensure_future(p.wait()): name for name, p in self._processes.items()}
            done, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            for task in pending:
                task.cancel()
            for task in done:
                name = waits[task]
                delay = self._restart_delay()
                message = f"{name} exited with {task.result()}; restarting it in {delay:.1f} s"
                logger.warning(message)
                self.progress(message)
                await asyncio.sleep(delay)
                try:
                    await self._spawn(name, *self._commands[name])
                    await self._wait_ready((name,), fatal=False)
                except (RasaSetupError, OSError) as exc:
                    logger.error("restarting %s failed: %s", name, exc)
                    continue
                self.progress(f"{name} restarted")

    def _restart_delay(self) -> float:
        now = time.monotonic()
        self._restarts = [t for t in self._restarts if now - t < RESTART_WINDOW_S] + [now]
        return RESTART_DELAYS_S[min(len(self._restarts), len(RESTART_DELAYS_S)) - 1]

    async def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        self._commands[name] = (args, env)
        _check_venv(self.paths)
        self.paths.logs.mkdir(parents=True, exist_ok=True)
        log = (self.paths.logs / f"{name}.log").open("ab")
        try:
            self._processes[name] = await asyncio.create_subprocess_exec(
                str(self.paths.python),
                "-m",
                "rasa_boot.launch",
                *args,
                cwd=PROJECT,
                env=rasa_env(env, cache=self.paths.models.parent / "cache"),
                stdout=log,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        finally:
            log.close()  # the child holds its own descriptor

    async def _wait_ready(self, names: tuple[str, ...] = ("actions", "rasa"), fatal: bool = True) -> None:
        """Until each service answers; `fatal`: stop both when one does not in time (start-up),
        else kill only the one that did not (the supervisor then restarts it again)."""
        deadline = time.monotonic() + self.options.start_timeout_s
        checks = {"actions": f"{self.actions_url}/health", "rasa": f"{self.url}/status"}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            for name in names:
                url = checks[name]
                while True:
                    process = self._processes[name]
                    if process.returncode is not None:
                        log = self.paths.logs / f"{name}.log"
                        raise RasaSetupError(
                            f"{name} exited with {process.returncode}; last lines of {log}:\n{_tail(log)}"
                        )
                    if await _answers(http, url, name, self.keys):
                        break
                    if time.monotonic() > deadline:
                        if fatal:
                            await self.stop()
                        else:
                            _signal_group(process, signal.SIGKILL)
                        raise RasaSetupError(f"{name} did not become ready within {self.options.start_timeout_s:.0f} s")
                    await asyncio.sleep(0.5)
        self.progress(f"Rasa ready at {self.url}")

    async def _wait_external(self) -> None:
        """Wait for a Rasa run elsewhere to answer with its model; refuse at once a Rasa that
        refuses Viva's key (rasa.key must be the VIVA_RASA_KEY it was started with)."""
        deadline = time.monotonic() + self.options.start_timeout_s
        url = f"{self.url.rstrip('/')}/status"
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as http:
            while True:
                try:
                    async with http.get(url, params={"token": self.keys.rasa}) as response:
                        if response.status in (401, 403):
                            raise RasaSetupError(
                                f"the Rasa at {self.url} refused Viva's key: set rasa.key (VIVA_RASA__KEY) "
                                "to the VIVA_RASA_KEY it was started with"
                            )
                        body = await response.json(content_type=None) if response.status == 200 else {}
                        if isinstance(body, dict) and body.get("model_file"):
                            break
                except (TimeoutError, aiohttp.ClientError, ValueError):
                    pass
                if time.monotonic() > deadline:
                    waited = self.options.start_timeout_s
                    raise RasaSetupError(f"the Rasa at {self.url} did not answer within {waited:.0f} s")
                await asyncio.sleep(0.5)
        self.progress(f"Using the Rasa at {self.url}")

    async def stop(self) -> None:
        """SIGTERM both process groups, then SIGKILL what is left after 10 s."""
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._supervisor
            self._supervisor = None
        for process in self._processes.values():
            _signal_group(process, signal.SIGTERM)
        for process in self._processes.values():
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                _signal_group(process, signal.SIGKILL)
                await process.wait()
        self._processes.clear()


async def _answers(http: aiohttp.ClientSession, url: str, name: str, keys: ServiceKeys) -> bool:
    # Each service wants its own key: the action server a header, Rasa's API its auth token.
    if name == "rasa":
        request = http.get(url, params={"token": keys.rasa})
    else:
        request = http.get(url, headers={KEY_HEADER: keys.actions})
    try:
        async with request as response:
            if response.status != 200:
                return False
            if name == "rasa":
                body = await response.json(content_type=None)
                return bool(body.get("model_file"))
            return True
    except (TimeoutError, aiohttp.ClientError, ValueError):
        return False


def _signal_group(process: asyncio.subprocess.Process, sig: signal.Signals) -> None:
    if process.returncode is not None:
        return
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:  # pragma: no cover - not our group
        print(f"cannot signal process {process.pid}", file=sys.stderr)
