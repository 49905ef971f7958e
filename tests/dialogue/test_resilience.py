"""Failures around the dialogue: restarts, dead services, failing actions — no hang, nothing lost."""

import asyncio
from dataclasses import replace

import psutil
import pytest

from dialogue.client import RasaRestClient
from dialogue.conversation import UNAVAILABLE, Conversation
from dialogue.options import RasaOptions
from dialogue.runtime import RasaRuntime
from dialogue.study_port import StudyPort
from drills.app import build_service
from tests.dialogue.helpers import Learner, attempts
from tests.support import VivaServer, free_port, viva_env
from voicebot.settings import load_settings

pytestmark = [pytest.mark.slow, pytest.mark.rasa]


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    """A Viva of this module's own: these tests stop and kill its parts."""
    data = tmp_path_factory.mktemp("viva-resilience")
    server = VivaServer(data, viva_env(data)).start()
    yield server
    server.stop()


def _service(server: VivaServer):
    return build_service(load_settings(environ={"VIVA_DATA_DIR": str(server.data_dir)}))


def test_restart_mid_drill_resumes_from_the_tracker_store(own_server: VivaServer) -> None:
    learner = Learner(own_server)
    learner.say("start today's drill")
    question = learner.state.question
    assert question is not None
    own_server.stop()
    own_server.start()
    reply = learner.text(learner.say("repeat the question"))
    assert question.prompt.lower()[:40] in reply
    learner.say("The eigenvector direction is only scaled by the map, so its line is invariant.")
    assert learner.state.mode == "command"
    row = next(r for r in attempts(own_server, learner.id) if r["question_id"] == question.id)
    assert row["status"] == "answered"


def test_rasa_down_gives_a_clear_reply_at_once_and_keeps_the_answer(
    own_server: VivaServer, caplog: pytest.LogCaptureFixture
) -> None:
    service = _service(own_server)
    view, _ = service.create_learner("Offline Olga")
    service.start_session(view.learner_id, "drill")
    turn = service.next_question(view.learner_id)
    port = StudyPort(service)

    async def talk() -> list:
        # A timeout far beyond the test's own: a refused connection must be reported as such,
        # not waited out (the log says which of the two happened).
        client = RasaRestClient(f"http://127.0.0.1:{free_port()}", 3600.0)
        conversation = Conversation(view.learner_id, client, port)
        conversation.state = port.open_turn_state(view.learner_id)
        try:
            return await conversation.learner_said("Bagging averages bootstrap models to cut variance.")
        finally:
            await client.close()

    turns = asyncio.run(talk())
    assert turns[0].text == UNAVAILABLE
    warning = next(r.getMessage() for r in caplog.records if r.name == "dialogue.conversation")
    assert "not reachable" in warning and "viva serve" in warning
    row = next(r for r in attempts(own_server, view.learner_id) if r["id"] == turn.attempt_id)
    assert row["transcript"] == "Bagging averages bootstrap models to cut variance."
    service.close()


def test_failing_actions_reply_gracefully_and_the_answer_is_stored(own_server: VivaServer) -> None:
    """Actions whose API is unreachable: every turn still gets a spoken reply."""
    settings = load_settings(environ={"VIVA_DATA_DIR": str(own_server.data_dir)})
    options = replace(RasaOptions(), port=free_port(), actions_port=free_port())
    service = _service(own_server)
    view, _ = service.create_learner("Failing Fiona")
    service.start_session(view.learner_id, "drill")
    service.next_question(view.learner_id)
    port = StudyPort(service)
    answer = "Entropy and Gini both measure impurity; pruning trades size for error."

    async def talk() -> tuple[list, list]:
        runtime = RasaRuntime(
            options, settings.data_dir, api_url=f"http://127.0.0.1:{free_port()}", progress=lambda m: None
        )
        async with runtime:
            conversation = Conversation(view.learner_id, RasaRestClient(runtime.url, 30.0, runtime.keys.rasa), port)
            started = await conversation.send("/start_drill")
            conversation.state = port.open_turn_state(view.learner_id)
            return started, await conversation.learner_said(answer)

    started, answered = asyncio.run(talk())
    assert started and started[0].text and "sorry" in started[0].text.lower()
    assert answered and answered[0].text
    row = next(r for r in attempts(own_server, view.learner_id) if r["status"] == "asked")
    assert row["transcript"] == answer
    service.close()


# Last in the module: it leaves this module's server without an action server.
def test_action_server_down_still_gets_a_reply(own_server: VivaServer) -> None:
    learner = Learner(own_server)
    learner.say("start today's drill")
    actions_port = int(own_server.env["VIVA_RASA__ACTIONS_PORT"])
    killed = [
        c.pid
        for c in psutil.net_connections("tcp")
        if c.laddr and c.laddr.port == actions_port and c.status == "LISTEN"
    ]
    assert killed, "action server not found"
    for pid in killed:
        psutil.Process(pid).kill()

    async def talk() -> list:
        conversation = Conversation(
            learner.id, RasaRestClient(own_server.rasa_url, 30.0, own_server.keys.rasa), StudyPort(_service(own_server))
        )
        return await conversation.learner_said("give me a hint")

    turns = asyncio.run(talk())
    assert turns and turns[0].text
    assert turns[0].text != UNAVAILABLE  # Rasa itself answered: the client did not wait out its timeout
