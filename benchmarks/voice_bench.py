"""The voice bot end to end: real sessions over WebRTC against `viva serve`.

Learners are Debian's Chromium on the real page (`browser_learner.py`: a WAV microphone, latency
captured in the page) and aiortc clients (`rtc_learner.py`). Measures voice-to-voice latency per
turn kind, from the learner's last voiced sample to Viva's first audible sample (as the page
plays it, and as an aiortc client receives it) and on the server (end of speech on its VAD
timeline → first reply frame sent); barge-in stop time, false barge-ins on echo, CPU per
session, the voice process's RSS, and command turns with 1-6 concurrent sessions.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import numpy as np
import psutil

from asr.audio import to_16k
from benchmarks.browser_learner import Line, match_turns, run_page, write_script
from benchmarks.common import ms, pct, table
from benchmarks.rtc_learner import RtcLearner
from tests.support import VivaServer, http_json, viva_env
from tts.options import TtsOptions
from tts.speaker import Speaker, load_engine

COMMAND_IN_ANSWER = "command in answer mode"
DONE_PHRASE = "answer with a done-phrase"
COMMAND = "command in command mode"
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
    """Wait until Viva has finished replying to what happened after `since`: a quiet state sent
    after the reply's text (one sent before it, e.g. the answer to the page's hello, or the end
    of an earlier reply, says nothing about this one)."""
    bot = await learner.wait_for(lambda m: m["type"] == "bot", timeout, since)
    said_at = next(at for at, m in learner.messages if m is bot)
    await learner.wait_for(
        lambda m: m["type"] == "state" and not m["speaking"] and not m.get("thinking"), timeout, said_at
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
        await _turn(learner, voices("repeat the question"), COMMAND_IN_ANSWER, results)
        await _turn(learner, voices(ANSWER), DONE_PHRASE, results)
        await _turn(learner, voices("next"), COMMAND, results)
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


# One drill in Chromium: three questions, each a "repeat", an answer and a "next". The microphone
# WAV is fixed, so the gaps leave room for Viva's longest reply (feedback that reads out missed
# points ran past 26 s); a clip that still overlaps Viva's voice is a barge-in, not a turn, and
# is counted apart.
_CHROMIUM_LEAD_IN_S = 18.0  # Viva's greeting and first question take ~12 s
_CHROMIUM_CYCLE = (
    Line(COMMAND_IN_ANSWER, "repeat the question", 14.0),
    Line(DONE_PHRASE, ANSWER, 40.0),
    Line(COMMAND, "next", 16.0),
)
_KIND_BY_MODE = {
    (COMMAND_IN_ANSWER, "answer"): COMMAND_IN_ANSWER,
    (COMMAND, "answer"): COMMAND_IN_ANSWER,  # e.g. "next" after feedback that asks to try again
    (COMMAND_IN_ANSWER, "command"): COMMAND,
    (COMMAND, "command"): COMMAND,
    (DONE_PHRASE, "answer"): DONE_PHRASE,
}


def _chromium(server: VivaServer, voices: Voices, drills: int) -> tuple[dict[str, list[float]], list[str]]:
    """Heard latency per turn kind over `drills` Chromium sessions; notes on turns not counted."""
    from tests.voicebot.browser import browser_with_mic

    results: dict[str, list[float]] = defaultdict(list)
    notes: list[str] = []
    for index in range(drills):
        with tempfile.TemporaryDirectory() as tmp:
            wav = Path(tmp) / "mic.wav"
            clips = write_script(wav, voices, _CHROMIUM_LEAD_IN_S, list(_CHROMIUM_CYCLE) * 3)
            with browser_with_mic(wav) as browser:
                probe = run_page(browser, server.url, f"Chromium bench {index}", wav)
        for turn in match_turns(probe, clips):
            if turn.latency is None:
                notes.append(f"{turn.text!r}: no onset or reply found")
            elif turn.overlapped:
                notes.append(f"{turn.text!r}: said while Viva was talking")
            elif (turn.kind, turn.mode) not in _KIND_BY_MODE:
                notes.append(f"{turn.text!r}: said in {turn.mode} mode")
            else:
                results[_KIND_BY_MODE[turn.kind, turn.mode]].append(turn.latency)
    return results, notes


def _metrics(server: VivaServer) -> dict:
    with urllib.request.urlopen(f"{server.url}/api/metrics", timeout=10) as response:
        return json.loads(response.read())["metrics"]


class PeakRss:
    """A process's largest RSS in MB, sampled every 0.2 s on a thread while in the block."""

    def __init__(self, process: psutil.Process) -> None:
        self._process = process
        self._done = threading.Event()
        self.mb = 0.0

    def _sample(self) -> None:
        while not self._done.wait(0.2):
            self.mb = max(self.mb, self._process.memory_info().rss / 2**20)

    def __enter__(self) -> PeakRss:
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._done.set()
        self._thread.join()


