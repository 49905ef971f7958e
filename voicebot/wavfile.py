"""An answer's WAV on disk: 16 kHz mono 16-bit PCM after a 44-byte header, only ever appended to.

The header's two size fields are the only part a crash can leave wrong (the writer rewrites them
about once a second, the audio as it arrives), so the file size is the truth: reopening a file to
append (a resumed answer), reading it (replay) and the start-up sweep all take the audio length
from the size, and the first and last repair the header to match. Blocking I/O throughout:
callers run these in a worker thread.
"""

from __future__ import annotations

import logging
import os
import struct
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE, int16_to_float32
from voicebot.exceptions import RecordingError

log = logging.getLogger(__name__)

HEADER_BYTES = 44
SAMPLE_BYTES = 2
BYTES_PER_SECOND = SAMPLE_RATE * SAMPLE_BYTES
_FMT = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 1, SAMPLE_RATE, BYTES_PER_SECOND, SAMPLE_BYTES, 16)


def header(data_bytes: int) -> bytes:
    """The 44-byte header of a file holding `data_bytes` of audio."""
    return b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE" + _FMT + b"data" + struct.pack("<I", data_bytes)


def _check(head: bytes, path: Path) -> None:
    if len(head) < HEADER_BYTES or head[:4] != b"RIFF" or head[8:36] != b"WAVE" + _FMT or head[36:40] != b"data":
        raise RecordingError(f"{path} is not an answer recording Viva wrote (16 kHz mono 16-bit WAV); left untouched")


def _repair(fd: int, path: Path) -> tuple[int, bool]:
    """(audio bytes in the file, whether it was changed): header fixed from the file size.

    A file shorter than a header is one whose creation a crash cut short: it holds no audio and
    gets a fresh header. A trailing odd byte is half a sample from a cut write, not audio."""
    size = os.fstat(fd).st_size
    head = os.pread(fd, HEADER_BYTES, 0)
    if size < HEADER_BYTES:
        if head != header(0)[:size]:
            raise RecordingError(f"{path} is not an answer recording Viva wrote; left untouched")
        os.ftruncate(fd, 0)
        os.pwrite(fd, header(0), 0)
        os.fsync(fd)
        return 0, True
    _check(head, path)
    data = (size - HEADER_BYTES) // SAMPLE_BYTES * SAMPLE_BYTES
    changed = False
    if size != HEADER_BYTES + data:
        os.ftruncate(fd, HEADER_BYTES + data)
        changed = True
    if head != header(data):
        os.pwrite(fd, header(data), 0)
        changed = True
    if changed:
        os.fsync(fd)
    return data, changed


def open_for_append(path: Path) -> tuple[int, int]:
    """Open `path` to add audio at its end, creating it if needed: (fd, audio bytes already there).

    Never truncates audio: an existing file is repaired (see `_repair`) and kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        if os.fstat(fd).st_size == 0:
            os.write(fd, header(0))
            os.fsync(fd)
            _sync_dir(path.parent)  # the new name survives a power cut, not just its bytes
            data = 0
        else:
            data, _ = _repair(fd, path)
        os.lseek(fd, 0, os.SEEK_END)
    except BaseException:
        os.close(fd)
        raise
    return fd, data


def _sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def repair(path: Path) -> bool:
    """Make the header of an existing recording match its size; True when it had to change."""
    fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    try:
        return _repair(fd, path)[1]
    finally:
        os.close(fd)


def repair_all(recordings_dir: Path) -> list[Path]:
    """The start-up sweep: every `<learner>/<attempt>.wav` a crash left with a stale header is
    repaired, so any player can read it. Returns the repaired files; unreadable ones are logged."""
    repaired = []
    for path in sorted(Path(recordings_dir).glob("*/*.wav")):
        try:
            if repair(path):
                repaired.append(path)
        except (OSError, RecordingError) as exc:
            log.warning("recording not repaired: %s", exc)
    return repaired


def read_samples(path: Path) -> np.ndarray:
    """A recording's audio (float32, 16 kHz), its length taken from the file size: a header a
    crash left stale is not trusted, and the file is not modified (a writer may be appending)."""
    with open(path, "rb") as handle:
        head = handle.read(HEADER_BYTES)
        _check(head, path)
        pcm = handle.read()
    pcm = pcm[: len(pcm) // SAMPLE_BYTES * SAMPLE_BYTES]
    return int16_to_float32(np.frombuffer(pcm, dtype="<i2"))


def audio_bytes(path: Path) -> int:
    """How much audio a recording holds now, from its size (whole samples), its header checked
    but not trusted for the length; the file is not modified (a writer may be appending)."""
    with open(path, "rb") as handle:
        _check(handle.read(HEADER_BYTES), path)
        size = os.fstat(handle.fileno()).st_size
    return (size - HEADER_BYTES) // SAMPLE_BYTES * SAMPLE_BYTES


def seconds(path: Path) -> float:
    """Audio length from the file size (the header may be stale after a crash)."""
    return max(0, Path(path).stat().st_size - HEADER_BYTES) // SAMPLE_BYTES / SAMPLE_RATE
