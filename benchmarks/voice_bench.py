"""The voice bot end to end: real sessions over WebRTC (aiortc learners) against `viva serve`.

Measures voice-to-voice latency per turn type (end of the learner's speech → Viva's first
audio frame sent by the server, and → first audio heard by the learner), barge-in stop time,
false barge-ins on echo, CPU per session, the voice process's RSS, and how many concurrent
drill sessions keep p95 voice-to-voice within 1 s.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import numpy as np
import psutil

from asr.audio import to_16k
from benchmarks.common import ms, pct, table
from benchmarks.rtc_learner import RtcLearner
from tests.support import VivaServer, http_json, viva_env
from tts.options import TtsOptions
from tts.speaker import Speaker, load_engine

ANSWER = "Eigenvectors are only scaled by the map, A v equals lambda v, so their line is invariant. That's my answer."


class Voices:
    def __init__(self) -> None:
        options = TtsOptions(deterministic=True)
        self._speaker = Speaker(load_engine(options), options)
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, text: str) -> np.ndarray:
        if text not in self._cache:
            chunk = self._speaker.render(text)
            self._cache[text] = to_16k(chunk.samples, chunk.sample_rate)
        return self._cache[text]


async def _quiet(learner: RtcLearner, since: float, timeout: float = 60) -> None:
    """Wait until Viva has finished replying to what happened after `since`."""
    await learner.wait_for(lambda m: m["type"] == "bot", timeout, since)
    await learner.wait_for(
        lambda m: m["type"] == "state" and not m["speaking"] and not m.get("thinking"), timeout, since
    )
    await asyncio.sleep(0.3)


async def _turn(learner: RtcLearner, audio: np.ndarray, kind: str, results: dict[str, list[float]]) -> None:
    end = await learner.say(audio)
    deadline = time.monotonic() + 30
    heard = None
    while heard is None and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
        heard = learner.first_voice_after(end)
    if heard is not None:
        results[kind].append(heard - end)
    await _quiet(learner, end)


async def _drill_cycles(
    server: VivaServer, voices: Voices, cycles: int, name: str, results: dict[str, list[float]]
) -> None:
    learner_id = http_json(f"{server.url}/api/learners", {"name": name})["id"]
    learner = RtcLearner(server.url, learner_id)
    await learner.connect()
    start = time.monotonic()
    learner.send({"type": "start", "mode": "drill"})
    await _quiet(learner, start)
    for _ in range(cycles):
        await _turn(learner, voices("repeat the question"), "command phrase in answer mode", results)
        await _turn(learner, voices(ANSWER), "answer (ends with a done-phrase)", results)
        await _turn(learner, voices("next"), "command", results)
        if learner.messages and learner.messages[-1][1].get("mode") == "idle":
            learner.send({"type": "start", "mode": "drill"})
            await _quiet(learner, time.monotonic())
    await learner.close()


async def _barge_in(server: VivaServer, voices: Voices, trials: int) -> tuple[list[float], int, int]:
    learner_id = http_json(f"{server.url}/api/learners", {"name": "barge bench"})["id"]
    learner = RtcLearner(server.url, learner_id)
    await learner.connect()
    t0 = time.monotonic()
    learner.send({"type": "start", "mode": "drill"})
    await _quiet(learner, t0)
    stops = []
    for _ in range(trials):
        asked = time.monotonic()
        learner.send({"type": "control", "action": "repeat"})
        first = None
        while first is None:
            await asyncio.sleep(0.02)
            first = learner.first_voice_after(asked)
        await asyncio.sleep(1.0)  # Viva is mid-question
        spoke = time.monotonic()
        learner.mic.play(_up(voices("repeat the question")))
        await learner.wait_for(lambda m: m["type"] == "barge_in", 10, spoke)
        await asyncio.sleep(1.0)
        silent_from = _voice_stopped(learner, spoke)
        if silent_from is not None:
            stops.append(silent_from - spoke)
        await _quiet(learner, spoke)
    # False barge-ins: Viva talks, the learner is silent but the mic carries Viva's own voice
    # 30 dB down (what is left after the browser's echo canceller) plus room noise.
    false = 0
    for _ in range(trials):
        asked = time.monotonic()
        learner.send({"type": "control", "action": "repeat"})
        await learner.wait_for(lambda m: m["type"] == "bot", 20, asked)
        echo = voices("Here's the question again. Why does an eigenvector span an invariant subspace?") * 0.03
        echo = echo + np.random.default_rng(1).standard_normal(echo.shape[0]).astype(np.float32) * 0.003
        learner.mic.play(_up(echo))
        await _quiet(learner, asked)
        false += sum(1 for at, m in learner.messages if at > asked and m["type"] == "barge_in")
    await learner.close()
    return stops, false, trials


def _up(samples: np.ndarray) -> np.ndarray:
    from benchmarks.rtc_learner import upsample

    return upsample(samples)


def _voice_stopped(learner: RtcLearner, since: float, level: float = 0.01, gap: float = 0.2) -> float | None:
    """The start of Viva's first silence (>= `gap` s) after `since`."""
    frames = [(at, rms) for at, rms in learner.heard if at > since]
    quiet_start = None
    for at, rms in frames:
        if rms > level:
            quiet_start = None
        elif quiet_start is None:
            quiet_start = at
        elif at - quiet_start >= gap:
            return quiet_start
    return None


