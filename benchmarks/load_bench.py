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
    pool: DecodePool,
    options: AsrOptions,
    say: Callable[[str], np.ndarray],
    cycles: int,
    delay: float,
    results: dict[str, list[float]],
) -> None:
    loop = asyncio.get_running_loop()
    kinds: dict[int, str] = {}
    start = 0.0

    def on_event(event: object) -> None:
        if isinstance(event, FinalTranscript) and event.utterance_id in kinds:
            results[kinds[event.utterance_id]].append(loop.time() - (start + event.speech_end))

    recognizer = StreamingRecognizer(pool, on_event, asr=options, vad=VadOptions())
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


async def _sessions(
    pool: DecodePool, options: AsrOptions, say: Callable[[str], np.ndarray], sessions: int
) -> dict[str, list[float]]:
    results: dict[str, list[float]] = defaultdict(list)
    rng = random.Random(sessions)  # learners start at different moments, reproducibly
    await asyncio.gather(*(_learner(pool, options, say, 2, rng.uniform(0, 3), results) for _ in range(sessions)))
    return results


def batching(say: Callable[[str], np.ndarray], transcriber: WhisperTranscriber) -> str:
    """Would batching concurrent finals help? n short utterances' encoder and beam-5 decoder
    passes in one CTranslate2 call vs one call each (10 s windows, as Viva decodes commands)."""
    import time

    import ctranslate2

    from asr.whisper import DecodeRequest

    model = transcriber._model  # the lean decoder's parts: benchmark-only access
    prompt = transcriber._prompt(DecodeRequest(beam_size=5))
    texts = ["repeat the question", "next", "skip this one", "give me a hint", "tell me the answer", "slower"]
    features = []
    for text in texts:
        padded = np.zeros(10 * SAMPLE_RATE, np.float32)
        speech = say(text)[: 10 * SAMPLE_RATE]
        padded[: speech.shape[0]] = speech
        features.append(model.feature_extractor(padded, padding=0)[:, :1000])

    def decode(batch: list[np.ndarray]) -> None:
        stacked = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.stack(batch)))
        encoded = model.model.encode(stacked, to_cpu=False)
        model.model.generate(
            encoded, [prompt] * len(batch), beam_size=5, max_length=len(prompt) + 40, suppress_blank=True
        )

    def best(work: Callable[[], None]) -> float:
        work()
        times = []
        for _ in range(3):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
        return min(times)

    rows = []
    for n in (2, 4, 6):
        batch = features[:n]
        one_by_one = best(lambda b=batch: [decode([f]) for f in b])
        together = best(lambda b=batch: decode(b))
        rows.append([n, ms(one_by_one), ms(together)])
    return table(
        "Batching finals: n short utterances, beam 5, one CTranslate2 call each vs one call for all (best of 3)",
        ["n", "one by one", "batched"],
        rows,
    )


def run(say: Callable[[str], np.ndarray], cache: Path, quick: bool) -> str:
    rows = []
    layouts = ((1, 2), (2, 1))  # (decode workers, CTranslate2 threads each): both use 2 cores at most
    for text in {t for _, t, _, _ in _CYCLE}:
        say(text)
    batched = ""
    for workers, threads in layouts:
        options = AsrOptions(decode_workers=workers, cpu_threads=threads)
        transcriber = WhisperTranscriber(options, cache)
        pool = DecodePool(transcriber, workers)
        if (workers, threads) == (1, 2):
            batched = batching(say, transcriber)
        for sessions in (2, 6) if quick else (1, 2, 4, 6):
            results = asyncio.run(_sessions(pool, options, say, sessions))
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
    return scheduling + "\n" + batched
