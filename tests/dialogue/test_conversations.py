"""Whole conversations with the real trained Rasa model over HTTP, its action server, and the
app's internal API and store — the path the voice bot uses, minus the audio."""

import asyncio

import pytest

from dialogue.client import RasaRestClient
from dialogue.conversation import Conversation
from dialogue.payload import TurnState
from drills.content_loader import load_pack
from tests.dialogue.helpers import Learner, attempts

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

TRAP = "Skip lists skip over many nodes, so search takes logarithmic time"


@pytest.fixture(scope="module")
def pack():
    return load_pack()


def test_full_theory_drill(viva_server, pack) -> None:
    learner = Learner(viva_server)
    learner.say("hello")
    learner.say("start today's drill")
    first = learner.state
    assert first.mode == "answer" and first.attempt_id and first.question is not None
    assert first.question.kind == "theory" and first.terms and (first.position, first.total) == (1, 3)
    question = pack.item(first.question.id)

    feedback = learner.text(learner.say(question.model_answer))
    assert learner.state.mode == "command"
    assert "covered" in feedback and "next" in feedback

    learner.say("next question")
    second = learner.state
    assert second.mode == "answer" and second.question.kind == "design"
    assert second.attempt_id != first.attempt_id and second.position == 2

    rows = {r["id"]: r for r in attempts(viva_server, learner.id)}
    answered = rows[first.attempt_id]
    assert answered["status"] == "answered" and answered["answer_text"] == question.model_answer
    assert answered["score"] == pytest.approx(1.0)
    assert rows[second.attempt_id]["status"] == "asked"  # exists from the moment it was asked


def test_eli5_drill_asks_for_a_simpler_version(viva_server, pack) -> None:
    learner = Learner(viva_server)
    learner.say("explain like i'm five mode")
    assert learner.state.mode == "answer" and learner.state.question.kind == "eli5"
    question = pack.item(learner.state.question.id)
    jargon = ", ".join(question.avoid_jargon[:3])
    reply = learner.text(learner.say(f"It is all about the {jargon}, basically."))
    assert learner.state.mode == "answer" and learner.state.question.id == question.id
    assert "without" in reply or "simpler" in reply
    learner.say(question.reference)
    assert learner.state.mode == "command"
    row = next(r for r in attempts(viva_server, learner.id) if r["question_id"] == question.id)
    assert row["status"] == "answered" and row["answer_text"] == question.reference


def test_control_intents_during_an_answer(viva_server, pack) -> None:
    learner = Learner(viva_server)
    learner.say("start today's drill")
    attempt, question = learner.state.attempt_id, pack.item(learner.state.question.id)

    assert question.prompt.lower()[:40] in learner.text(learner.say("repeat the question please"))
    assert learner.state.attempt_id == attempt and learner.state.mode == "answer"

    assert question.hints[0].lower()[:30] in learner.text(learner.say("give me a hint"))
    assert learner.state.attempt_id == attempt

    learner.say("let me try again")
    assert learner.state.mode == "answer" and learner.state.question.id == question.id

    revealed = learner.text(learner.say("just tell me the answer"))
    assert question.model_answer.lower()[:40] in revealed

    learner.say("next")
    skipped_question = learner.state.question.id
    learner.say("skip this one")
    assert learner.state.question is not None and learner.state.question.id != skipped_question

    learner.say("stop")
    assert learner.state.mode == "idle"
    statuses = {r["question_id"]: r["status"] for r in attempts(viva_server, learner.id)}
    assert statuses[question.id] == "revealed" and statuses[skipped_question] == "skipped"


def test_trap_answer_is_stored_verbatim(viva_server) -> None:
    learner = Learner(viva_server)
    learner.say("start today's drill")
    attempt = learner.state.attempt_id
    learner.say(TRAP)
    assert learner.state.mode == "command"  # feedback, not a skipped question
    row = next(r for r in attempts(viva_server, learner.id) if r["id"] == attempt)
    assert row["status"] == "answered" and row["answer_text"] == TRAP


def test_every_bot_turn_carries_state(viva_server) -> None:
    learner = Learner(viva_server)
    for text in (
        "hi",
        "what's today's topic",
        "start the drill",
        "give me a hint",
        "slower please",
        "how am i doing",
        "stop",
    ):
        turns = learner.say(text)
        assert any(t.state is not None for t in turns), f"no payload after {text!r}"
    assert any(t.state and t.state.rate and t.state.rate < 1 for t in learner.history)


