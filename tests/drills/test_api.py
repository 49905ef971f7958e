"""The internal API over HTTP (aiohttp test client) against a real SQLite store."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from conftest import WRONG, good_answer
from test_service import finish_days

from drills.api import create_api_app
from drills.content_model import ContentPack
from drills.grading import Gradable, GradeResult, KeyPointGrader
from drills.keys import KEY_HEADER
from drills.options import ApiOptions
from drills.service import StudyService

V1 = "/api/v1"
KEY = "k" * 64


def api_client(service: StudyService, options: ApiOptions | None = None) -> TestClient:
    app = create_api_app(service, options or ApiOptions(), KEY)
    return TestClient(TestServer(app), headers={KEY_HEADER: KEY})


@pytest.fixture
async def client(service: StudyService) -> AsyncIterator[TestClient]:
    async with api_client(service, ApiOptions(max_body_bytes=64 * 1024)) as test_client:
        yield test_client


async def call(client: TestClient, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    response = await client.request(method, V1 + path, json=body)
    data = await response.json()
    assert response.status == status, data
    return data


async def learner(client: TestClient, name: str = "Ada") -> str:
    data = await call(client, "POST", "/learners", {"name": name, "start_date": "2026-08-06"}, 201)
    return data["learner_id"]


async def test_a_whole_drill(client: TestClient, pack: ContentPack) -> None:
    lid = await learner(client)
    again = await call(client, "POST", "/learners", {"name": "ada"}, 200)
    assert again["learner_id"] == lid == "ada"
    plan = await call(client, "GET", f"/learners/{lid}/plan")
    assert plan["day"] == 1 and plan["day_type"] == "topic" and plan["unit"] == 1
    assert plan["fits"] is True and plan["remedial"] == [] and plan["baseline_done"] is False
    assert len(plan["takeaways"]) == 3 and plan["summary"].startswith("Day 1 of 31")
    started = await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
    assert started["total"] == 3 and started["mode"] == "drill"
    for position in (1, 2, 3):
        turn = await call(client, "POST", f"/learners/{lid}/next-question")
        assert turn["done"] is False and turn["position"] == position and turn["total"] == 3
        question = turn["question"]
        assert question["day"] == 1 and question["unit"] == 1 and question["title"]
        current = await call(client, "GET", f"/learners/{lid}/current")
        assert current["attempt_id"] == turn["attempt_id"]
        attempt = turn["attempt_id"]
        text = good_answer(pack, question["id"])
        partial = await call(client, "POST", f"/attempts/{attempt}/transcript", {"text": text[:40], "final": False})
        assert partial["grading"]["score"] < 1.0
        graded = await call(
            client,
            "POST",
            f"/attempts/{attempt}/transcript",
            {
                "text": text,
                "final": True,
                "duration": 4.2,
                "confidence": 0.9,
                "words": [],
                "typed": False,
            },
        )
        assert graded["grading"]["score"] == 1.0 and graded["grading"]["missed"] == []
        result = await call(client, "POST", f"/attempts/{attempt}/answer", {"candidate": graded["candidate"]})
        assert result["score"] == 1.0 and result["retry"] is False and result["retry_prompt"] is None
        assert result["feedback"].endswith("Say 'answer' for a model answer, or 'next' to continue.")
    done = await call(client, "POST", f"/learners/{lid}/next-question")
    assert done["done"] is True and "100 percent" in done["summary"]
    plan = await call(client, "GET", f"/learners/{lid}/plan")
    assert plan["day"] == 2
    progress = await call(client, "GET", f"/learners/{lid}/progress")
    assert progress["summary"].startswith("You have finished one day of 31")
    assert (await call(client, "GET", f"/learners/{lid}/current"))["attempt_id"] is None


async def test_partial_answer_feedback(client: TestClient, pack: ContentPack) -> None:
    lid = await learner(client)
    await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
    turn = await call(client, "POST", f"/learners/{lid}/next-question")
    question = pack.item(turn["question"]["id"])
    first_point = question.key_points[0]
    text = "Applying A to an eigenvector only scales it by lambda."
    result = await call(client, "POST", f"/attempts/{turn['attempt_id']}/answer", {"text": text})
    assert 0 < result["score"] < 1 and result["covered"][0] == first_point.text
    assert result["feedback"].startswith("Good: you covered one of four key points")
    assert "You missed:" in result["feedback"] and "*" not in result["feedback"]


async def test_eli5_jargon_retry(client: TestClient) -> None:
    lid = await learner(client)
    started = await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "eli5"})
    assert started["total"] == 2
    turn = await call(client, "POST", f"/learners/{lid}/next-question")
    assert turn["question"]["id"] == "u01-e1" and turn["question"]["kind"] == "eli5"
    attempt = turn["attempt_id"]
    jargon = "An eigenvector is a vector the matrix only stretches: it keeps pointing the same way."
    result = await call(client, "POST", f"/attempts/{attempt}/answer", {"text": jargon})
    assert result["retry"] is True
    assert result["retry_prompt"] == "Nice. Now try it again without the words eigenvector and matrix."
    assert result["jargon_used"] == ["eigenvector", "matrix"]
    current = await call(client, "GET", f"/learners/{lid}/current")
    assert current["attempt_id"] == attempt  # the same attempt stays open
    simple = "Special arrows keep pointing the same way when you pull; they only get longer."
    result = await call(client, "POST", f"/attempts/{attempt}/answer", {"text": simple})
    assert result["retry"] is False and result["score"] == 1.0 and result["jargon_used"] == []
    await call(client, "POST", f"/attempts/{attempt}/answer", {"text": simple}, 409)
    hint = await call(client, "POST", f"/attempts/{attempt}/hint", None, 409)
    assert "already answered" in hint["error"]


async def test_hint_reveal_skip_retry(client: TestClient, pack: ContentPack) -> None:
    lid = await learner(client)
    await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
    turn = await call(client, "POST", f"/learners/{lid}/next-question")
    attempt, qid = turn["attempt_id"], turn["question"]["id"]
    hints = pack.item(qid).hints
    assert (await call(client, "POST", f"/attempts/{attempt}/hint"))["hint"] == hints[0]
    assert (await call(client, "POST", f"/attempts/{attempt}/hint"))["hint"] == hints[1]
    assert (await call(client, "POST", f"/attempts/{attempt}/hint"))["hint"].startswith("No more hints")
    revealed = await call(client, "POST", f"/attempts/{attempt}/reveal")
    assert revealed["model_answer"] == pack.item(qid).model_answer
    await call(client, "POST", f"/attempts/{attempt}/answer", {"text": "too late"}, 409)
    await call(client, "POST", f"/attempts/{attempt}/skip", None, 409)  # revealed, not skippable
    retried = await call(client, "POST", f"/attempts/{attempt}/retry")
    assert retried["attempt_id"] != attempt and retried["question"]["id"] == qid
    assert retried["position"] == 1
    fresh = retried["attempt_id"]
    result = await call(client, "POST", f"/attempts/{fresh}/answer", {"text": good_answer(pack, qid)})
    assert result["score"] == 1.0
    second = await call(client, "POST", f"/learners/{lid}/next-question")
    assert second["position"] == 2
    assert (await call(client, "POST", f"/attempts/{second['attempt_id']}/skip")) == {"ok": True}
    assert (await call(client, "POST", f"/attempts/{second['attempt_id']}/skip")) == {"ok": True}
    await call(client, "POST", f"/attempts/{attempt}/retry", None, 409)  # moved past it
    third = await call(client, "POST", f"/learners/{lid}/next-question")
    await call(client, "POST", f"/attempts/{third['attempt_id']}/answer", {"text": WRONG})
    done = await call(client, "POST", f"/learners/{lid}/next-question")
    assert done["done"] is True
    assert (await call(client, "GET", f"/learners/{lid}/plan"))["day"] == 2  # skipped still finishes
    await call(client, "POST", f"/attempts/{fresh}/retry", None, 409)  # the session has ended


async def test_baseline_run_produces_area_scores_and_pods(client: TestClient, pack: ContentPack, db_url: str) -> None:
    lid = await learner(client)
    started = await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "baseline"})
    assert started["total"] == 30
    probability_right = 0
    while True:
        turn = await call(client, "POST", f"/learners/{lid}/next-question")
        if turn["done"]:
            break
        item = pack.item(turn["question"]["id"])
        assert turn["question"]["kind"] == "baseline" and turn["question"]["title"].startswith("Baseline")
        text = good_answer(pack, item.id)
        if item.area == "linear_algebra":
            text = WRONG
        elif item.area == "probability":
            probability_right += 1
            text = text if probability_right <= 3 else WRONG  # 3 of 6 → 2 of 5
        result = await call(client, "POST", f"/attempts/{turn['attempt_id']}/answer", {"text": text})
        assert result["feedback"] == "Thanks, noted. Say 'next' for the next question."
    assert "linear algebra 0 of 5, probability 2 of 5, classical ml 5 of 5" in turn["summary"]
    plan = await call(client, "GET", f"/learners/{lid}/plan")
    assert plan["baseline_done"] is True and plan["day"] == 1
    assert "linear algebra remedial pod on day 10" in turn["summary"]
    assert "probability remedial pod on day 29" in turn["summary"].lower()
    await asyncio.to_thread(finish_days, db_url, lid, range(1, 10))
    plan = await call(client, "GET", f"/learners/{lid}/plan")
    assert (plan["day"], plan["day_type"]) == (10, "pod")
    assert plan["remedial"] == [{"kind": "pod", "ref": "pod:LINALG", "title": pack.pod("LINALG").title}]
    await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
    turn = await call(client, "POST", f"/learners/{lid}/next-question")
    assert turn["question"]["part"] == "pod" and turn["question"]["title"] == pack.pod("LINALG").title


async def test_quiz_failure_causes_remedial_focus(client: TestClient, pack: ContentPack, db_url: str) -> None:
    lid = await learner(client)
    await asyncio.to_thread(finish_days, db_url, lid, range(1, 11))
    plan = await call(client, "GET", f"/learners/{lid}/plan")
    assert (plan["day"], plan["day_type"]) == (11, "quiz")
    await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
    parts = []
    while not (turn := await call(client, "POST", f"/learners/{lid}/next-question"))["done"]:
        parts.append(turn["question"]["part"])
        text = WRONG if turn["question"]["part"] == "quiz" else good_answer(pack, turn["question"]["id"])
        await call(client, "POST", f"/attempts/{turn['attempt_id']}/answer", {"text": text})
    assert parts == ["drill"] * 3 + ["quiz"] * 5
    assert "Quiz score: 0 percent, under 80." in turn["summary"]
    plan = await call(client, "GET", f"/learners/{lid}/plan")
    assert (plan["day"], plan["day_type"]) == (12, "remedial")
    assert {r["ref"] for r in plan["remedial"]} == {"unit:7", "unit:8", "unit:9"}


async def test_error_statuses(client: TestClient) -> None:
    lid = await learner(client)
    missing = await call(client, "GET", "/learners/nobody/plan", status=404)
    assert missing["error"]
    unknown = "0" * 32
    await call(client, "POST", f"/attempts/{unknown}/answer", {"text": "x"}, 404)
    await call(client, "POST", f"/attempts/{unknown}/hint", None, 404)
    await call(client, "POST", "/attempts/deadbeef/hint", None, 400)  # not an attempt id's shape
    await call(client, "POST", f"/learners/{lid}/next-question", None, 409)  # no session
    await call(client, "POST", f"/learners/{lid}/next-card", None, 409)  # no card review running
    await call(client, "POST", "/cards/12345/rate", {"rating": "good"}, 404)
    await call(client, "POST", "/cards/not-a-number/reveal", None, 404)
    await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "karaoke"}, 400)
    await call(client, "POST", f"/learners/{lid}/sessions", {"mode": 3}, 400)
    await call(client, "POST", "/learners", {"name": ""}, 400)
    await call(client, "POST", "/learners", {"name": "Bo", "interview_date": "next tuesday"}, 400)
    await call(client, "POST", f"/learners/{lid}/double-up", {}, 400)
    await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
    turn = await call(client, "POST", f"/learners/{lid}/next-question")
    attempt = turn["attempt_id"]
    empty = await call(client, "POST", f"/attempts/{attempt}/answer", {"text": "   "}, 400)
    assert empty["error"] == "I didn't catch an answer. Please say it again."
    await call(client, "POST", f"/attempts/{attempt}/transcript", {"text": ""}, 400)
    await call(client, "POST", f"/attempts/{attempt}/transcript", {"text": "x", "confidence": "high"}, 400)
    response = await client.post(f"{V1}/attempts/{attempt}/answer", data=b"{not json")
    assert response.status == 400 and "JSON" in (await response.json())["error"]
    response = await client.post(f"{V1}/attempts/{attempt}/answer", json=["a", "list"])
    assert response.status == 400
    response = await client.get(f"{V1}/nowhere")
    assert response.status == 404 and "error" in await response.json()
    response = await client.post(f"{V1}/attempts/{attempt}/answer", json={"text": "x" * 70_000})
    assert response.status == 413 and (await response.json())["error"]
    stopped = await call(client, "POST", f"/learners/{lid}/stop")
    assert "Stopped after zero of three questions" in stopped["summary"]
    nothing = await call(client, "POST", f"/learners/{lid}/stop")
    assert nothing["summary"].startswith("Nothing is running")


async def test_huge_answers_are_stored_not_refused(client: TestClient, service: StudyService) -> None:
    lid = await learner(client)
    await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
    turn = await call(client, "POST", f"/learners/{lid}/next-question")
    text = "eigenvector scaled along the same line. " * 250  # 10,000 characters
    assert len(text) == 10_000
    graded = await call(client, "POST", f"/attempts/{turn['attempt_id']}/transcript", {"text": text})
    assert 0 < graded["grading"]["score"] < 1
    result = await call(client, "POST", f"/attempts/{turn['attempt_id']}/answer", {"candidate": graded["candidate"]})
    assert result["score"] == graded["grading"]["score"]
    assert service.current(lid).attempt_id is None  # confirmed: the attempt is answered
    assert service.options.max_text_chars >= 10_000


class GatedGrader:
    """A grader that holds its grading until the test lets it go, like a slow embedding model."""

    def __init__(self) -> None:
        self.grading = threading.Event()
        self.release = threading.Event()
        self.released = False

    def grade(self, question: Gradable, text: str) -> GradeResult:
        self.grading.set()
        # Not released in time means the test could not get a reply while it graded: a blocked loop.
        self.released = self.release.wait(timeout=30)
        return KeyPointGrader().grade(question, text)


async def test_the_loop_never_blocks(service: StudyService) -> None:
    grader = GatedGrader()
    service.grader = grader
    async with api_client(service) as client:
        lid = await learner(client)
        await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
        turn = await call(client, "POST", f"/learners/{lid}/next-question")
        grading = asyncio.create_task(
            call(client, "POST", f"/attempts/{turn['attempt_id']}/transcript", {"text": "an answer"})
        )
        assert await asyncio.to_thread(grader.grading.wait, 30)
        await call(client, "GET", f"/learners/{lid}/plan")  # served while the grader works
        assert not grading.done()
        grader.release.set()
        await grading
    assert grader.released


async def test_double_up_route(client: TestClient) -> None:
    lid = await learner(client)
    plan = await call(client, "POST", f"/learners/{lid}/double-up", {"enabled": True})
    assert plan["double_up"] is True and plan["days"] == [1, 2]
    assert "covers days 1 and 2" in plan["summary"]
    started = await call(client, "POST", f"/learners/{lid}/sessions", {"mode": "drill"})
    assert started["total"] == 6 and started["intro"].startswith("Days 1 and 2:")
    plan = await call(client, "POST", f"/learners/{lid}/double-up", {"enabled": False})
    assert plan["days"] == [1]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({KEY_HEADER: "k" * 63 + "x"}, 401),
        ({KEY_HEADER: KEY, "Host": "evil.example"}, 421),
        ({KEY_HEADER: KEY, "Host": "evil.example:5056"}, 421),
        ({KEY_HEADER: KEY, "Origin": "http://127.0.0.1:5056"}, 403),
    ],
)
async def test_only_viva_is_served(service: StudyService, headers: dict[str, str], status: int) -> None:
    app = create_api_app(service, ApiOptions(), KEY)
    async with TestClient(TestServer(app)) as bare:
        response = await bare.post(f"{V1}/learners", json={"name": "Mallory"}, headers=headers)
        assert response.status == status and (await response.json())["error"]
        assert service.list_learners() == []  # nothing was created


@pytest.mark.parametrize(
    "path",
    [
        "/learners/..%2F..%2Fetc/plan",
        "/learners/a%2Fb/current",
        "/learners/.hidden/progress",
        "/attempts/..%2F..%2Fx/hint",
        "/attempts/" + "0" * 31 + "g/skip",
    ],
)
async def test_ids_of_the_wrong_shape_are_refused(client: TestClient, path: str) -> None:
    method = "GET" if path.endswith(("plan", "current", "progress")) else "POST"
    reply = await call(client, method, path, status=400)
    assert "not a valid" in reply["error"]
