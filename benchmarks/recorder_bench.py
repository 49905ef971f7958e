"""The answer writer: what the event loop pays per chunk, how far the backlog grows, and how long
the disk takes for a write + fsync (what `RecorderOptions.backlog_limit_s` must outlast)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import pct, table
from voicebot.recorder import Recorders
from voicebot.wavfile import BYTES_PER_SECOND, open_for_append

FRAME = np.full(320, 0.1, np.float32)  # 20 ms, as the microphone delivers it


async def _paced(root: Path, writers: int, seconds: float) -> tuple[list[float], float]:
    """`writers` answers spoken at once in real time: append costs (s) and the largest backlog (s)."""
    recorders = Recorders()
    recordings = [recorders.open(root / "paced" / f"{i}.wav") for i in range(writers)]
    costs, backlog = [], 0.0
    for _ in range(int(seconds * 50)):
        for recording in recordings:
            started = time.perf_counter()
            recording.append(FRAME)
            costs.append(time.perf_counter() - started)
            backlog = max(backlog, recording.backlog_seconds)
        await asyncio.sleep(0.02)
    await asyncio.gather(*(r.close() for r in recordings))
    return costs, backlog


async def _flat_out(root: Path, writers: int, seconds: float) -> tuple[float, float]:
    """`seconds` of audio per writer handed over at once: time to drain, largest backlog (s)."""
    recorders = Recorders()
    recordings = [recorders.open(root / "burst" / f"{i}.wav") for i in range(writers)]
    started = time.perf_counter()
    backlog = 0.0
    for _ in range(int(seconds * 50)):
        for recording in recordings:
            recording.append(FRAME)
            backlog = max(backlog, recording.backlog_seconds)
    await asyncio.gather(*(r.close() for r in recordings))
    return time.perf_counter() - started, backlog


def _write_fsync(root: Path, rounds: int) -> list[float]:
    """One second of audio written and fsynced, as the writer does about once a second."""
    fd, _ = open_for_append(root / "sync.wav")
    chunk = bytes(BYTES_PER_SECOND)
    took = []
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            os.write(fd, chunk)
            os.fsync(fd)
            took.append(time.perf_counter() - started)
    finally:
        os.close(fd)
    return took


def run(quick: bool = False, directory: Path | None = None) -> str:
    """`directory`: where to write (default: a temporary directory on the data directory's disk)."""
    from voicebot.settings import load_settings

    base = directory or load_settings().data_dir
    base.mkdir(parents=True, exist_ok=True)
    writers, paced_s, burst_s = 8, (3.0 if quick else 10.0), (20.0 if quick else 60.0)
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        root = Path(tmp)
        syncs = _write_fsync(root, 20 if quick else 60)
        costs, paced_backlog = asyncio.run(_paced(root, writers, paced_s))
        drain, burst_backlog = asyncio.run(_flat_out(root, writers, burst_s))
    rows = [
        ["write 1 s + fsync (disk)", *_spread(syncs, 1e3, "ms")],
        [f"append 20 ms, {writers} answers in real time (loop)", *_spread(costs, 1e6, "µs")],
    ]
    out = table(f"Recorder: disk and loop costs ({base})", ["what", "p50", "p99", "max"], rows)
    backlog_rows = [
        [f"{writers} answers spoken in real time, {paced_s:.0f} s", f"{paced_backlog:.2f} s", "—"],
        [f"{writers} × {burst_s:.0f} s handed over at once", f"{burst_backlog:.1f} s", f"{drain:.2f} s"],
    ]
    title = "Recorder: largest backlog (the limit is 120 s)"
    return out + table(title, ["load", "largest backlog", "drained in"], backlog_rows)


def _spread(values: list[float], scale: float, unit: str) -> list[str]:
    return [f"{v * scale:.1f} {unit}" for v in (pct(values, 50), pct(values, 99), max(values))]
