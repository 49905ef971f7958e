"""The decode pool's scheduling policy, with a stand-in transcriber (the real one is tested
through real audio elsewhere)."""

import asyncio
import threading

import numpy as np

from asr.pool import FINAL, PARTIAL, DecodePool
from asr.transcript import Transcript
from asr.whisper import DecodeRequest


class GatedEcho:
    """Holds every decode until the test opens the gate, then records the order of the work:
    the first decode keeps the single worker busy while the rest queue up."""

    def __init__(self) -> None:
        self.order: list[str] = []
        self.gate = threading.Event()
        self._lock = threading.Lock()

    def transcribe(self, audio: np.ndarray, request: DecodeRequest) -> Transcript:
        if not self.gate.wait(timeout=30):
            raise TimeoutError("the test never opened the gate")
        with self._lock:
            self.order.append(request.hotwords or "")
        return Transcript(text=request.hotwords or "")


def decode(pool: DecodePool, name: str, priority: int = FINAL, samples: int = 1600) -> asyncio.Task[Transcript]:
    return asyncio.create_task(pool.decode(np.zeros(samples, np.float32), DecodeRequest(hotwords=name), priority))


async def queued(pool: DecodePool, load: int) -> None:
    """Let the new tasks take their place in the pool (each does so before its first await)."""
    await asyncio.sleep(0)
    assert pool.load == load


async def test_finals_jump_ahead_of_waiting_partials() -> None:
    engine = GatedEcho()
    pool = DecodePool(engine, workers=1)
    first = decode(pool, "p0", PARTIAL)
    await queued(pool, 1)
    assert pool.saturated
    partials = [decode(pool, f"p{i}", PARTIAL) for i in (1, 2)]
    final = decode(pool, "final", FINAL)
    await queued(pool, 4)
    engine.gate.set()
    await asyncio.gather(first, final, *partials)
    assert engine.order == ["p0", "final", "p1", "p2"]
    assert not pool.saturated and pool.load == 0
    pool.close()


async def test_cancelled_waiters_give_their_slot_back() -> None:
    engine = GatedEcho()
    pool = DecodePool(engine, workers=1)
    running = decode(pool, "a")
    waiting = decode(pool, "b")
    await queued(pool, 2)
    waiting.cancel()
    engine.gate.set()
    await running
    assert (await pool.decode(np.zeros(1600, np.float32), DecodeRequest(hotwords="c"))).text == "c"
    assert engine.order == ["a", "c"]
    assert pool.load == 0
    pool.close()


async def test_under_load_from_many_sessions_finals_run_next_in_arrival_order() -> None:
    """Six sessions keep partials queued; two sessions' finals arrive: each runs as soon as the
    decode in progress ends, in arrival order, before any partial that was waiting."""
    engine = GatedEcho()
    pool = DecodePool(engine, workers=1)
    running = decode(pool, "busy", PARTIAL)
    waiting = [decode(pool, f"partial s{i}", PARTIAL) for i in range(6)]
    finals = [decode(pool, f"final s{i}", FINAL) for i in (3, 1)]
    await queued(pool, 9)
    engine.gate.set()
    await asyncio.gather(running, *waiting, *finals)
    assert engine.order[:3] == ["busy", "final s3", "final s1"]
    assert sorted(engine.order[3:]) == [f"partial s{i}" for i in range(6)]
    pool.close()


async def test_a_short_final_runs_before_longer_ones_that_came_first() -> None:
    """Another learner's command (a second of audio) is not held up by two long answers."""
    engine = GatedEcho()
    pool = DecodePool(engine, workers=1)
    running = decode(pool, "busy")
    answers = [decode(pool, f"answer {i}", samples=16000 * 20) for i in (1, 2)]
    command = decode(pool, "command", samples=16000)
    partial = decode(pool, "partial", PARTIAL, samples=800)
    await queued(pool, 5)
    engine.gate.set()
    await asyncio.gather(running, command, partial, *answers)
    assert engine.order == ["busy", "command", "answer 1", "answer 2", "partial"]
    pool.close()
