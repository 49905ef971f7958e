"""The answer writer: appends only, survives crashes, never blocks the loop, one writer per file."""

import asyncio
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from drills.ids import BadId
from voicebot import wavfile
from voicebot.exceptions import RecordingError
from voicebot.paths import recording_path
from voicebot.recorder import RecorderOptions, Recorders
from voicebot.wavfile import BYTES_PER_SECOND, HEADER_BYTES

REPO = Path(__file__).resolve().parents[2]


def tone(seconds: float, level: float) -> np.ndarray:
    return np.full(int(seconds * 16000), level, np.float32)


def wave_frames(path: Path) -> int:
    """What a player that trusts the header sees."""
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (16000, 1, 2)
        return wav.getnframes()


def levels(samples: np.ndarray) -> list[float]:
    """The distinct levels in order of appearance (each test segment is one constant level)."""
    seen: list[float] = []
    for value in np.round(samples.astype(np.float64), 2).tolist():
        if not seen or seen[-1] != value:
            seen.append(value)
    return seen


async def test_a_second_writer_appends_and_never_truncates(tmp_path: Path) -> None:
    path = tmp_path / "ada" / "a1.wav"
    recorders = Recorders()
    first = recorders.open(path)
    first.append(tone(1.0, 0.1))
    await first.close()
    assert await first.existing_bytes() == 0

    second = recorders.open(path)  # a resumed answer
    second.append(tone(0.5, 0.2))
    second.append(tone(0.5, 0.3))
    await second.close()
    assert await second.existing_bytes() == BYTES_PER_SECOND  # it found the first part
    assert wave_frames(path) == 32000
    samples = wavfile.read_samples(path)
    assert samples.shape == (32000,) and levels(samples) == [0.1, 0.2, 0.3]


async def test_close_makes_the_header_valid_and_stops_taking_audio(tmp_path: Path) -> None:
    path = tmp_path / "l" / "a.wav"
    recording = Recorders(RecorderOptions(sync_every_s=3600)).open(path)  # no periodic sync
    recording.append(tone(0.75, 0.5))
    await recording.close()
    assert wave_frames(path) == 12000
    recording.append(tone(1.0, 0.9))  # after close: ignored, not written
    recording.finish()
    await recording.close()
    assert path.stat().st_size == HEADER_BYTES + 12000 * 2
    assert recording.failure is None


async def test_the_header_follows_the_audio_about_every_second(tmp_path: Path) -> None:
    path = tmp_path / "l" / "a.wav"
    recording = Recorders(RecorderOptions(sync_every_s=0.2)).open(path)
    recording.append(tone(0.3, 0.1))
    assert await recording.existing_bytes() == 0
    deadline = time.monotonic() + 10
    while wave_frames(path) < 4800:  # the writer syncs on its own; nothing closes the file
        assert time.monotonic() < deadline, "the header was never brought up to date"
        await asyncio.sleep(0.02)
    assert wave_frames(path) == 4800
    await recording.close()


async def test_a_full_backlog_is_written_whole_once_the_disk_is_free(tmp_path: Path) -> None:
    """The file is busy (an earlier writer still holds it): audio waits in the backlog, nothing
    is dropped, and it lands in order, after the earlier writer's audio."""
    path = tmp_path / "l" / "a.wav"
    recorders = Recorders()
    earlier = recorders.open(path)
    earlier.append(tone(0.5, 0.1))
    later = recorders.open(path)
    for i in range(150):  # 3 s in 20 ms frames, as the microphone delivers them
        later.append(tone(0.02, 0.2 if i < 75 else 0.3))
    # Every append returned although the file could not even be opened: the loop never waits.
    assert not later.opened.done() and recorders.writing == 2  # one writer of the file at a time
    await earlier.close()
    await later.close()
    samples = wavfile.read_samples(path)
    assert samples.shape == (8000 + 48000,) and levels(samples) == [0.1, 0.2, 0.3]
    assert wave_frames(path) == 56000 and recorders.writing == 0


async def test_past_the_backlog_limit_the_recording_fails_loudly(tmp_path: Path) -> None:
    path = tmp_path / "l" / "a.wav"
    recorders = Recorders(RecorderOptions(backlog_limit_s=1.0))
    holder = recorders.open(path)
    failures: list[str] = []
    stuck = recorders.open(path, on_failure=failures.append)
    for _ in range(15):
        stuck.append(tone(0.1, 0.4))  # 1.5 s while the file stays busy
    assert stuck.failure and "1 s of audio" in stuck.failure
    await asyncio.sleep(0)  # the report is delivered on the loop
    assert failures == [stuck.failure]
    await holder.close()
    await stuck.close()
    # What was taken before the limit is still written; nothing after it, and no gap inside.
    assert wavfile.read_samples(path).shape == (16000,) and wave_frames(path) == 16000