@pytest.mark.parametrize("text", ["", " ", "x" * 10_000, "¿Dónde está la biblioteca? 图书馆在哪里", "🙂🙂🙂"])
def test_odd_messages_get_a_reply(viva_server, text: str) -> None:
    learner = Learner(viva_server)
    learner.say("start today's drill")
    if text.strip():
        turns = learner.say(text)
        assert turns and all(t.text for t in turns if t.state is None)
    else:
        from tests.support import rasa_say

        assert rasa_say(viva_server, learner.id, text), "an empty message must still get a reply"


ACTION_SLOTS = {
    "viva_mode",
    "awaiting_answer",
    "attempt_id",
    "question_id",
    "question_kind",
    "question",
    "position",
    "total",
}


def session_events(server, sender: str) -> list[dict]:
    """The tracker's events since its last session start, from Rasa's HTTP API."""
    events = server.tracker_events(sender)
    starts = [i for i, e in enumerate(events) if e["event"] == "session_started"]
    return events[starts[-1] :] if starts else events


def test_turns_add_no_copies_of_unchanged_slots(viva_server) -> None:
    # Rasa reloads and replays the session's events on every turn: copies of unchanged slots
    # made each turn slower than the last.
    learner = Learner(viva_server)
    learner.say("start today's drill")
    for _ in range(3):
        learner.say("repeat the question")
    values: dict[str, object] = {}
    for event in session_events(viva_server, learner.id):
        if event["event"] == "slot" and event["name"] in ACTION_SLOTS:
            assert values.get(event["name"], object()) != event["value"], event
            values[event["name"]] = event["value"]


def test_a_new_drill_starts_a_new_rasa_session(viva_server) -> None:
    learner = Learner(viva_server)
    learner.say("start today's drill")
    learner.say("repeat the question")

    async def begin() -> TurnState:
        client = RasaRestClient(viva_server.rasa_url, key=viva_server.keys.rasa)
        try:
            conversation = Conversation(learner.id, client, study=None)  # begin stores nothing
            await conversation.begin("/start_eli5")
            return conversation.state
        finally:
            await client.close()

    state = asyncio.run(begin())
    assert state.mode == "answer" and state.question.kind == "eli5"
    events = session_events(viva_server, learner.id)
    assert not any(e["event"] == "user" and e.get("text") == "repeat the question" for e in events)


class CountingGrader:
    """The service's real grader, counting the answers it grades."""

    def __init__(self, grader) -> None:
        self.grader, self.texts = grader, []

    def grade(self, question, text: str):
        self.texts.append(text)
        return self.grader.grade(question, text)


def test_a_long_answer_is_stored_whole_and_graded_once(viva_server, pack) -> None:
    """Over 4,000 characters: Rasa gets the text cut short, the store keeps it whole, and the
    grader runs once (when the client stores it), through the real Rasa and action server."""
    from dialogue.client import MAX_MESSAGE_CHARS
    from dialogue.stack import running_stack
    from tests.support import viva_env
    from voicebot.settings import load_settings

    settings = load_settings(environ=viva_env(viva_server.data_dir))  # its trained model, own ports

    async def answer_at_length() -> tuple[str, str, str, list, CountingGrader]:
        async with running_stack(settings, progress=lambda message: None) as stack:
            grader = CountingGrader(stack.service.grader)
            stack.service.grader = grader  # the API the actions call is this process's service
            view, _ = await asyncio.to_thread(stack.service.create_learner, "Long Lena")
            conversation = Conversation(view.learner_id, stack.rasa, stack.study)
            await conversation.begin("/start_drill")
            attempt = conversation.state.attempt_id
            text = " ".join([pack.item(conversation.state.question.id).model_answer] * 9)
            turns = await conversation.learner_said(text, typed=True)
            return view.learner_id, attempt, text, turns, grader

    learner_id, attempt, text, turns, grader = asyncio.run(answer_at_length())
    assert len(text) > MAX_MESSAGE_CHARS
    assert grader.texts == [text]  # once, whole
    assert any("covered" in t.text.lower() for t in turns)
    row = next(r for r in attempts(viva_server, learner_id) if r["id"] == attempt)
    assert row["status"] == "answered" and row["answer_text"] == text and row["score"] == pytest.approx(1.0)
