"""The decode pool's scheduling policy, with a stand-in transcriber (the real one is tested
through real audio elsewhere)."""

import asyncio
import threading
import time

import numpy as np

from asr.pool import FINAL, PARTIAL, DecodePool
from asr.transcript import Transcript
from asr.whisper import DecodeRequest


class SlowEcho:
    """Takes 50 ms per decode and records the order of the work it was given."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self._lock = threading.Lock()

    def transcribe(self, audio: np.ndarray, request: DecodeRequest) -> Transcript:
        time.sleep(0.05)
        with self._lock:
            self.order.append(request.hotwords or "")
        return Transcript(text=request.hotwords or "")


async def test_finals_jump_ahead_of_waiting_partials() -> None:
    engine = SlowEcho()
    pool = DecodePool(engine, workers=1)
    audio = np.zeros(1600, np.float32)
    first = asyncio.create_task(pool.decode(audio, DecodeRequest(hotwords="p0"), PARTIAL))
    await asyncio.sleep(0.01)
    assert pool.saturated
    partials = [asyncio.create_task(pool.decode(audio, DecodeRequest(hotwords=f"p{i}"), PARTIAL)) for i in (1, 2)]
    await asyncio.sleep(0.01)
    final = asyncio.create_task(pool.decode(audio, DecodeRequest(hotwords="final"), FINAL))
    await asyncio.gather(first, final, *partials)
    assert engine.order == ["p0", "final", "p1", "p2"]
    assert not pool.saturated and pool.load == 0
    pool.close()


async def test_cancelled_waiters_give_their_slot_back() -> None:
    pool = DecodePool(SlowEcho(), workers=1)
    audio = np.zeros(1600, np.float32)
    running = asyncio.create_task(pool.decode(audio, DecodeRequest(hotwords="a")))
    await asyncio.sleep(0.01)
    waiting = asyncio.create_task(pool.decode(audio, DecodeRequest(hotwords="b")))
    await asyncio.sleep(0.01)
    waiting.cancel()
    await running
    assert (await pool.decode(audio, DecodeRequest(hotwords="c"))).text == "c"
    assert pool.load == 0
    pool.close()


async def test_under_load_from_many_sessions_finals_run_next_in_arrival_order() -> None:
    """Six sessions keep partials queued; two sessions' finals arrive: each runs as soon as the
    decode in progress ends, in arrival order, before any partial that was waiting."""
    engine = SlowEcho()
    pool = DecodePool(engine, workers=1)
    audio = np.zeros(1600, np.float32)
    running = asyncio.create_task(pool.decode(audio, DecodeRequest(hotwords="busy"), PARTIAL))
    await asyncio.sleep(0.01)
    waiting = [
        asyncio.create_task(pool.decode(audio, DecodeRequest(hotwords=f"partial s{i}"), PARTIAL)) for i in range(6)
    ]
    await asyncio.sleep(0.01)
    finals = [asyncio.create_task(pool.decode(audio, DecodeRequest(hotwords=f"final s{i}"), FINAL)) for i in (3, 1)]
    await asyncio.gather(running, *waiting, *finals)
    assert engine.order[:3] == ["busy", "final s3", "final s1"]
    assert sorted(engine.order[3:]) == [f"partial s{i}" for i in range(6)]
    pool.close()


async def test_a_short_final_runs_before_longer_ones_that_came_first() -> None:
    """Another learner's command (a second of audio) is not held up by two long answers."""
    engine = SlowEcho()
    pool = DecodePool(engine, workers=1)
    running = asyncio.create_task(pool.decode(np.zeros(1600, np.float32), DecodeRequest(hotwords="busy"), FINAL))
    await asyncio.sleep(0.01)
    answers = [
        asyncio.create_task(pool.decode(np.zeros(16000 * 20, np.float32), DecodeRequest(hotwords=f"answer {i}")))
        for i in (1, 2)
    ]
    command = asyncio.create_task(pool.decode(np.zeros(16000, np.float32), DecodeRequest(hotwords="command"), FINAL))
    partial = asyncio.create_task(pool.decode(np.zeros(800, np.float32), DecodeRequest(hotwords="partial"), PARTIAL))
    await asyncio.gather(running, command, partial, *answers)
    assert engine.order == ["busy", "command", "answer 1", "answer 2", "partial"]
    pool.close()
