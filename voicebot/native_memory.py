"""Keeping the voice process's native heap small (glibc only; other libcs are left alone).

Piper (ONNX Runtime without its arena) and CTranslate2 allocate and free large buffers on every
call. glibc keeps freed memory inside its heaps instead of returning it, and gives each thread
its own heap: measured, ~250 MB stayed resident after the start-up prompts, one long reply and
a few decodes, and `malloc_trim` gave it back in ~7 ms (`python -m benchmarks memory`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import sys

log = logging.getLogger(__name__)

_M_ARENA_MAX = -8  # glibc's malloc.h


def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 - musl has no malloc_trim
    except (OSError, AttributeError):
        return None
    return libc


def cap_malloc_arenas(arenas: int = 2) -> None:
    """As MALLOC_ARENA_MAX=2 (which wins when set): many threads share two heaps."""
    libc = _glibc()
    if libc is not None and not os.environ.get("MALLOC_ARENA_MAX"):
        libc.mallopt(_M_ARENA_MAX, arenas)


def trim() -> None:
    """Give freed heap memory back to the system (blocking: ~10 ms)."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


class HeapTrimmer:
    """Trims on a worker thread every `interval_s`, and soon after `request` (the last session
    closed: the memory its turns used can go back now, not up to 30 s later)."""

    def __init__(self, interval_s: float = 30.0) -> None:
        self._interval_s = interval_s
        self._wake = asyncio.Event()
        self.trims = 0

    def request(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Until cancelled."""
        if _glibc() is None:
            return
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval_s)
            self._wake.clear()
            await asyncio.to_thread(trim)
            self.trims += 1
