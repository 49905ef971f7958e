"""The scale-out path on one machine: docker-compose.yml's own commands run natively (Rasa and
its action server from the Rasa venv, with keys from the environment and the tracker store on
PostgreSQL, started by the file's commands and judged healthy by its health checks), and two
`viva serve` voice workers sharing that Rasa and one PostgreSQL study store.

A voice session lives on the worker that answered its offer (media goes straight there); a
learner who reconnects through the other worker carries on with the same open question,
because everything but the live media is in the shared stores."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from benchmarks.rtc_learner import RtcLearner
from tests.scale import RASA_BIN, Stack, compose_stack
from tests.support import VivaServer, http_json

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

ANSWER = "An eigenvector is only scaled by the matrix, so the line through it stays invariant. That's my answer."


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, postgres) -> Iterator[Stack]:
    if not (RASA_BIN / "rasa").is_file():
        pytest.skip("no Rasa venv (.venv-rasa); `make setup` makes it")
    with compose_stack(tmp_path_factory.mktemp("scale-out"), postgres, workers=2) as running:
        yield running


def active_sessions(worker: VivaServer) -> float:
    with urllib.request.urlopen(f"{worker.url}/metrics", timeout=10) as response:
        for line in response.read().decode().splitlines():
            if line.startswith("viva_active_sessions "):
                return float(line.split()[1])
    raise AssertionError("no viva_active_sessions")


async def _quiet(learner: RtcLearner, since: float, timeout: float = 90) -> None:
    await learner.wait_for(lambda m: m["type"] == "bot", timeout, since)
    await learner.wait_for(
        lambda m: m["type"] == "state" and not m["speaking"] and not m.get("thinking"), timeout, since
    )


def test_two_workers_share_the_stores_and_a_learner_moves_between_them(stack: Stack, say) -> None:
    worker_a, worker_b = stack.workers[0], stack.workers[1]
    learner_id = http_json(f"{worker_a.url}/api/learners", {"name": "Sam Scaled"})["id"]
    listed = http_json(f"{worker_b.url}/api/learners")["learners"]
    assert learner_id in [x["id"] for x in listed]  # one study store

    async def scenario() -> tuple[dict, dict, str]:
        on_b = RtcLearner(worker_b.url, learner_id)
        await on_b.connect()
        started = time.monotonic()
        on_b.send({"type": "start", "mode": "drill"})
        asked = await on_b.wait_for(lambda m: m["type"] == "state" and m.get("mode") == "answer", 120, started)
        await _quiet(on_b, started)
        assert (active_sessions(worker_b), active_sessions(worker_a)) == (1, 0)  # pinned to B
        await on_b.close()
        # The learner comes back through worker A: same open question, from the shared stores.
        on_a = RtcLearner(worker_a.url, learner_id)
        await on_a.connect(hello=False)
        resumed_at = time.monotonic()
        on_a.send({"type": "hello", "resume": True})
        resumed = await on_a.wait_for(lambda m: m["type"] == "state" and m.get("mode") == "answer", 120, resumed_at)
        await _quiet(on_a, resumed_at)
        spoken = await on_a.say(say(ANSWER))
        final = await on_a.wait_for(lambda m: m["type"] == "final" and m["text"], 60, spoken)
        await _quiet(on_a, spoken)
        await on_a.close()
        return asked, resumed, final["text"]

    asked, resumed, heard = asyncio.run(scenario())
    assert asked["attempt_id"] and resumed["attempt_id"] == asked["attempt_id"]
    assert "scaled" in heard.lower()
    engine = create_engine(stack.study_url)
    with engine.connect() as db:
        status, transcript = db.execute(
            text("SELECT status, transcript FROM attempts WHERE id = :id"), {"id": asked["attempt_id"]}
        ).one()
    engine.dispose()
    assert status == "answered" and "scaled" in (transcript or "").lower()


def test_an_external_rasa_is_awaited_and_a_wrong_key_refused_at_once(stack: Stack, tmp_path) -> None:
    from dataclasses import replace

    from dialogue.exceptions import RasaSetupError
    from dialogue.runtime import RasaRuntime
    from drills.keys import ServiceKeys
    from voicebot.settings import load_settings

    settings = load_settings(environ=service_env_of(stack, "voicebot"))
    right = ServiceKeys.load(tmp_path).overridden(api=settings.api.key, rasa=settings.rasa.key)
    runtime = RasaRuntime(settings.rasa, tmp_path, "http://127.0.0.1:9", progress=lambda _: None, keys=right)
    asyncio.run(runtime.start())  # answers with its model: nothing is started here
    assert not runtime._processes
    wrong = replace(right, rasa="0" * 64)
    # No time to wait: the first answer must already be the refusal (else "did not answer within 0 s").
    at_once = replace(settings.rasa, start_timeout_s=0.0)
    with pytest.raises(RasaSetupError, match="rasa.key"):
        asyncio.run(RasaRuntime(at_once, tmp_path, "", progress=lambda _: None, keys=wrong).start())


def service_env_of(stack: Stack, name: str) -> dict[str, str]:
    return {key: str(value) for key, value in stack.services[name]["environment"].items()}