def _metrics(server: VivaServer) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/metrics", timeout=10) as response:
        return json.loads(response.read())["metrics"]


async def _concurrent(server: VivaServer, voices: Voices, sessions: int, cycles: int) -> tuple[list[float], float]:
    results: dict[str, list[float]] = defaultdict(list)
    process = psutil.Process(server.process.pid)
    process.cpu_percent(None)
    await asyncio.gather(
        *(_drill_cycles(server, voices, cycles, f"load {sessions} {i}", results) for i in range(sessions))
    )
    cores = process.cpu_percent(None) / 100  # average cores busy in the voice process meanwhile
    turns = results["command"] + results["command phrase in answer mode"]
    return turns, cores / max(1, sessions)


def run(quick: bool = False) -> str:
    voices = Voices()
    for text in ("repeat the question", ANSWER, "next"):
        voices(text)  # render before any timing starts
    with tempfile.TemporaryDirectory() as data:
        server = VivaServer(Path(data), viva_env(Path(data), VIVA_SERVER__MAX_SESSIONS="16")).start()
        try:
            results: dict[str, list[float]] = defaultdict(list)
            asyncio.run(_drill_cycles(server, voices, 3 if quick else 20, "latency bench", results))
            server_side = _metrics(server)
            rows = [[k, len(v), ms(pct(v, 50)), ms(pct(v, 95))] for k, v in results.items()]
            out = [
                table(
                    "Voice-to-voice, heard by the learner (end of speech → first audio received), 1 session",
                    ["turn", "n", "p50", "p95"],
                    rows,
                )
            ]
            out.append(
                table(
                    "Voice-to-voice, server side (end of speech → first reply frame sent)",
                    ["payload mode at reply", "n", "p50", "p95"],
                    [
                        [k.removeprefix("voice_to_voice."), v["n"], ms(v["p50"]), ms(v["p95"])]
                        for k, v in server_side.items()
                        if k.startswith("voice_to_voice")
                    ],
                )
            )
            stops, false, trials = asyncio.run(_barge_in(server, voices, 3 if quick else 8))
            out.append(
                table(
                    "Barge-in",
                    ["measure", "value"],
                    [
                        ["stop time p50 (learner starts speaking → Viva silent)", ms(pct(stops, 50))],
                        ["stop time p95", ms(pct(stops, 95))],
                        ["false barge-ins on echo at -30 dB", f"{false}/{trials}"],
                    ],
                )
            )
            load_rows = []
            for sessions in (2, 4) if quick else (1, 2, 4, 6, 8):
                turns, cpu = asyncio.run(_concurrent(server, voices, sessions, 2))
                load_rows.append([sessions, len(turns), ms(pct(turns, 50)), ms(pct(turns, 95)), f"{cpu:.0%}"])
            out.append(
                table(
                    "Concurrent drill sessions (command turns, heard by the learner)",
                    ["sessions", "turns", "p50", "p95", "voice-process CPU per session"],
                    load_rows,
                )
            )
            rss = psutil.Process(server.process.pid).memory_info().rss / 2**20
            out.append(
                table("Memory", ["process", "RSS"], [["voice process (viva serve, without Rasa)", f"{rss:.0f} MB"]])
            )
            return "\n".join(out)
        finally:
            server.stop()
