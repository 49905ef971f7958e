"""One path for each answer: stored whole and graded once by the client's call, then confirmed
by its key (the real service and API; the grader is the real one, with its calls counted)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from conftest import good_answer
from test_api import api_client

from drills.content_model import ContentPack
from drills.grading import Gradable, GradeResult, KeyPointGrader
from drills.options import ApiOptions
from drills.results import TranscriptInput
from drills.service import StudyService
from drills.store import Attempt, make_engine, make_session_factory

V1 = "/api/v1"


class CountingGrader:
    """The real key-point grader, counting the answers it grades."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def grade(self, question: Gradable, text: str) -> GradeResult:
        self.texts.append(text)
        return KeyPointGrader().grade(question, text)


@pytest.fixture
def grader(service: StudyService) -> CountingGrader:
    service.grader = counting = CountingGrader()
    return counting


@pytest.fixture
async def client(service: StudyService) -> AsyncIterator[TestClient]:
    async with api_client(service, ApiOptions(max_body_bytes=256 * 1024)) as test_client:
        yield test_client


async def call(client: TestClient, path: str, body: Any, status: int = 200) -> Any:
    response = await client.post(V1 + path, json=body)
    data = await response.json()
    assert response.status == status, data
    return data


def row(db_url: str, attempt_id: str) -> Attempt:
    engine = make_engine(db_url)
    try:
        with make_session_factory(engine)() as db:
            found = db.get(Attempt, attempt_id)
            assert found is not None
            db.expunge(found)
            return found
    finally:
        engine.dispose()


def open_attempt(service: StudyService, learner: str = "Ada", mode: str = "drill") -> tuple[str, str]:
    view, _ = service.create_learner(learner)
    service.start_session(view.learner_id, mode)
    turn = service.next_question(view.learner_id)
    assert turn.attempt_id and turn.question
    return turn.attempt_id, turn.question.id


async def test_a_long_answer_is_stored_whole_and_graded_once(
    client: TestClient, service: StudyService, grader: CountingGrader, pack: ContentPack, db_url: str
) -> None:
    attempt, question = open_attempt(service)
    text = good_answer(pack, question) + " and the direction stays on its own line." * 200
    assert len(text) > 8000  # far over what Rasa is sent (dialogue.client.MAX_MESSAGE_CHARS)
    stored = await call(client, f"/attempts/{attempt}/transcript", {"text": text, "typed": True})
    result = await call(client, f"/attempts/{attempt}/answer", {"candidate": stored["candidate"]})
    assert grader.texts == [text]  # graded once, whole, when the client stored it
    assert result["score"] == stored["grading"]["score"] == 1.0 and "next" in result["feedback"]
    assert stored["reply"] == result["feedback"]  # known when stored: the voice bot speaks it early
    saved = row(db_url, attempt)
    assert saved.status == "answered" and saved.answer_text == text and saved.grading == stored["grading"]


async def test_only_the_stored_candidate_named_is_confirmed(
    client: TestClient, service: StudyService, grader: CountingGrader, db_url: str
) -> None:
    attempt, _ = open_attempt(service)
    first = await call(client, f"/attempts/{attempt}/transcript", {"text": "first try at an answer"})
    await call(client, f"/attempts/{attempt}/transcript", {"text": "a second, different answer"})
    refused = await call(client, f"/attempts/{attempt}/answer", {"candidate": first["candidate"]}, 409)
    assert "say it again" in refused["error"]
    assert len(grader.texts) == 2 and row(db_url, attempt).status == "asked"


async def test_nothing_stored_is_a_clear_error(client: TestClient, service: StudyService) -> None:
    attempt, _ = open_attempt(service)
    error = await call(client, f"/attempts/{attempt}/answer", {"candidate": "0123456789abcdef"}, 400)
    assert "didn't catch" in error["error"]


async def test_an_answer_sent_only_as_text_is_graded_once(
    client: TestClient, service: StudyService, grader: CountingGrader, db_url: str
) -> None:
    attempt, _ = open_attempt(service)
    result = await call(client, f"/attempts/{attempt}/answer", {"text": "eigenvectors are only scaled"})
    assert len(grader.texts) == 1 and 0 < result["score"] < 1
    assert row(db_url, attempt).answer_text == "eigenvectors are only scaled"


def test_what_was_said_before_a_reconnect_joins_the_answer(
    service: StudyService, grader: CountingGrader, db_url: str
) -> None:
    attempt, _ = open_attempt(service)
    service.save_partial(attempt, "An eigenvector is only scaled", 2.0)  # then the connection dropped
    carried = service.said_so_far(attempt)
    assert carried == "An eigenvector is only scaled"
    # After the reconnect: a command first ("repeat the question") keeps what was carried …
    service.record_transcript(attempt, TranscriptInput(text="repeat the question", carried=carried))
    assert service.said_so_far(attempt) == carried
    stored = service.record_transcript(attempt, TranscriptInput(text="so its line stays put.", carried=carried))
    feedback = service.confirm_answer(attempt, stored.candidate or "")
    saved = row(db_url, attempt)
    assert saved.answer_text == "An eigenvector is only scaled so its line stays put."
    assert grader.texts[-1] == saved.answer_text and feedback.score == stored.grade.score
    assert service.said_so_far(attempt) == ""  # confirmed: nothing is carried any more


def test_an_eli5_retry_does_not_carry_the_confirmed_explanation(service: StudyService, db_url: str) -> None:
    attempt, _ = open_attempt(service, "Eli", "eli5")
    service.save_partial(attempt, "A matrix", 1.0)
    carried = service.said_so_far(attempt)
    stored = service.record_transcript(attempt, TranscriptInput(text="has eigenvectors.", carried=carried))
    retry = service.confirm_answer(attempt, stored.candidate or "")
    assert retry.retry  # jargon: the same attempt stays open for a simpler version
    assert stored.reply == retry.feedback == retry.retry_prompt
    simpler = service.record_transcript(attempt, TranscriptInput(text="Some arrows only stretch.", carried=carried))
    final = service.confirm_answer(attempt, simpler.candidate or "")
    assert simpler.reply == final.feedback and not final.retry
    saved = row(db_url, attempt)
    assert saved.answer_text == "Some arrows only stretch."
    assert saved.answer_history[0]["text"] == "A matrix has eigenvectors."
