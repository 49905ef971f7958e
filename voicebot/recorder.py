"""Answers written to disk as they are spoken: one writer thread per attempt's file.

The event loop only converts a chunk to 16-bit PCM and appends it to the recording's backlog
(a bytearray behind a lock held for one copy); the writer thread takes the whole backlog at once
and appends it to the file, so a slow disk makes the writes bigger, never the loop slower. About
once a second while audio is unsynced, and on close, it rewrites the header and fsyncs. Audio
reaches the file (the page cache) within one wake-up of the thread, so a killed process loses
nothing it was given; a power cut loses at most the last second.

Backlog policy (the bounded queue): nothing is dropped while the disk keeps up on average; a
stall only grows the backlog, which the next write drains whole. The bound, `backlog_limit_s`
of audio (32 kB per second), is far beyond any stall of a working disk (benchmarks/recorder_bench.py
measures write+fsync latency): reaching it means the disk is failing, and the recording fails
loudly (the learner is told, the log says how much was refused) instead of growing without
limit. What was taken before is still written if the disk recovers.

A file has at most one writer: `Recorders.open` chains a new writer for a path behind the
previous one, whose thread must have closed the file before the new one opens it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from asr.audio import float32_to_int16
from drills import ids
from voicebot import wavfile
from voicebot.wavfile import BYTES_PER_SECOND

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecorderOptions:
    sync_every_s: float = 1.0
    """Header rewrite + fsync at most this often while audio is unsynced (always on close)."""
    backlog_limit_s: float = 120.0
    """Audio held in memory while the disk lags; reaching it fails the recording (see above)."""


class AnswerRecording:
    """One writer of one attempt's WAV. `append` is called on the loop; the thread does the I/O."""

    def __init__(
        self,
        path: Path,
        options: RecorderOptions,
        after: Future[None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        inside: Path | None = None,
    ) -> None:
        self.path = path
        self._inside = inside
        self._options = options
        self._after = after
        self._on_failure = on_failure
        self._loop = _running_loop()
        self._cond = threading.Condition()
        self._backlog = bytearray()
        self._limit = int(options.backlog_limit_s * BYTES_PER_SECOND)
        self._closing = False
        self.appended = 0
        """Bytes of audio `append` accepted (what this writer adds after `opened`'s bytes)."""
        self.failure: str | None = None
        self.opened: Future[int] = Future()
        """Resolves to the audio bytes the file held before this writer (a resumed answer)."""
        self.closed: Future[None] = Future()
        """Resolves when the thread has written everything it took and closed the file."""
        for future in (self.opened, self.closed):
            future.set_running_or_notify_cancel()  # an awaiting task's cancellation must not cancel it
        threading.Thread(target=self._run, name=f"recording-{path.stem}", daemon=True).start()

    # -- the loop's side -------------------------------------------------------------------

    def append(self, samples: np.ndarray) -> None:
        """Hand 16 kHz float32 audio to the writer; never waits for the disk."""
        if samples.size == 0:
            return
        pcm = float32_to_int16(samples).tobytes()
        with self._cond:
            if self._closing or self.failure is not None:
                return
            if len(self._backlog) + len(pcm) > self._limit:
                seconds = len(self._backlog) / BYTES_PER_SECOND
                self._fail(f"the disk has not taken the last {seconds:.0f} s of audio for {self.path.name}")
                return
            self._backlog += pcm
            self.appended += len(pcm)
            self._cond.notify()

    @property
    def backlog_seconds(self) -> float:
        """Audio taken but not yet written (grows only while the disk lags)."""
        return len(self._backlog) / BYTES_PER_SECOND

    def finish(self) -> None:
        """Stop taking audio; the thread writes what it has, fixes the header, fsyncs and closes."""
        with self._cond:
            self._closing = True
            self._cond.notify()

    async def close(self) -> None:
        self.finish()
        await asyncio.wrap_future(self.closed)

    async def existing_bytes(self) -> int | None:
        """Audio bytes in the file before this writer; None when it could not be opened."""
        try:
            return await asyncio.wrap_future(self.opened)
        except Exception:  # the failure was reported through on_failure
            return None

    # -- the writer thread -----------------------------------------------------------------

    def _run(self) -> None:
        fd = -1
        try:
            if self._after is not None:
                wait([self._after])  # the previous writer of this file has closed it
            if self._inside is not None:  # resolved here, off the loop: no symlink leads out
                ids.path_under(self._inside, *self.path.relative_to(self._inside).parts)
            fd, existing = wavfile.open_for_append(self.path)
            log.info("recording %s opened (%.1f s already in it)", self.path.name, existing / BYTES_PER_SECOND)
            self.opened.set_result(existing)
            written = self._write_until_closed(fd, existing)
            log.info("recording %s closed (%.1f s)", self.path.name, written / BYTES_PER_SECOND)
        except Exception as exc:
            with self._cond:
                self._fail(f"the recording {self.path.name} could not be written: {exc}")
            if not self.opened.done():
                self.opened.set_exception(exc)
        finally:
            if fd >= 0:
                os.close(fd)
            self.closed.set_result(None)

    def _write_until_closed(self, fd: int, written: int) -> int:
        """Write until closed; returns the audio bytes in the file."""
        sync_s = self._options.sync_every_s
        sync_bytes = int(sync_s * BYTES_PER_SECOND)
        unsynced, synced_at = 0, time.monotonic()
        while True:
            with self._cond:
                while not self._backlog and not self._closing:
                    if not unsynced:
                        self._cond.wait()
                    elif not self._cond.wait(max(0.0, sync_s - (time.monotonic() - synced_at))):
                        break  # quiet for a while with audio unsynced: sync it now
                data, self._backlog = self._backlog, bytearray()
                closing = self._closing
            if data:
                _write_all(fd, data)
                written += len(data)
                unsynced += len(data)
            if unsynced and (closing or unsynced >= sync_bytes or time.monotonic() - synced_at >= sync_s):
                os.pwrite(fd, wavfile.header(written), 0)
                os.fsync(fd)
                unsynced, synced_at = 0, time.monotonic()
            if closing:
                return written

    def _fail(self, message: str) -> None:
        """Called with `_cond` held; the first failure wins and is reported once, on the loop."""
        if self.failure is not None:
            return
        self.failure = message
        log.error("recording failed: %s", message)
        if self._on_failure is not None and self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is gone (shutdown): the log line stands
                self._loop.call_soon_threadsafe(self._on_failure, message)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:  # used from plain threads (benchmarks): failures are only logged
        return None


def _write_all(fd: int, data: bytearray) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Recorders:
    """The process's answer writers, at most one per file at a time (shared by all sessions)."""

    def __init__(self, options: RecorderOptions | None = None) -> None:
        self.options = options or RecorderOptions()
        self._latest: dict[Path, AnswerRecording] = {}
        self._unfinished: list[AnswerRecording] = []

    def open(
        self, path: Path, on_failure: Callable[[str], None] | None = None, inside: Path | None = None
    ) -> AnswerRecording:
        """A writer appending to `path`; it opens the file once any earlier writer has closed it,
        and only if the resolved path stays inside `inside` (when given)."""
        self._latest = {p: r for p, r in self._latest.items() if not r.closed.done()}
        previous = self._latest.get(path)
        recording = AnswerRecording(path, self.options, previous.closed if previous else None, on_failure, inside)
        self._latest[path] = recording
        self._unfinished = [r for r in self._unfinished if not r.closed.done()] + [recording]
        return recording

    def is_writing(self, path: Path) -> bool:
        """Whether a writer of `path` (spelled as it was opened) has not closed the file yet: it may
        be appending, so readers must not modify the file. Safe from any thread (one dict read)."""
        recording = self._latest.get(path)
        return recording is not None and not recording.closed.done()

    @property
    def writing(self) -> int:
        """Writers not finished yet (writing, or waiting for an earlier writer of their file)."""
        return sum(not r.closed.done() for r in self._unfinished)
