"""`python -m tests.fuzz [--cases 5000] [--seed 1]`: the long fuzz run, with a table.

Starts its own `viva serve` (rate limits off, so every case reaches the code it is meant for),
runs the served and the in-process targets, prints a markdown table and every failure, and
exits 1 when any case failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.common import table  # noqa: E402
from tests.fuzz.offline import run_offline  # noqa: E402
from tests.fuzz.served import run_served  # noqa: E402
from tests.fuzz.tally import Tally  # noqa: E402
from tests.support import VivaServer, viva_env  # noqa: E402

SHARES = {
    "SDP offers": 0.2,
    "API bodies": 0.25,
    "data-channel messages": 0.1,
    "audio frames": 0.15,
    "audio files": 0.05,
    "decks": 0.15,
    "content files": 0.1,
}
"""How a run's cases are split between the targets."""


def counts_for(cases: int) -> dict[str, int]:
    return {name: max(1, round(cases * share)) for name, share in SHARES.items()}


def fuzz_env(data_dir: Path) -> dict[str, str]:
    """A server whose rate limits are off: a fuzz run is one client sending thousands of requests."""
    off = {f"VIVA_SERVER__{limit}__PER_MINUTE": "0" for limit in ("OFFER_RATE", "PROFILE_RATE", "PAIR_RATE")}
    return viva_env(data_dir, **off)


def run(cases: int, seed: int, data_dir: Path, server: VivaServer | None = None) -> list[Tally]:
    """Every target; `server` (rate limits off) is started here when not given."""
    counts = counts_for(cases)
    own = server is None
    server = server or VivaServer(data_dir, fuzz_env(data_dir)).start()
    try:
        served = asyncio.run(run_served(server, seed, counts))
        if server.process is not None and server.process.poll() is not None:
            served[-1].fail(f"viva serve exited with {server.process.returncode}")
    finally:
        if own:
            server.stop()
    return served + run_offline(seed, counts)


def report(tallies: list[Tally]) -> str:
    rows = [t.row() for t in tallies]
    rows.append(["all", *(sum(int(r[i]) for r in rows) for i in range(1, 5))])
    return table(
        "Fuzzing: malformed and hostile input", ["target", "cases", "clear error", "accepted", "failures"], rows
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz")
    parser.add_argument("--cases", type=int, default=5000, help="cases over all targets (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="the same seed gives the same cases")
    parser.add_argument("--data-dir", type=Path, help="the server's data folder, kept (default: a temporary one)")
    args = parser.parse_args()
    started = time.monotonic()
    if args.data_dir:
        args.data_dir.mkdir(parents=True, exist_ok=True)
        tallies = run(args.cases, args.seed, args.data_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="viva-fuzz-") as data:
            tallies = run(args.cases, args.seed, Path(data))
    print(report(tallies))
    for tally in tallies:
        for failure in tally.failures:
            print(f"\n[{tally.target}] {failure}")
    print(
        f"\n(took {time.monotonic() - started:.0f} s: `python -m tests.fuzz --cases {args.cases} --seed {args.seed}`)"
    )
    return 1 if any(t.failures for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
