"""Viva's data stays its owner's: a 0700 data directory, 0600 files.

`make_private` sets the process umask to 077 before anything is written, so every file Viva
and its child processes create from then on is owner-only whatever writes it: the study
database and its WAL/SHM files, the recordings (however the recorder opens them), Rasa's
tracker store and logs, the TLS files. Files left readable by an older install are tightened
once, at start-up.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

PRIVATE_UMASK = 0o077
_PRIVATE_DIRS = ("recordings", "rasa", "logs", "tls", "models")


def make_private(data_dir: Path, database_url: str | None = None) -> None:
    """Umask 077 for this process and its children; data dir 0700; an existing SQLite store
    (and WAL/SHM) 0600; the data dir's own subfolders 0700."""
    os.umask(PRIVATE_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    _tighten(data_dir, 0o700)
    for name in _PRIVATE_DIRS:
        _tighten(data_dir / name, 0o700)
    database = _sqlite_file(database_url) if database_url else None
    for path in [data_dir / "viva.db", *([database] if database else [])]:
        for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            _tighten(companion, 0o600)


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def _tighten(path: Path, mode: int) -> None:
    """Drop group/other bits from a file or folder we own (never follows a symlink)."""
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        return
    if stat.S_IMODE(info.st_mode) & 0o077:
        path.chmod(mode)
