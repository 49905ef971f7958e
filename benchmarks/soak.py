"""Soak: N learners drill over real WebRTC for a while; does `viva serve` stay the same size?

    python -m benchmarks.soak [--sessions 4] [--minutes 30]

Each learner (aiortc, benchmarks/rtc_learner.py) is a new profile that starts a drill, answers
every question aloud with a real recording from ../shared/speech (LibriSpeech: off-topic, so
graded low, which is fine here), says "next" in Piper's voice, and hangs up at the end of the
drill; then the next learner takes its place, so sessions are opened and closed all along.

The server is measured idle twice, each time after a memory trim: after a warm-up (every
learner did two drills, so the models' buffers and the thread pools have grown to their
working size) and after the soak. Between the
two, resident memory must grow less than 5% and the asyncio tasks (`viva_event_loop_tasks` in
/metrics), threads and open files must not grow beyond what bounded pools may still open
(THREAD_SLACK, FILE_SLACK): a leak per session would grow them by the number of sessions served.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import psutil
from prometheus_client.parser import text_string_to_metric_families

from benchmarks.common import shared_clips, table
from benchmarks.rtc_learner import RtcLearner
from tests.support import VivaServer, http_json, viva_env

TURN_TIMEOUT_S = 120.0
THREAD_SLACK = 2
"""Threads a pool may still start under a peak it had not met in the warm-up (asyncio's default
executor grows on demand up to 6 here); a per-session leak grows by the sessions served."""
FILE_SLACK = 4
"""Open files the same way: the store's connection pool (an SQLite connection is up to three
files: the database, its WAL and shared memory) and keep-alive connections to Rasa open on
demand up to their limits. A leak per session grows by at least the sessions served."""


@dataclass(frozen=True)
class SoakOptions:
    sessions: int = 4
    """Learners connected at once."""
    minutes: float = 30.0
    """The soak after the warm-up."""
    warmup_drills: int = 2
    """Drills each learner does before the first measurement (buffers and pools reach their size)."""
    max_rss_growth: float = 0.05
    """Allowed growth of the server's resident memory, idle after vs idle before."""


@dataclass(frozen=True)
class Sample:
    """`viva serve`'s main process at one moment (its children: Rasa, actions, grader)."""

    rss_mb: float
    children_rss_mb: float
    threads: int
    fds: int
    tasks: int
    sessions: int


@dataclass
class SoakResult:
    options: SoakOptions
    before: Sample
    after: Sample
    peak_rss_mb: float = 0.0
    drills: int = 0
    turns: int = 0
    stalled: int = 0
    """Turns with no reply within TURN_TIMEOUT_S."""
    samples: list[Sample] = field(default_factory=list)

    @property
    def rss_growth(self) -> float:
        return self.after.rss_mb / self.before.rss_mb - 1.0

    def problems(self) -> list[str]:
        found = []
        if self.rss_growth >= self.options.max_rss_growth:
            found.append(f"resident memory grew {self.rss_growth:.1%}")
        if self.after.tasks > self.before.tasks:
            found.append(f"asyncio tasks {self.before.tasks} → {self.after.tasks}")
        if self.after.threads > self.before.threads + THREAD_SLACK:
            found.append(f"threads {self.before.threads} → {self.after.threads}")
        if self.after.fds > self.before.fds + min(FILE_SLACK, max(0, self.drills - 1)):
            found.append(f"open files {self.before.fds} → {self.after.fds} after {self.drills} sessions")
        if self.after.sessions:
            found.append(f"{self.after.sessions} sessions still live after every learner hung up")
        if self.stalled:
            found.append(f"{self.stalled} turns got no reply")
        return found

    def table(self) -> str:
        b, a = self.before, self.after
        rows = [
            ["resident memory, main (MB)", f"{b.rss_mb:.0f}", f"{a.rss_mb:.0f}", f"{self.rss_growth:+.1%}"],
            ["resident memory, children (MB)", f"{b.children_rss_mb:.0f}", f"{a.children_rss_mb:.0f}", ""],
            ["asyncio tasks", b.tasks, a.tasks, f"{a.tasks - b.tasks:+d}"],
            ["threads", b.threads, a.threads, f"{a.threads - b.threads:+d}"],
            ["open files", b.fds, a.fds, f"{a.fds - b.fds:+d}"],
            ["live sessions", b.sessions, a.sessions, ""],
        ]
        title = (
            f"Soak: {self.options.sessions} sessions for {self.options.minutes:g} min after a warm-up — "
            f"{self.drills} drills, {self.turns} spoken turns, {self.stalled} without a reply; "
            f"peak resident memory under load {self.peak_rss_mb:.0f} MB; "
            f"verdict: {'; '.join(self.problems()) or 'no growth'}"
        )
        return table(title, ["idle, measured", "after warm-up", "after soak", "change"], rows)


def _metric(server: VivaServer, name: str) -> int:
    with urllib.request.urlopen(f"{server.url}/metrics", timeout=30) as response:
        text = response.read().decode()
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                return int(sample.value)
    raise KeyError(name)


def probe(server: VivaServer) -> Sample:
    assert server.process is not None
    main = psutil.Process(server.process.pid)
    children = main.children(recursive=True)
    return Sample(
        rss_mb=main.memory_info().rss / 2**20,
        children_rss_mb=sum(c.memory_info().rss for c in children if c.is_running()) / 2**20,
        threads=main.num_threads(),
        fds=main.num_fds(),
        tasks=_metric(server, "viva_event_loop_tasks"),
        sessions=_metric(server, "viva_active_sessions"),
    )


