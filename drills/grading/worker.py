"""The embedding model in its own process, behind the `Embedder` seam.

torch and the model cost about 400 MB; keeping them out of the voice process keeps it lean.
One spawn-context child answers `encode` requests over a pipe, one at a time. If it dies or
stops answering it is restarted once per request; if that fails too the request raises
`EmbedderUnavailable`, and `SemanticGrader` grades that answer with the keyword rules.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from drills.grading.embedder import EmbedderUnavailable

log = logging.getLogger("viva.grading")


@dataclass(frozen=True)
class WorkerOptions:
    start_timeout_s: float = 30.0
    """How long a request waits for a (re)started worker to load the model (about 5 s here);
    past that the answer is graded with the keyword rules while the worker keeps loading."""
    request_timeout_s: float = 10.0
    """How long one encode may take before the worker is deemed stuck and restarted."""
    threads: int = 1
    """torch threads in the worker (the machine's cores also serve ASR and TTS)."""


def _serve(conn: Connection, threads: int) -> None:
    """The worker's loop: load the model, say ready, answer lists of texts with arrays."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    try:
        from drills.grading.embedder import LocalEmbedder

        embedder = LocalEmbedder(threads=threads)
        embedder.encode(["warm up"])
    except Exception as exc:  # the parent reports it; nothing else can be done here
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            texts = conn.recv()
        except (EOFError, OSError):
            return
        if texts is None:
            return
        try:
            conn.send(("ok", embedder.encode(texts)))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class WorkerEmbedder:
    """Implements `Embedder` by asking the worker process; thread-safe (one request at a time)."""

    def __init__(self, options: WorkerOptions | None = None) -> None:
        self.options = options or WorkerOptions()
        self._context = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()
        self._process: Any = None
        self._conn: Connection | None = None
        self._ready = False
        self._broken: str | None = None
        self.restarts = 0
        self._start()

    # -- the Embedder seam ------------------------------------------------------------------

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            if self._broken:
                raise EmbedderUnavailable(self._broken)
            for attempt in (1, 2):
                try:
                    return self._ask(list(texts))
                except (EOFError, OSError, TimeoutError) as exc:
                    log.warning("grader worker failed (%s: %s); restarting it", type(exc).__name__, exc)
                    self._restart()
                    if attempt == 2:
                        raise EmbedderUnavailable(f"the grader worker failed twice: {exc}") from exc
            raise AssertionError("unreachable")

    # -- lifecycle ------------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Block until the model is loaded (True) or the timeout passes (False)."""
        with self._lock:
            try:
                self._await_ready(timeout if timeout is not None else self.options.start_timeout_s)
                return True
            except (TimeoutError, EOFError, OSError, EmbedderUnavailable):
                return False

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _start(self) -> None:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(child, self.options.threads), name="viva-grader", daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn, self._ready = process, parent, False

    def _restart(self) -> None:
        self._stop()
        self.restarts += 1
        self._start()

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.send(None)
            conn.close()
        if process is not None:
            process.join(2)
            if process.is_alive():
                process.kill()
                process.join(2)

    def _await_ready(self, timeout: float) -> None:
        if self._ready:
            return
        if self._conn is None:
            self._start()
        assert self._conn is not None
        deadline = time.monotonic() + timeout
        while not self._conn.poll(0.05):
            if not self._process.is_alive():
                raise EOFError("the grader worker exited while loading the model")
            if time.monotonic() > deadline:
                raise TimeoutError(f"the grader worker did not load the model in {timeout:.0f} s")
        kind, payload = self._conn.recv()
        if kind != "ready":
            self._broken = f"the grader worker cannot load the model: {payload}"
            raise EmbedderUnavailable(self._broken)
        self._ready = True
        log.info("grader worker ready (pid %s)", payload)

    def _ask(self, texts: list[str]) -> np.ndarray:
        try:
            self._await_ready(self.options.start_timeout_s)
        except TimeoutError as exc:  # still loading: not a failure, do not restart it
            raise EmbedderUnavailable(str(exc)) from exc
        assert self._conn is not None
        self._conn.send(texts)
        if not self._conn.poll(self.options.request_timeout_s):
            raise TimeoutError(f"no answer from the grader worker in {self.options.request_timeout_s:.0f} s")
        kind, payload = self._conn.recv()
        if kind != "ok":
            raise EmbedderUnavailable(f"the grader worker failed: {payload}")
        return payload
