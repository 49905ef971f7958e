"""The card review's internal API routes over HTTP (aiohttp test client, real SQLite store)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from tests.drills.cards.fixtures import ada, anki_dir, card_options, now, study  # noqa: F401 - fixtures
from tests.drills.test_api import api_client

V1 = "/api/v1"


@pytest.fixture
async def client(study) -> AsyncIterator[TestClient]:
    async with api_client(study) as test_client:
        yield test_client


async def call(client: TestClient, method: str, path: str, body: Any = None, status: int = 200) -> Any:
    response = await client.request(method, V1 + path, json=body)
    data = await response.json()
    assert response.status == status, data
    return data


async def test_a_review_over_http(client: TestClient, ada: str, pack) -> None:
    decks = await call(client, "GET", f"/learners/{ada}/decks")
    unit = pack.units[0]
    assert decks["due"] == len(unit.flashcards) and decks["decks"][0]["new"] == len(unit.flashcards)
    started = await call(client, "POST", f"/learners/{ada}/sessions", {"mode": "flashcards"})
    assert started["mode"] == "flashcards" and started["total"] == len(unit.flashcards)
    turn = await call(client, "POST", f"/learners/{ada}/next-card")
    card = turn["card"]
    assert (turn["done"], turn["position"], turn["remaining"]) == (False, 1, len(unit.flashcards) - 1)
    assert card["spoken_front"] and card["state"] == "new" and card["deck"].startswith("Viva::01")
    current = await call(client, "GET", f"/learners/{ada}/current-card")
    assert current["card"]["id"] == card["id"]
    back = await call(client, "POST", f"/cards/{card['id']}/answer", {"text": "the normal equation"})
    assert back["text"].startswith("The answer:") and back["score"] is None  # grading not switched on yet
    rated = await call(client, "POST", f"/cards/{card['id']}/rate", {"rating": "good"})
    assert rated["rating"] == "good" and rated["due"] and rated["text"].startswith("Good, next in")
    status = await call(client, "GET", f"/learners/{ada}/review-status")
    assert status["reviewed"] == 1 and "left after this one" in status["text"]
    nxt = await call(client, "POST", f"/learners/{ada}/next-card")
    await call(client, "POST", f"/cards/{nxt['card']['id']}/skip")
    await call(client, "POST", f"/cards/{nxt['card']['id']}/rate", {"rating": "good"}, 409)
    stopped = await call(client, "POST", f"/learners/{ada}/stop")
    assert stopped["summary"].startswith("Stopped: one card reviewed")


async def test_card_errors(client: TestClient, ada: str) -> None:
    await call(client, "POST", f"/learners/{ada}/next-card", None, 409)
    await call(client, "GET", f"/learners/{ada}/review-status", None, 409)
    await call(client, "POST", "/cards/999/answer", {"text": "x"}, 404)
    await call(client, "POST", "/cards/abc/rate", {"rating": "good"}, 404)
    await call(client, "POST", "/learners/nobody/next-card", None, 404)
    await call(client, "POST", f"/learners/{ada}/sessions", {"mode": "flashcards"})
    turn = await call(client, "POST", f"/learners/{ada}/next-card")
    bad = await call(client, "POST", f"/cards/{turn['card']['id']}/rate", {"rating": "superb"}, 400)
    assert "again, hard, good or easy" in bad["error"]
    await call(client, "POST", f"/cards/{turn['card']['id']}/answer", {"text": ""}, 400)
    await call(client, "POST", f"/learners/{ada}/next-question", None, 409)  # a card review is running
