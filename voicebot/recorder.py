"""Answers written to disk as they are spoken, so a crash or a disconnect keeps them.

A 16 kHz mono 16-bit WAV whose header is rewritten after every append: at any moment the file
on disk is a valid WAV holding everything flushed so far. Data is fsync'ed at most every
`sync_every_s` seconds of audio (and on close) to bound the I/O cost.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE, float32_to_int16

_HEADER_BYTES = 44


def _header(data_bytes: int) -> bytes:
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVE"
        + b"fmt "
        + struct.pack("<IHHIIHH", 16, 1, 1, SAMPLE_RATE, SAMPLE_RATE * 2, 2, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


class AnswerRecording:
    """One attempt's audio file; appends float32 16 kHz chunks."""

    def __init__(self, path: Path, sync_every_s: float = 1.0) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "w+b")  # noqa: SIM115 - closed in close()
        self._file.write(_header(0))
        self._data_bytes = 0
        self._unsynced = 0
        self._sync_every = int(sync_every_s * SAMPLE_RATE * 2)
        self.closed = False

    @property
    def seconds(self) -> float:
        """Audio written so far: word timings of the next utterance start here."""
        return self._data_bytes / (2 * SAMPLE_RATE)

    def append(self, samples: np.ndarray) -> None:
        if self.closed or samples.size == 0:
            return
        pcm = float32_to_int16(samples).tobytes()
        self._file.seek(0, os.SEEK_END)
        self._file.write(pcm)
        self._data_bytes += len(pcm)
        self._unsynced += len(pcm)
        self._file.seek(0)
        self._file.write(_header(self._data_bytes))
        if self._unsynced >= self._sync_every:
            self._sync()

    def _sync(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._unsynced = 0

    def close(self) -> None:
        if self.closed:
            return
        self._sync()
        self._file.close()
        self.closed = True
