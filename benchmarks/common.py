"""Small helpers shared by the benchmark sections: tables, percentiles, shared data."""

from __future__ import annotations

import csv
import os
import resource
from collections.abc import Sequence
from dataclasses import dataclass
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


def table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-markdown table, so the output can be pasted into docs/benchmarks.md."""
    lines = [f"\n### {title}\n", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
