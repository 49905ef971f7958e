"""Pairing a phone (phone mode): the pairing page, `POST /api/pair`, and `GET /api/me`.

The terminal shows an eight-digit one-time code and a QR code of `https://<host>/pair#<code>`
(the fragment never reaches the server or a log). The phone sends the code; a code made with
`viva pair --learner NAME` pairs with that profile, any other lets the phone choose a profile
or create one. The reply sets the device's cookie: long-lived, HttpOnly, Secure,
SameSite=Strict, `__Host-` scoped, holding a token the store keeps only hashed.

Guessing is bounded twice: per client (a rate limit) and overall (after `MAX_FAILURES` wrong
codes every pending code is cancelled and the terminal says to run `viva pair` again).
"""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiohttp import web

from drills import ids
from drills.devices import CODE_DIGITS, DeviceRegistry, normalise_code
from drills.exceptions import StudyError
from voicebot.guard import COOKIE, DOORS, principal_of
from voicebot.limits import RateLimiter, client_key, retry_after

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
COOKIE_AGE = timedelta(days=400)
"""The longest lifetime browsers keep a cookie."""
MAX_FAILURES = 20


class FailureBudget:
    """Wrong codes from every client together; spent, it cancels the pending codes."""

    def __init__(self, limit: int = MAX_FAILURES) -> None:
        self.limit = limit
        self.count = 0

    def spend(self) -> bool:
        """Count one wrong code; True when the budget is spent (and starts again)."""
        self.count += 1
        if self.count < self.limit:
            return False
        self.count = 0
        return True


PAIR_LIMITER = web.AppKey("pair_limiter", RateLimiter)
FAILURES = web.AppKey("pair_failures", FailureBudget)
BAD_CODE = "That code is not valid (wrong, already used, or expired). Run `viva pair` where Viva runs for a new one."


def add_routes(app: web.Application, limiter: RateLimiter) -> None:
    app[PAIR_LIMITER] = limiter
    app[FAILURES] = FailureBudget()
    app.router.add_get("/pair", _page)
    app.router.add_post("/api/pair", _pair)
    app.router.add_get("/api/me", _me)


async def _page(request: web.Request) -> web.StreamResponse:
    if not request.app[DOORS].pairing:
        raise web.HTTPSeeOther("/")
    return web.FileResponse(STATIC / "pair.html", headers={"Cache-Control": "no-cache"})


async def _me(request: web.Request) -> web.Response:
    who = principal_of(request)
    return web.json_response({**who.as_json(), "pairing": request.app[DOORS].pairing})


def device_label(user_agent: str) -> str:
    """A short, human name for the device from its User-Agent ("Chrome on Android")."""
    browsers = (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
    systems = (
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    )
    browser = next((name for token, name in browsers if token in user_agent), "a browser")
    system = next((name for token, name in systems if token in user_agent), "")
    return f"{browser} on {system}" if system else browser


@dataclass(frozen=True)
class _PairRequest:
    code: str
    learner_id: str | None
    name: str | None


def _parse(body: dict[str, Any]) -> _PairRequest:
    code = body.get("code")
    if not isinstance(code, str) or len(normalise_code(code)) != CODE_DIGITS or re.search(r"[^\d\s-]", code):
        raise web.HTTPBadRequest(reason=f"the pairing code is {CODE_DIGITS} digits")
    learner_id, name = body.get("learner_id"), body.get("name")
    if learner_id is not None:
        learner_id = ids.learner_id(learner_id)
    if name is not None and (not isinstance(name, str) or not name.strip()):
        raise web.HTTPBadRequest(reason="a profile needs a name")
    return _PairRequest(normalise_code(code), learner_id, name.strip()[:80] if name else None)


async def _pair(request: web.Request) -> web.Response:
    wait = request.app[PAIR_LIMITER].take(client_key(request.remote))
    if wait:
        raise web.HTTPTooManyRequests(
            reason="too many pairing attempts; wait a moment and try again",
            headers={"Retry-After": retry_after(wait)},
        )
    doors = request.app[DOORS]
    if not doors.pairing or doors.devices is None:
        raise web.HTTPNotFound(reason="pairing is only needed when Viva serves other devices")
    registry: DeviceRegistry = doors.devices
    try:
        body = await request.json()
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested too deep
        raise web.HTTPBadRequest(reason="the body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="the body must be a JSON object")
    try:
        asked = _parse(body)
    except ids.BadId as exc:
        raise web.HTTPBadRequest(reason=str(exc)) from exc
    grant = await asyncio.to_thread(registry.check_code, asked.code)
    if grant is None:
        await _failed(request, registry)
        raise web.HTTPForbidden(reason=BAD_CODE)
    service = request.app["service"]
    try:
        learner_id = await asyncio.to_thread(_learner_for, service, grant.learner_name, asked)
    except StudyError as exc:
        raise web.HTTPBadRequest(reason=str(exc)) from exc
    if learner_id is None:
        learners = await asyncio.to_thread(service.list_learners)
        return web.json_response(
            {"status": "choose", "learners": [{"id": view.learner_id, "name": view.name} for view in learners]}
        )
    label = device_label(request.headers.get("User-Agent", ""))
    try:
        paired = await asyncio.to_thread(registry.pair, asked.code, learner_id, label)
    except LookupError as exc:
        raise web.HTTPBadRequest(reason="that profile does not exist any more") from exc
    if paired is None:
        raise web.HTTPForbidden(reason=BAD_CODE)  # used by someone else a moment ago
    request.app[FAILURES].count = 0
    log.info("paired device %s (%s) with a learner", paired.device.id, label)
    print(f"Paired {label} with {paired.device.learner_name} (device {paired.device.id}).", flush=True)
    response = web.json_response(
        {"status": "paired", "learner": {"id": learner_id, "name": paired.device.learner_name}}, status=201
    )
    response.set_cookie(
        COOKIE,
        paired.token,
        max_age=int(COOKIE_AGE.total_seconds()),
        path="/",
        secure=True,
        httponly=True,
        samesite="Strict",
    )
    return response


def _learner_for(service: Any, fixed_name: str | None, asked: _PairRequest) -> str | None:
    """The learner the device pairs with: the code's, the one chosen, a new one, or None (ask)."""
    if fixed_name:
        return service.create_learner(fixed_name)[0].learner_id
    if asked.learner_id is not None:
        service.plan_status(asked.learner_id)  # NotFound for an unknown learner
        return asked.learner_id
    if asked.name:
        return service.create_learner(asked.name)[0].learner_id
    return None


async def _failed(request: web.Request, registry: DeviceRegistry) -> None:
    if request.app[FAILURES].spend():
        cancelled = await asyncio.to_thread(registry.cancel_codes)
        log.warning("too many wrong pairing codes: cancelled %d pending code(s)", cancelled)
        print(
            f"Too many wrong pairing codes: {cancelled} pending code(s) cancelled. Run `viva pair` for a new one.",
            flush=True,
        )
