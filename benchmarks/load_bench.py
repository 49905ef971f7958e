"""Decode scheduling under load: N learners' audio through one process's decode pool.

Each simulated learner streams Piper speech in real time through its own `StreamingRecognizer`
(the voice bot's profile, biasing and command set for each turn), all sharing one `DecodePool`,
with no WebRTC, Rasa or TTS: what is left is the recogniser's part of a turn, from the end of
speech to the final transcript, and how it grows with sessions for each thread layout of the
pool. `python -m benchmarks load`.
"""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.events import FinalTranscript
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.pool import DecodePool
from asr.streaming import StreamingRecognizer
from asr.whisper import WhisperTranscriber
from benchmarks.common import ms, pct, table
from voicebot.biasing import COMMAND_HOTWORDS, answer_hotwords, commands_for

ANSWER = "Eigenvectors are only scaled by the map, A v equals lambda v, so their line is invariant. That's my answer."
TERMS = ("eigenvector", "eigenvalue", "invariant subspace", "span")
# (kind, text, bot mode while it is said, silence after it in seconds)
_CYCLE = (
    ("command", "repeat the question", "answer", 2.0),
    ("answer", ANSWER, "answer", 2.5),
    ("command", "next", "command", 2.0),
)


async def _learner(
    pool: DecodePool, say: Callable[[str], np.ndarray], cycles: int, delay: float, results: dict[str, list[float]]
) -> None:
    loop = asyncio.get_running_loop()
    kinds: dict[int, str] = {}
    start = 0.0

    def on_event(event: object) -> None:
        if isinstance(event, FinalTranscript) and event.utterance_id in kinds:
            results[kinds[event.utterance_id]].append(loop.time() - (start + event.speech_end))

    recognizer = StreamingRecognizer(pool, on_event, asr=pool.transcriber.options, vad=VadOptions())
    await asyncio.sleep(delay)
    start = loop.time()
    fed = 0
    utterance = 0
    for _ in range(cycles):
        for kind, text, mode, gap in _CYCLE:
            answering = mode == "answer"
            recognizer.set_context(
                profile=EndpointProfile.ANSWER if answering else EndpointProfile.COMMAND,
                hotwords=answer_hotwords(TERMS) if answering else COMMAND_HOTWORDS,
                commands=commands_for(mode),
            )
            utterance += 1
            kinds[utterance] = kind
            audio = np.concatenate([say(text), np.zeros(int(gap * SAMPLE_RATE), np.float32)])
            for offset in range(0, audio.shape[0], 320):
                await recognizer.feed(audio[offset : offset + 320])
                fed += 320
                await asyncio.sleep(max(0.0, start + fed / SAMPLE_RATE - loop.time()))
    await recognizer.finish()
    await recognizer.close()


async def _sessions(pool: DecodePool, say: Callable[[str], np.ndarray], sessions: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = defaultdict(list)
    rng = random.Random(sessions)  # learners start at different moments, reproducibly
    await asyncio.gather(*(_learner(pool, say, 2, rng.uniform(0, 3), results) for _ in range(sessions)))
    return results


def run(say: Callable[[str], np.ndarray], cache: Path, quick: bool) -> str:
    rows = []
    layouts = ((1, 2), (2, 1))  # (decode workers, CTranslate2 threads each): both use 2 cores at most
    for text in {t for _, t, _, _ in _CYCLE}:
        say(text)
    for workers, threads in layouts:
        options = AsrOptions(decode_workers=workers, cpu_threads=threads)
        pool = DecodePool(WhisperTranscriber(options, cache), workers)
        for sessions in (2, 6) if quick else (1, 2, 4, 6):
            results = asyncio.run(_sessions(pool, say, sessions))
            command, answer = results["command"], results["answer"]
            rows.append(
                [
                    f"{workers} × {threads}",
                    sessions,
                    len(command),
                    ms(pct(command, 50)),
                    ms(pct(command, 95)),
                    ms(pct(answer, 50)),
                    ms(pct(answer, 95)),
                ]
            )
        pool.close()
    scheduling = table(
        "Recogniser under load: end of speech → final transcript, sessions sharing one decode pool",
        ["workers × threads", "sessions", "commands", "command p50", "command p95", "answer p50", "answer p95"],
        rows,
    )
    return scheduling
