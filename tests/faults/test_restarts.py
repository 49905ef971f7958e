"""Rasa or its action server dies mid-session (SIGKILL, as an OOM kill would): the learner is
told clearly on the turn that fails, `viva serve` restarts the service, the same session goes on
with the same question, and every stored attempt is as it was.

Driven through the real processes: `viva serve`, its Rasa and action server, and a learner over
real WebRTC (aiortc) typing into the data channel, as the page's text box does. Right after the
kill the test holds the dead service's port (listening, and resetting every connection: the
restarted service cannot bind, so `viva serve` retries with its back-off) until the learner has
been told; without that, a fast restart could win the race against the learner's turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
import threading
import time
from collections.abc import Iterator

import psutil
import pytest

from benchmarks.rtc_learner import RtcLearner
from dialogue.conversation import NO_REPLY, UNAVAILABLE
from tests.dialogue.helpers import attempts
from tests.support import VivaServer, http_json, viva_env

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

FIRST = "Eigenvectors are only scaled by the map, A v equals lambda v, so their direction is invariant."
SECOND = "Bagging averages bootstrap models to cut variance, boosting fits residuals to cut bias."
RESTART_TIMEOUT_S = 240


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A Viva of this module's own: these tests kill its Rasa and action server."""
    data = tmp_path_factory.mktemp("viva-restarts")
    server = VivaServer(data, viva_env(data)).start()
    yield server
    server.stop()


@contextlib.contextmanager
def kill_listener(port: int) -> Iterator[None]:
    """SIGKILL the process listening on `port` (one of `viva serve`'s children), then hold the
    port while the body runs: every connection to it is reset, as to a dead process."""
    pids = {c.pid for c in psutil.net_connections("tcp") if c.laddr and c.laddr.port == port and c.status == "LISTEN"}
    assert len(pids) == 1, f"expected one process on port {port}, found {pids}"
    process = psutil.Process(pids.pop())
    process.kill()
    process.wait(30)
    holder = socket.socket()
    holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # past connections in TIME_WAIT
    holder.bind(("127.0.0.1", port))  # the supervisor waits 0.5 s before its first restart
    holder.listen()
    holder.settimeout(0.2)
    stop = threading.Event()

    def reset_all() -> None:
        while not stop.is_set():
            try:
                connection, _ = holder.accept()
            except TimeoutError:
                continue
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()  # RST

    thread = threading.Thread(target=reset_all, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        holder.close()


async def wait_restarted(server: VivaServer, name: str, before: int) -> None:
    """Until `viva serve` has said `<name> restarted` more than `before` times."""
    deadline = time.monotonic() + RESTART_TIMEOUT_S
    while restarts(server, name) <= before:
        assert server.process is not None and server.process.poll() is None, server.log_text()
        assert time.monotonic() < deadline, f"{name} was not restarted:\n{server.log_text()}"
        await asyncio.sleep(0.2)


def restarts(server: VivaServer, name: str) -> int:
    return sum(f"{name} restarted" in line for line in server.output)


async def type_and_wait(learner: RtcLearner, text: str, predicate, timeout: float = 120) -> dict:
    since = time.monotonic()
    learner.send({"type": "text", "text": text})
    return await learner.wait_for(lambda m: m["type"] == "bot" and predicate(m["text"]), timeout, since)


async def open_question(learner: RtcLearner, since: float, exclude: str | None = None) -> dict:
    state = await learner.wait_for(
        lambda m: (
            m["type"] == "state" and m.get("mode") == "answer" and m.get("question") and m["question"]["id"] != exclude
        ),
        120,
        since,
    )
    return state["question"]


def feedback(text: str) -> bool:
    return "covered" in text.lower() or "missed" in text.lower()


def row(server: VivaServer, learner_id: str, question_id: str) -> dict:
    found = [dict(r) for r in attempts(server, learner_id) if r["question_id"] == question_id]
    assert found, f"no attempt at {question_id}"
    return found[-1]


async def _drill_through_a_death(
    server: VivaServer, service: str, port: int, expected: str, rasa_kept_the_answer: bool
) -> None:
    learner_id = http_json(f"{server.url}/api/learners", {"name": f"Restart {service}"})["id"]
    learner = RtcLearner(server.url, learner_id)
    await learner.connect()
    try:
        since = time.monotonic()
        learner.send({"type": "start", "mode": "drill"})
        first = await open_question(learner, since)
        await type_and_wait(learner, FIRST, feedback)
        answered = row(server, learner_id, first["id"])
        assert answered["status"] == "answered" and answered["answer_text"] == FIRST

        since = time.monotonic()
        learner.send({"type": "text", "text": "next"})
        second = await open_question(learner, since, exclude=first["id"])

        before = restarts(server, service)
        with kill_listener(port):
            told = await type_and_wait(learner, SECOND, lambda text: True)
        assert told["text"] == expected, server.log_text()  # the failed turn says so, in words a learner understands
        assert row(server, learner_id, second["id"])["transcript"] == SECOND  # stored before Rasa was asked

        await wait_restarted(server, service, before)
        since = time.monotonic()
        learner.send({"type": "text", "text": "repeat the question"})
        prompt = second["prompt"][:40].lower()
        await learner.wait_for(lambda m: m["type"] == "bot" and prompt in m["text"].lower(), 120, since)
        if rasa_kept_the_answer:
            # Rasa took the answer before its action failed: graded now, and it is the answer
            # (not "repeat the question", which the client stored as the latest candidate).
            await learner.wait_for(lambda m: m["type"] == "bot" and feedback(m["text"]), 120, since)
        else:  # the answer never reached Rasa: the learner says it again
            await type_and_wait(learner, SECOND, feedback)
        assert row(server, learner_id, second["id"])["answer_text"] == SECOND
        assert row(server, learner_id, first["id"]) == answered  # nothing stored before the death changed
    finally:
        await learner.close()


def test_the_action_server_dies_mid_drill(own_server: VivaServer) -> None:
    port = int(own_server.env["VIVA_RASA__ACTIONS_PORT"])
    asyncio.run(_drill_through_a_death(own_server, "actions", port, NO_REPLY, rasa_kept_the_answer=True))


def test_rasa_dies_mid_drill(own_server: VivaServer) -> None:
    port = int(own_server.env["VIVA_RASA__PORT"])
    asyncio.run(_drill_through_a_death(own_server, "rasa", port, UNAVAILABLE, rasa_kept_the_answer=False))
