"""What the voice process's memory is made of: RSS as its parts load, in a fresh process.

`python -m benchmarks memory` runs this module as a subprocess (`python -m benchmarks.memory_bench`),
so nothing is loaded before the first step and each row is that part's own cost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import table

ANSWER = "Eigenvectors are only scaled by the map, A v equals lambda v, so their line is invariant."


def measure(cache: Path) -> str:
    import psutil

    process = psutil.Process()
    rows = []
    last = process.memory_info().rss

    def step(label: str) -> None:
        nonlocal last
        now = process.memory_info().rss
        rows.append([label, f"{(now - last) / 2**20:+.0f} MB", f"{now / 2**20:.0f} MB"])
        last = now

    step("Python and numpy")
    import aiortc  # noqa: F401
    import faster_whisper  # noqa: F401
    import onnxruntime  # noqa: F401

    import drills.service  # noqa: F401
    import voicebot.server  # noqa: F401

    step("libraries (aiortc, av, aiohttp, SQLAlchemy, onnxruntime, faster-whisper, the app)")
    import numpy as np

    from asr.audio import SAMPLE_RATE, to_16k
    from asr.options import AsrOptions
    from asr.whisper import DecodeRequest, WhisperTranscriber

    transcriber = WhisperTranscriber(AsrOptions(), cache)
    step("tiny.en (CTranslate2, int8) and the Silero gate")
    from tts.options import TtsOptions
    from tts.speaker import Speaker, load_engine
    from voicebot.serve_cli import FIXED_PROMPTS

    speaker = Speaker(load_engine(TtsOptions(deterministic=True)), TtsOptions(deterministic=True))
    step("the Piper voice")
    speaker.prerender(FIXED_PROMPTS)
    step(f"fixed prompts pre-rendered ({len(speaker.cache)} sentences)")
    chunk = speaker.render(" ".join([ANSWER] * 3))
    step(f"after synthesising a {chunk.samples.shape[0] / chunk.sample_rate:.0f} s reply")
    speech = to_16k(chunk.samples, chunk.sample_rate)
    long = np.concatenate([speech, speech])[: 28 * SAMPLE_RATE]
    transcriber.transcribe(long, DecodeRequest(beam_size=5, word_timestamps=True))
    step("after a 28 s beam-5 decode")
    from voicebot.native_memory import trim

    trim()
    step("after malloc_trim (the voice process trims every 30 s)")
    return table("Memory of the voice process's parts, loaded one by one", ["part", "added", "RSS"], rows)


def run() -> str:
    """Run `measure` in a fresh interpreter and return its table."""
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory_bench"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    return result.stdout


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as models:
        print(measure(Path(models)))
