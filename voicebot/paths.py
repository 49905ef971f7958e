"""Where files named after ids live: one function per kind, so every such path is built (and
checked) in one place."""

from __future__ import annotations

from pathlib import Path


def recording_path(recordings_dir: Path, learner_id: str, attempt_id: str) -> Path:
    """`<recordings_dir>/<learner>/<attempt>.wav`: one file per attempt, appended across reconnects."""
    return Path(recordings_dir) / learner_id / f"{attempt_id}.wav"