async def _concurrent(
    server: VivaServer, voices: Voices, sessions: int, cycles: int
) -> tuple[list[float], float, float]:
    """Command turns (s), voice-process CPU per session and its peak RSS (MB) while they ran."""
    results: dict[str, list[float]] = defaultdict(list)
    process = psutil.Process(server.process.pid)
    process.cpu_percent(None)
    with PeakRss(process) as peak:
        await asyncio.gather(
            *(_drill_cycles(server, voices, cycles, f"load {sessions} {i}", results) for i in range(sessions))
        )
    cores = process.cpu_percent(None) / 100  # average cores busy in the voice process meanwhile
    turns = results[COMMAND] + results[COMMAND_IN_ANSWER]
    return turns, cores / max(1, sessions), peak.mb


_SOURCES = ("fixed", "learned", "rehearsed", "synthesised")


def _first_chunk_table(summary: dict) -> str:
    """Where each reply's first chunk came from over the drills so far (both clients): the TTS
    cache hit rate, and the wait for the first chunk (TTS pool queue included)."""
    figures = {s: summary.get(f"tts_first_chunk.{s}") for s in _SOURCES}
    total = sum(f["n"] for f in figures.values() if f)
    rows = [
        [source, f["n"], f"{f['n'] / total:.0%}", ms(f["p50"]), ms(f["p95"])]
        for source, f in figures.items()
        if f and total
    ]
    hits = total - (figures["synthesised"] or {"n": 0})["n"]
    rate = f"{hits / total:.0%} of {total}" if total else "no replies"
    return table(
        f"Reply starts: the first chunk of each text Viva said, by source (cache hit rate {rate})",
        ["first chunk from", "n", "share", "wait p50", "wait p95"],
        rows,
    )


def _latency_rows(results: dict[str, list[float]]) -> list[list[object]]:
    order = [COMMAND, COMMAND_IN_ANSWER, DONE_PHRASE]
    return [[k, len(results[k]), ms(pct(results[k], 50)), ms(pct(results[k], 95))] for k in order if results.get(k)]


def run(quick: bool = False) -> str:
    voices = Voices()
    for text in ("repeat the question", ANSWER, "next"):
        voices(text)  # render before any timing starts
    out = []
    with tempfile.TemporaryDirectory() as data:
        server = VivaServer(Path(data), viva_env(Path(data), VIVA_SERVER__MAX_SESSIONS="16")).start()
        try:
            heard, notes = _chromium(server, voices, 1 if quick else 3)
            out.append(
                table(
                    "Voice-to-voice heard in Chromium (last voiced sample → first audible sample played), 1 session",
                    ["turn", "n", "p50", "p95"],
                    _latency_rows(heard),
                )
            )
            if notes:
                out.append("\nNot counted: " + "; ".join(notes))
            results: dict[str, list[float]] = defaultdict(list)
            asyncio.run(_drill_cycles(server, voices, 3 if quick else 20, "latency bench", results))
            server_side = _metrics(server)
            out.append(
                table(
                    "Voice-to-voice, aiortc client (last voiced sample → first audio frame received), 1 session",
                    ["turn", "n", "p50", "p95"],
                    _latency_rows(results),
                )
            )
            out.append(
                table(
                    "Voice-to-voice, server side (end of speech → first reply frame sent), both clients",
                    ["payload mode at reply", "n", "p50", "p95"],
                    [
                        [k.removeprefix("voice_to_voice."), v["n"], ms(v["p50"]), ms(v["p95"])]
                        for k, v in server_side.items()
                        if k.startswith("voice_to_voice")
                    ],
                )
            )
            out.append(_first_chunk_table(server_side))
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
            for sessions in (2, 4) if quick else (1, 2, 4, 6):
                turns, cpu, peak_mb = asyncio.run(_concurrent(server, voices, sessions, 2))
                load_rows.append(
                    [sessions, len(turns), ms(pct(turns, 50)), ms(pct(turns, 95)), f"{cpu:.0%}", f"{peak_mb:.0f} MB"]
                )
            out.append(
                table(
                    "Concurrent drill sessions, aiortc clients (command turns in both modes)",
                    ["sessions", "turns", "p50", "p95", "voice-process CPU per session", "voice-process peak RSS"],
                    load_rows,
                )
            )
            process = psutil.Process(server.process.pid)
            time.sleep(1)  # the server trims its heap when the last session closes (~10 ms)
            after = process.memory_info().rss / 2**20
            time.sleep(35)  # and every 30 s
            idle = process.memory_info().rss / 2**20
            peak = max(float(row[-1].split()[0]) for row in load_rows)
            out.append(
                table(
                    "Memory of the voice process (viva serve, without Rasa)",
                    ["when", "RSS"],
                    [
                        ["peak while sessions ran (sampled every 0.2 s)", f"{peak:.0f} MB"],
                        ["1 s after the last session closed", f"{after:.0f} MB"],
                        ["35 s later", f"{idle:.0f} MB"],
                    ],
                )
            )
            return "\n".join(out)
        finally:
            server.stop()
