"""The card review's routes of the internal API (docs/internal-api.md, "Flashcards")."""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from typing import Any

from aiohttp import web

from drills.exceptions import NotFound
from drills.service import StudyService

PREFIX = "/api/v1"


def add_routes(app: web.Application, service_key: web.AppKey[StudyService]) -> None:
    learner = PREFIX + "/learners/{learner_id}"
    card = PREFIX + "/cards/{card_id}"

    def desk(request: web.Request):  # noqa: ANN202 - the service's CardDesk
        return request.app[service_key].cards

    async def run(function: Any, *args: Any) -> web.Response:
        result = await asyncio.to_thread(function, *args)
        return web.json_response(result.to_json() if hasattr(result, "to_json") else result)

    async def next_card(request: web.Request) -> web.Response:
        return await run(desk(request).next_card, request.match_info["learner_id"])

    async def current_card(request: web.Request) -> web.Response:
        return await run(desk(request).current, request.match_info["learner_id"])

    async def review_status(request: web.Request) -> web.Response:
        return await run(desk(request).status, request.match_info["learner_id"])

    async def decks(request: web.Request) -> web.Response:
        learner_id = request.match_info["learner_id"]
        rows = await asyncio.to_thread(desk(request).decks, learner_id)
        due = await asyncio.to_thread(desk(request).due_count, learner_id)
        return web.json_response({"due": due, "decks": [asdict(r) for r in rows]})

    async def answer(request: web.Request) -> web.Response:
        body = await _body(request)
        return await run(desk(request).answer, _card_id(request), body.get("text") or "")

    async def reveal(request: web.Request) -> web.Response:
        return await run(desk(request).reveal, _card_id(request))

    async def rate(request: web.Request) -> web.Response:
        body = await _body(request)
        return await run(desk(request).rate, _card_id(request), body.get("rating"))

    async def skip(request: web.Request) -> web.Response:
        await asyncio.to_thread(desk(request).skip, _card_id(request))
        return web.json_response({"ok": True})

    app.router.add_post(learner + "/next-card", next_card)
    app.router.add_get(learner + "/current-card", current_card)
    app.router.add_get(learner + "/review-status", review_status)
    app.router.add_get(learner + "/decks", decks)
    app.router.add_post(card + "/answer", answer)
    app.router.add_post(card + "/reveal", reveal)
    app.router.add_post(card + "/rate", rate)
    app.router.add_post(card + "/skip", skip)


def _card_id(request: web.Request) -> int:
    try:
        card_id = int(request.match_info["card_id"])
    except ValueError as exc:
        raise NotFound("I can't find that card.") from exc
    if not 0 < card_id < 2**63:  # SQLite's integers are 64-bit: a larger id cannot be one
        raise NotFound("I can't find that card.")
    return card_id


async def _body(request: web.Request) -> dict[str, Any]:
    from drills.api import _body as json_body

    return await json_body(request)
