"""The internal HTTP API the Rasa actions call (docs/internal-api.md), over the study service.

Every service call runs in a worker thread (`asyncio.to_thread`), so the loop never blocks on
SQLite or grading. Errors are JSON `{"error": …}` with a sentence fit to speak.

Only Viva's action server may call it: every request must carry the API key (`X-Viva-Key`,
see drills/keys.py) and a loopback `Host`, and none may come from a browser (`Origin`).
Learner and attempt ids in paths are checked for shape before the service sees them.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from aiohttp import web

from drills import ids
from drills.cards import api as card_routes
from drills.exceptions import BadRequest, StudyError
from drills.keys import KEY_HEADER, key_matches
from drills.options import ApiOptions
from drills.results import TranscriptInput
from drills.service import StudyService

SERVICE = web.AppKey("service", StudyService)
KEY = web.AppKey("key", str)
HOSTS = web.AppKey("hosts", frozenset)
PREFIX = "/api/v1"
LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
_log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_api_app(service: StudyService, options: ApiOptions, key: str) -> web.Application:
    """`key` is the API's service key (`ServiceKeys.api`); requests without it get 401."""
    if not key:
        raise ValueError("the internal API needs a key")
    app = web.Application(client_max_size=options.max_body_bytes, middlewares=[_json_errors, _only_viva])
    app[SERVICE], app[KEY] = service, key
    app[HOSTS] = LOOPBACK_NAMES | {options.host.strip("[]").lower()}
    learner = PREFIX + "/learners/{learner_id}"
    attempt = PREFIX + "/attempts/{attempt_id}"
    app.router.add_post(PREFIX + "/learners", create_learner)
    app.router.add_get(learner + "/plan", plan)
    app.router.add_post(learner + "/double-up", double_up)
    app.router.add_post(learner + "/sessions", start_session)
    app.router.add_post(learner + "/next-question", next_question)
    app.router.add_get(learner + "/current", current)
    app.router.add_get(learner + "/progress", progress)
    app.router.add_post(learner + "/stop", stop)
    app.router.add_post(attempt + "/transcript", transcript)
    app.router.add_post(attempt + "/answer", answer)
    app.router.add_post(attempt + "/hint", hint)
    app.router.add_post(attempt + "/reveal", reveal)
    app.router.add_post(attempt + "/skip", skip)
    app.router.add_post(attempt + "/retry", retry)
    card_routes.add_routes(app, SERVICE)
    return app


async def start_api(service: StudyService, options: ApiOptions, key: str) -> web.AppRunner:
    """Serve the API on options.host:port; the caller owns the runner (`await runner.cleanup()`)."""
    runner = web.AppRunner(create_api_app(service, options, key), access_log=None)
    await runner.setup()
    await web.TCPSite(runner, options.host, options.port).start()
    return runner


# -- errors and inputs -----------------------------------------------------------------------


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


@web.middleware
async def _json_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except StudyError as exc:
        return _error(exc.status, str(exc))
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "That message was too long for me. Please keep it shorter.")
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        return _error(exc.status, exc.reason)
    except Exception:
        _log.exception("internal API error on %s %s", request.method, request.path)
        return _error(500, "Sorry, something went wrong on my side.")


def _host_name(host: str) -> str:
    """The name in a Host header, without the port ("[::1]:5056" → "::1")."""
    if host.startswith("["):
        return host[1 : host.find("]")].lower()
    return host.rsplit(":", 1)[0].lower() if host.count(":") == 1 else host.lower()


