"""Rasa: training time, turn latency over REST (fast and accurate configs), server memory."""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import replace

import psutil

from benchmarks.common import ms, pct, table
from dialogue.conversation import Conversation
from dialogue.runtime import RasaPaths, ensure_model
from dialogue.stack import running_stack
from voicebot.settings import load_settings

SCRIPT = [
    "start today's drill",
    "repeat the question",
    "give me a hint",
    "Eigenvectors keep their direction under the map, A v equals lambda v, so the line is invariant.",
    "next",
    "skip",
    "tell me the answer",
    "next",
    "slower please",
    "how am i doing",
    "stop",
]


def _rss_mb(pid: int) -> float:
    try:
        process = psutil.Process(pid)
        return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20
    except psutil.NoSuchProcess:
        return float("nan")


async def _measure(config: str, turns: int) -> list[object]:
    with tempfile.TemporaryDirectory() as data:
        settings = load_settings(
            environ={
                "VIVA_DATA_DIR": data,
                "VIVA_API__PORT": "15956",
                "VIVA_RASA__PORT": "15905",
                "VIVA_RASA__ACTIONS_PORT": "15955",
            }
        )
        settings = replace(settings, rasa=replace(settings.rasa, config=config))
        started = time.monotonic()
        await ensure_model(
            settings.rasa, RasaPaths.from_options(settings.rasa, settings.data_dir), progress=lambda m: None
        )
        train_s = time.monotonic() - started
        async with running_stack(settings, progress=lambda m: None) as stack:
            latencies = []
            learner = 0
            while len(latencies) < turns:
                learner += 1
                view, _ = await asyncio.to_thread(stack.service.create_learner, f"bench {config} {learner}")
                conversation = Conversation(view.learner_id, stack.rasa, stack.study)
                for text in SCRIPT:
                    t0 = time.perf_counter()
                    await conversation.learner_said(text, typed=True)
                    latencies.append(time.perf_counter() - t0)
            # One long drill: do turns get slower as Rasa's session grows?
            view, _ = await asyncio.to_thread(stack.service.create_learner, f"bench {config} long")
            conversation = Conversation(view.learner_id, stack.rasa, stack.study)
            await conversation.begin("/start_drill")
            long_drill = []
            for text in ["repeat the question", "help"] * 10:
                t0 = time.perf_counter()
                await conversation.learner_said(text, typed=True)
                long_drill.append(time.perf_counter() - t0)
            processes = stack.runtime._processes  # noqa: SLF001 - measuring our own children
            rasa_mb = _rss_mb(processes["rasa"].pid)
            actions_mb = _rss_mb(processes["actions"].pid)
    return [
        config,
        f"{train_s:.0f} s",
        len(latencies),
        ms(pct(latencies, 50)),
        ms(pct(latencies, 95)),
        f"{ms(pct(long_drill[:5], 50))} → {ms(pct(long_drill[-5:], 50))}",
        f"{rasa_mb:.0f} MB",
        f"{actions_mb:.0f} MB",
    ]


def run(quick: bool = False) -> str:
    rows = [asyncio.run(_measure(config, 22 if quick else 44)) for config in ("fast", "accurate")]
    return table(
        "Dialogue: Rasa 3.6 over REST (turn = app stores+grades, Rasa, action server, app API)",
        [
            "config",
            "training",
            "turns",
            "p50",
            "p95",
            "long drill: turns 1-5 → 16-20 (p50)",
            "Rasa RSS",
            "action server RSS",
        ],
        rows,
    )


if __name__ == "__main__":
    print(run())
