"""Small helpers shared by the benchmark sections: tables, percentiles, shared data."""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Clip:
    path: Path
    reference: str
    duration: float


def shared_clips() -> list[Clip] | None:
    """The 39 real clips of ../shared/speech (VIVA_SHARED_DIR), or None when absent."""
    from voicebot.settings import load_settings

    root = load_settings(environ={k: v for k, v in os.environ.items() if k == "VIVA_SHARED_DIR"}).shared_dir
    manifest = root / "speech" / "manifest.tsv"
    if not manifest.is_file():
        return None
    with manifest.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return [Clip(root / "speech" / r["path"], r["reference_text"], float(r["duration_s"])) for r in rows]


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def ms(seconds: float) -> str:
    return "n/a" if seconds != seconds else f"{seconds * 1000:.0f} ms"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@cache
def run_stamp() -> str:
    """The commit the benchmarks run on (`+dirty` with uncommitted changes) and today's date."""
    repo = Path(__file__).resolve().parent.parent

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown commit"
    if git("status", "--porcelain", "--untracked-files=no"):
        commit += "+dirty"
    return f"{commit}, {time.strftime('%Y-%m-%d')}"


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-markdown table, so the output can be pasted into docs/benchmarks.md; its title
    carries the commit and date it ran on."""
    lines = [f"\n### {title} ({run_stamp()})\n", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
