"""The embedding worker process: answers like the in-process model, is restarted when killed
(between requests or in the middle of one), and a turn still gets feedback when it is gone."""

from __future__ import annotations

import logging
import os
import signal
from collections.abc import Iterator

import numpy as np
import pytest

from drills.content_model import ContentPack
from drills.grading.semantic import SemanticGrader
from drills.grading.worker import WorkerEmbedder, WorkerOptions
from drills.service import StudyService

pytestmark = pytest.mark.slow

SWAPPED = (
    "Boosting trains models independently in parallel on bootstrap samples and averages them, so it reduces "
    "variance. Bagging trains weak models one after another on the mistakes so far, so it reduces bias."
)


@pytest.fixture(scope="module")
def worker() -> Iterator[WorkerEmbedder]:
    embedder = WorkerEmbedder()
    assert embedder.wait_ready(), "the worker did not load the model"
    yield embedder
    embedder.close()


def test_the_worker_embeds_like_the_model(worker: WorkerEmbedder) -> None:
    vectors = worker.encode(["bagging reduces variance", "averaging bootstrap models cuts variance", "I like pasta"])
    assert vectors.shape == (3, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.3
    assert worker.pid != os.getpid()


def test_killed_between_answers_it_restarts(worker: WorkerEmbedder, pack: ContentPack) -> None:
    grader = SemanticGrader(worker, pack=pack)
    question = pack.item("b-cm-6")
    assert [p.label for p in grader.grade(question, SWAPPED).points] == ["wrong", "wrong"]
    before, restarts = worker.pid, worker.restarts
    os.kill(before, signal.SIGKILL)
    result = grader.grade(question, SWAPPED)
    assert result.method == "semantic" and [p.label for p in result.points] == ["wrong", "wrong"]
    assert worker.restarts == restarts + 1 and worker.pid != before


def test_killed_mid_request_it_restarts(worker: WorkerEmbedder, pack: ContentPack) -> None:
    grader = SemanticGrader(worker, pack=pack)
    worker.wait_ready()
    victim, restarts = worker.pid, worker.restarts
    connection = worker._conn
    assert connection is not None
    send = connection.send

    def send_then_die(message: object) -> None:  # the request is in flight when the worker dies
        send(message)
        os.kill(victim, signal.SIGKILL)

    connection.send = send_then_die  # type: ignore[method-assign]
    # A full, correct answer (the terse "L1 drives weights to exactly zero; L2 shrinks them
    # smoothly." sits on the hit/wrong boundary since the refit after the content pass).
    answer = (
        "L1 uses absolute values and pushes many weights to exactly zero, so the model is sparse. "
        "L2 uses squares and shrinks weights smoothly toward zero without zeroing them."
    )
    result = grader.grade(pack.item("b-cm-3"), answer)
    assert result.method == "semantic" and [p.label for p in result.points] == ["hit", "hit"]
    assert worker.restarts == restarts + 1 and worker.pid != victim


def test_a_worker_that_is_not_ready_falls_back_to_keywords(pack: ContentPack, caplog: pytest.LogCaptureFixture) -> None:
    slow = WorkerEmbedder(WorkerOptions(start_timeout_s=0.01))
    try:
        grader = SemanticGrader(slow, pack=pack)
        with caplog.at_level(logging.WARNING, logger="viva.grading"):
            result = grader.grade(pack.item("b-cm-6"), SWAPPED)
        assert result.method == "keyword-fallback" and result.score == 1.0  # the keyword rules, fooled
        assert "using the keyword rules" in caplog.text
        assert slow.restarts == 0  # still loading is not a failure: the worker is left to finish
    finally:
        slow.close()


def test_a_turn_gets_feedback_when_the_worker_dies(service: StudyService, pack: ContentPack) -> None:
    worker = WorkerEmbedder()
    try:
        assert worker.wait_ready()
        service.grader = SemanticGrader(worker, pack=pack)
        learner, _ = service.create_learner("Ada")
        service.start_session(learner.learner_id, "drill")
        turn = service.next_question(learner.learner_id)
        assert turn.attempt_id and turn.question
        os.kill(worker.pid, signal.SIGKILL)
        feedback = service.submit_answer(turn.attempt_id, pack.item(turn.question.id).answer_text)
        assert "covered" in feedback.feedback and feedback.score > 0.5
    finally:
        worker.close()
