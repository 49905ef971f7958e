"""Where files named after ids live: one function per kind, so every such path is built (and
checked) in one place."""

from __future__ import annotations

from pathlib import Path

from drills import ids


def recording_path(recordings_dir: Path, learner_id: str, attempt_id: str) -> Path:
    """`<recordings_dir>/<learner>/<attempt>.wav`: one file per attempt, appended across reconnects.

    Both ids must have their shapes (`drills.ids`, `BadId` otherwise), so the path cannot leave
    `recordings_dir` by its spelling; no I/O here (it runs on the event loop). The writer's
    thread checks the resolved path too (`ids.path_under`: no symlink leads out)."""
    return Path(recordings_dir) / ids.learner_id(learner_id) / f"{ids.attempt_id(attempt_id)}.wav"