TRIM_PERIOD_S = 30.0
"""`viva serve` hands freed native memory back every 30 s (voicebot/native_memory.py)."""


async def idle_probe(server: VivaServer, timeout: float = 60) -> Sample:
    """Once every session has closed, the task count has settled (two equal readings) and a
    memory trim has run since."""
    deadline = time.monotonic() + timeout
    last = await asyncio.to_thread(probe, server)
    while time.monotonic() < deadline:
        await asyncio.sleep(1.0)
        sample = await asyncio.to_thread(probe, server)
        if sample.sessions == 0 and sample.tasks == last.tasks and sample.fds == last.fds:
            break
        last = sample
    await asyncio.sleep(TRIM_PERIOD_S + 1)
    return await asyncio.to_thread(probe, server)


@dataclass
class Speech:
    """Real answers (../shared/speech) and Piper's "next"."""

    answers: Iterator[np.ndarray]
    next_command: np.ndarray


def load_speech(say: Callable[[str], np.ndarray], clips_limit: int = 12) -> Speech:
    from asr.audio import load_file

    clips = shared_clips()
    if not clips:
        raise SystemExit("the soak speaks real answers from ../shared/speech: set VIVA_SHARED_DIR")
    chosen = [c for c in clips if 3.0 <= c.duration <= 12.0][:clips_limit]
    return Speech(itertools.cycle([load_file(c.path) for c in chosen]), say("next"))


async def _reply(learner: RtcLearner, since: float) -> bool:
    """Viva answered what was said after `since` and finished speaking; False when it did not."""
    try:
        bot = await learner.wait_for(lambda m: m["type"] == "bot", TURN_TIMEOUT_S, since)
        # The state after that reply: one sent earlier (the answer to `hello`) may arrive after `since`.
        said = next(at for at, m in learner.messages if m is bot)
        await learner.wait_for(
            lambda m: m["type"] == "state" and not m["speaking"] and not m.get("thinking"), TURN_TIMEOUT_S, said
        )
    except TimeoutError:
        return False
    return True


def _mode(learner: RtcLearner) -> str | None:
    """The mode the last state message reported."""
    return next((m.get("mode") for _, m in reversed(learner.messages) if m["type"] == "state"), None)


async def one_drill(server: VivaServer, speech: Speech, result: SoakResult, name: str) -> None:
    learner_id = http_json(f"{server.url}/api/learners", {"name": name})["id"]
    learner = RtcLearner(server.url, learner_id)
    await learner.connect()
    try:
        since = time.monotonic()
        learner.send({"type": "start", "mode": "drill"})
        if not await _reply(learner, since):
            result.stalled += 1
            return
        turns = 0
        while _mode(learner) == "answer":
            for audio in (next(speech.answers), speech.next_command):
                spoken = await learner.say(audio)
                turns += 1
                result.turns += 1
                if not await _reply(learner, spoken):
                    result.stalled += 1
                    return
        if not turns:
            result.stalled += 1  # the drill did not start: counted as a turn without its reply
            return
        result.drills += 1
    finally:
        await learner.close()


async def soak(server: VivaServer, options: SoakOptions, speech: Speech) -> SoakResult:
    names = (f"Soak {n}" for n in itertools.count())
    start = await asyncio.to_thread(probe, server)
    warm = SoakResult(options, before=start, after=start)
    for _ in range(options.warmup_drills):
        await asyncio.gather(*(one_drill(server, speech, warm, next(names)) for _ in range(options.sessions)))
    warmed = await idle_probe(server)
    result = SoakResult(options, before=warmed, after=warmed)
    deadline = time.monotonic() + options.minutes * 60

    async def learner() -> None:
        while time.monotonic() < deadline:
            await one_drill(server, speech, result, next(names))

    async def sampler() -> None:
        while True:
            sample = await asyncio.to_thread(probe, server)
            result.samples.append(sample)
            result.peak_rss_mb = max(result.peak_rss_mb, sample.rss_mb)
            await asyncio.sleep(10)

    watch = asyncio.create_task(sampler())
    try:
        await asyncio.gather(*(learner() for _ in range(options.sessions)))
    finally:
        watch.cancel()
    result.after = await idle_probe(server)
    result.stalled += warm.stalled
    return result


def soak_env(data_dir: Path, options: SoakOptions) -> dict[str, str]:
    """Room for the sessions, and no rate limits: one client makes a profile and a connection
    per drill, more than a person would from one device."""
    return viva_env(
        data_dir,
        VIVA_SERVER__MAX_SESSIONS=str(max(8, 2 * options.sessions)),
        VIVA_SERVER__PROFILE_RATE__PER_MINUTE="0",
        VIVA_SERVER__OFFER_RATE__PER_MINUTE="0",
    )


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak")
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--data-dir", type=Path, help="the server's data folder, kept (its trained Rasa model too)")
    args = parser.parse_args()
    from benchmarks.voice_bench import Voices

    options = SoakOptions(sessions=args.sessions, minutes=args.minutes)
    speech = load_speech(Voices())
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="viva-soak-") as scratch:
        data = args.data_dir or Path(scratch)
        server = VivaServer(data, soak_env(data, options)).start()
        try:
            result = asyncio.run(soak(server, options, speech))
        finally:
            server.stop()
    print(result.table())
    print(f"\n(took {time.monotonic() - started:.0f} s: `python -m benchmarks.soak {' '.join(sys.argv[1:])}`)")
    return 1 if result.problems() else 0


if __name__ == "__main__":
    sys.exit(main())