@web.middleware
async def _only_viva(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _host_name(request.host) not in request.app[HOSTS]:
        return _error(421, "This service answers on loopback only.")
    if not key_matches(request.headers.get(KEY_HEADER), request.app[KEY]):
        return _error(401, "This service only answers Viva.")
    if "Origin" in request.headers:
        return _error(403, "This service does not answer browsers.")
    return await handler(request)


def _learner(request: web.Request) -> str:
    return ids.learner_id(request.match_info["learner_id"])


def _attempt(request: web.Request) -> str:
    return ids.attempt_id(request.match_info["attempt_id"])


async def _body(request: web.Request) -> dict[str, Any]:
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8, or nested too deep
        raise BadRequest("The request body must be JSON.") from exc
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def _optional(body: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """`body[key]` when present and of `kind`; None when absent or null."""
    value = body.get(key)
    if value is None:
        return None
    # JSON has no int/float split, and bool is an int in Python: check both ways.
    if isinstance(value, bool) and kind is not bool:
        raise BadRequest(f"'{key}' has the wrong type.")
    if not isinstance(value, kind):
        raise BadRequest(f"'{key}' has the wrong type.")
    return value


def _date(body: dict[str, Any], key: str) -> date | None:
    value = _optional(body, key, str)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise BadRequest(f"'{key}' must be a date like 2026-11-26.") from exc


def _service(request: web.Request) -> StudyService:
    return request.app[SERVICE]


# -- learners and sessions -------------------------------------------------------------------


async def create_learner(request: web.Request) -> web.Response:
    body = await _body(request)
    name = _optional(body, "name", str) or ""
    start, interview = _date(body, "start_date"), _date(body, "interview_date")
    view, created = await asyncio.to_thread(_service(request).create_learner, name, start, interview)
    return web.json_response(view.to_json(), status=201 if created else 200)


async def plan(request: web.Request) -> web.Response:
    status = await asyncio.to_thread(_service(request).plan_status, _learner(request))
    return web.json_response(status.to_json())


async def double_up(request: web.Request) -> web.Response:
    body = await _body(request)
    enabled = _optional(body, "enabled", bool)
    if enabled is None:
        raise BadRequest("Say whether to double up: 'enabled' true or false.")
    service = _service(request)
    status = await asyncio.to_thread(service.set_double_up, _learner(request), enabled)
    return web.json_response(status.to_json())


async def start_session(request: web.Request) -> web.Response:
    body = await _body(request)
    mode = _optional(body, "mode", str) or "drill"
    service = _service(request)
    started = await asyncio.to_thread(service.start_session, _learner(request), mode)
    return web.json_response(started.to_json())


async def next_question(request: web.Request) -> web.Response:
    turn = await asyncio.to_thread(_service(request).next_question, _learner(request))
    return web.json_response(turn.to_json())


async def current(request: web.Request) -> web.Response:
    turn = await asyncio.to_thread(_service(request).current, _learner(request))
    return web.json_response(turn.to_json())


async def progress(request: web.Request) -> web.Response:
    summary = await asyncio.to_thread(_service(request).progress, _learner(request))
    return web.json_response({"summary": summary})


async def stop(request: web.Request) -> web.Response:
    summary = await asyncio.to_thread(_service(request).stop, _learner(request))
    return web.json_response({"summary": summary})


# -- attempts --------------------------------------------------------------------------------


async def transcript(request: web.Request) -> web.Response:
    body = await _body(request)
    final = _optional(body, "final", bool)
    data = TranscriptInput(
        text=_optional(body, "text", str) or "",
        final=True if final is None else final,
        audio_id=_optional(body, "audio_id", str),
        duration=_optional(body, "duration", (int, float)),
        confidence=_optional(body, "confidence", (int, float)),
        words=_optional(body, "words", list),
        typed=bool(_optional(body, "typed", bool)),
        carried=_optional(body, "carried", str),
    )
    service = _service(request)
    stored = await asyncio.to_thread(service.record_transcript, _attempt(request), data)
    return web.json_response(stored.to_json())


async def answer(request: web.Request) -> web.Response:
    """`{"candidate": key}` confirms the candidate the client stored; `{"text": …}` is an answer
    that reached the app only as text (stored, graded once, confirmed)."""
    body = await _body(request)
    service, attempt_id = _service(request), _attempt(request)
    candidate = _optional(body, "candidate", str)
    if candidate:
        result = await asyncio.to_thread(service.confirm_answer, attempt_id, candidate)
    else:
        text = _optional(body, "text", str) or ""
        result = await asyncio.to_thread(service.submit_answer, attempt_id, text)
    return web.json_response(result.to_json())


async def hint(request: web.Request) -> web.Response:
    text = await asyncio.to_thread(_service(request).hint, _attempt(request))
    return web.json_response({"hint": text})


async def reveal(request: web.Request) -> web.Response:
    text = await asyncio.to_thread(_service(request).reveal, _attempt(request))
    return web.json_response({"model_answer": text})


async def skip(request: web.Request) -> web.Response:
    await asyncio.to_thread(_service(request).skip, _attempt(request))
    return web.json_response({"ok": True})


async def retry(request: web.Request) -> web.Response:
    turn = await asyncio.to_thread(_service(request).retry, _attempt(request))
    return web.json_response(turn.to_json())