async def test_a_file_viva_did_not_write_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "l" / "a.wav"
    path.parent.mkdir()
    path.write_bytes(b"ID3 not a wav at all" * 10)
    failures: list[str] = []
    recording = Recorders().open(path, on_failure=failures.append)
    recording.append(tone(0.2, 0.1))
    await recording.close()
    await asyncio.sleep(0)
    assert await recording.existing_bytes() is None
    assert failures and "not an answer recording" in failures[0]
    assert path.read_bytes() == b"ID3 not a wav at all" * 10
    with pytest.raises(RecordingError):
        wavfile.read_samples(path)


CRASHING_WRITER = """
import asyncio, os, signal, sys, time
import numpy as np
from pathlib import Path
from voicebot.recorder import RecorderOptions, Recorders

async def main():
    recording = Recorders(RecorderOptions(sync_every_s=1.0)).open(Path(sys.argv[1]))
    for _ in range(25):  # 2.5 s, a tenth of a second at a time
        recording.append(np.full(1600, 0.25, np.float32))
        await asyncio.sleep(0.01)
    target = 44 + 2.5 * 32000
    while os.path.getsize(sys.argv[1]) < target:  # handed to the kernel, not yet fsynced
        await asyncio.sleep(0.005)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


def test_a_killed_writer_leaves_audio_that_is_read_and_repaired(tmp_path: Path) -> None:
    path = tmp_path / "l" / "a.wav"
    done = subprocess.run([sys.executable, "-c", CRASHING_WRITER, str(path)], cwd=REPO, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert path.stat().st_size == HEADER_BYTES + 80000
    assert wave_frames(path) < 40000  # the header is stale: it was last rewritten ~1 s in
    assert wavfile.read_samples(path).shape == (40000,)  # replay reads it from the size
    assert wavfile.repair_all(tmp_path) == [path]
    assert wave_frames(path) == 40000 and wavfile.repair_all(tmp_path) == []


async def test_reopening_repairs_a_stale_header_and_a_cut_sample(tmp_path: Path) -> None:
    path = tmp_path / "l" / "a.wav"
    path.parent.mkdir()
    pcm = (np.full(8000, 0.5, np.float32) * 32767).astype("<i2").tobytes()
    path.write_bytes(wavfile.header(0) + pcm + b"\x01")  # header never synced, a write cut mid-sample
    recording = Recorders().open(path)
    recording.append(tone(0.5, 0.25))
    await recording.close()
    assert await recording.existing_bytes() == 16000
    assert wave_frames(path) == 16000 and levels(wavfile.read_samples(path)) == [0.5, 0.25]


async def test_a_file_cut_inside_its_header_holds_no_audio_and_is_restarted(tmp_path: Path) -> None:
    path = tmp_path / "l" / "a.wav"
    path.parent.mkdir()
    path.write_bytes(wavfile.header(0)[:20])
    recording = Recorders().open(path)
    recording.append(tone(0.1, 0.1))
    await recording.close()
    assert await recording.existing_bytes() == 0 and wave_frames(path) == 1600


def test_recording_paths_are_built_only_from_ids() -> None:
    root = Path("/data/recordings")
    attempt = "0123456789abcdef0123456789abcdef"
    assert recording_path(root, "ada-lovelace", attempt) == root / "ada-lovelace" / f"{attempt}.wav"
    for learner, attempt_id in (("../ada", attempt), ("ada", "../../etc/passwd"), ("ada", attempt.upper())):
        with pytest.raises(BadId):
            recording_path(root, learner, attempt_id)


async def test_a_symlink_out_of_the_recordings_folder_is_not_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "recordings", tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (root / "ada").symlink_to(outside)  # planted inside the folder, pointing out of it
    failures: list[str] = []
    path = recording_path(root, "ada", "0123456789abcdef0123456789abcdef")
    recording = Recorders().open(path, on_failure=failures.append, inside=root)
    recording.append(tone(0.2, 0.1))
    await recording.close()
    await asyncio.sleep(0)
    assert failures and "inside its folder" in failures[0]
    assert list(outside.iterdir()) == []
