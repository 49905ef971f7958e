"""The mouth alone: each chunk said is reported with where its audio came from, and a rehearsed
reply starts from the cache. The speaker is the real `Speaker` over a recording engine double
(the Piper path runs in tests/tts/test_speaker.py and the real voice turns)."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from tts.engine import ChunkSource
from tts.options import TtsOptions
from tts.speaker import Speaker
from voicebot.mouth import Mouth, SpokenChunk
from voicebot.playback import PlaybackQueue

FEEDBACK = "That missed the key points. The main one is: eigenvectors keep their direction. Say next."


class Engine:
    name = "recording"
    sample_rate = 16_000

    def __init__(self) -> None:
        self.said: list[str] = []
        self.busy = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def synthesize(self, sentence: str, rate: float) -> np.ndarray:
        self.busy.set()
        self.release.wait()
        self.said.append(sentence)
        return np.full(16 * len(sentence), 0.1, np.float32)


@pytest.fixture
def parts():
    engine = Engine()
    spoken: list[SpokenChunk] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        mouth = Mouth(Speaker(engine, TtsOptions()), pool, PlaybackQueue(), on_chunk=spoken.append)
        yield mouth, engine, spoken


async def test_every_chunk_is_reported_and_only_the_first_starts_the_text(parts) -> None:
    mouth, engine, spoken = parts
    assert await mouth.say(FEEDBACK)
    assert [c.first for c in spoken] == [True] + [False] * (len(engine.said) - 1)
    assert {c.source for c in spoken} == {ChunkSource.SYNTHESISED}
    assert all(c.waited >= 0 for c in spoken)


async def test_a_rehearsed_reply_starts_from_the_cache(parts) -> None:
    mouth, engine, spoken = parts
    await mouth.rehearse(FEEDBACK)
    assert not mouth.busy  # rehearsing is not talking
    assert engine.said == ["That missed the key points."]
    assert await mouth.say(FEEDBACK)
    assert spoken[0].source is ChunkSource.REHEARSED and spoken[0].first
    assert len(engine.said) == len(spoken)  # nothing rehearsed was synthesised again


async def test_rehearsal_follows_the_speaking_rate(parts) -> None:
    mouth, _, spoken = parts
    await mouth.rehearse(FEEDBACK)
    mouth.rate = 0.8  # "slower" came in between: the rehearsed audio is for another rate
    assert await mouth.say(FEEDBACK)
    assert spoken[0].source is ChunkSource.SYNTHESISED


async def test_a_cached_start_does_not_queue_behind_synthesis_on_the_pool() -> None:
    engine = Engine()
    speaker = Speaker(engine, TtsOptions())
    speaker.prerender(["Here is the question again."])
    started = asyncio.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        mouth = Mouth(speaker, pool, PlaybackQueue(), on_chunk=lambda chunk: started.set())
        engine.release.clear()
        try:
            rehearsal = asyncio.create_task(mouth.rehearse("Another learner's feedback, still being synthesised."))
            await asyncio.to_thread(engine.busy.wait)  # the only TTS worker is now inside the engine
            saying = asyncio.create_task(mouth.say("Here is the question again. What is a tensor?"))
            await asyncio.wait_for(started.wait(), timeout=10)
            assert len(mouth.queue) > 0 and not engine.release.is_set()  # playing while the pool is busy
        finally:
            engine.release.set()
        assert await saying
        await rehearsal
