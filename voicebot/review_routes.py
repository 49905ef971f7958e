"""The review page (`/review`) and its API (`/api/review/…`): logged answers by session, one
answer with its audio, a person's rubric, exports, deletion, storage and progress.

Every route asks the request's principal (voicebot/principal.py) before it reads: an answer
is looked up by id, its learner checked against the principal, and only then read. An answer
of a learner the principal does not see is 404, as if it did not exist; one it sees but may
not change (a mentor deleting) is 403. Audio is served by answer id through the store (the
path the store holds, checked to stay in the recordings folder), never by a path from the
request, with HTTP range requests so the player can seek (voicebot/replay.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aiohttp import web

from drills import ids
from drills.exceptions import StudyError
from drills.keys import signing_key
from drills.review import Filters, Progress, Removal, ReviewDesk, ShareLinks, scoring
from drills.review import export as exports
from drills.review.views import COMPETENCIES, REVIEW_LABELS
from voicebot.guard import principal_of
from voicebot.paths import recording_path
from voicebot.principal import Kind, Principal, Scope
from voicebot.recorder import Recorders
from voicebot.replay import send_recording

if TYPE_CHECKING:
    from voicebot.settings import Settings

STATIC = Path(__file__).resolve().parent / "static"
T = TypeVar("T")


@dataclass(frozen=True)
class Review:
    """What the review routes use: built once by `viva serve` over the study store."""

    desk: ReviewDesk
    removal: Removal
    shares: ShareLinks
    progress: Progress


REVIEW = web.AppKey("review", Review)


def build_review(settings: Settings, service: Any, recorders: Recorders | None = None) -> Review:
    """The review services over `service`'s store (a StudyService); `recorders` are the voice
    sessions' answer writers, asked whether an answer's recording is still being written."""
    writers = recorders or Recorders()
    root = settings.recordings_dir

    def writing(learner_id: str, attempt_id: str) -> bool:
        return writers.is_writing(recording_path(root, learner_id, attempt_id))

    desk = ReviewDesk(service.pack, service.sessions, root, settings.review, writing=writing)
    key = signing_key(settings.data_dir, "share", settings.review.share_key)
    shares = ShareLinks(service.sessions, key, settings.review)
    return Review(desk, Removal(desk), shares, Progress(desk, service.cards.due_count))


def add_routes(app: web.Application, review: Review) -> None:
    app[REVIEW] = review
    app.router.add_get("/review", _page)
    app.router.add_get("/api/review/context", _context)
    app.router.add_get("/api/review/sessions", _sessions)
    app.router.add_get("/api/review/sessions/{id}", _session)
    app.router.add_get("/api/review/sessions/{id}/export.md", _export_markdown)
    app.router.add_get("/api/review/sessions/{id}/export.csv", _export_csv)
    app.router.add_delete("/api/review/sessions/{id}", _delete_session)
    app.router.add_get("/api/review/answers/{id}", _answer)
    app.router.add_get("/api/review/answers/{id}/audio", _audio)
    app.router.add_delete("/api/review/answers/{id}", _delete_answer)
    app.router.add_put("/api/review/answers/{id}/points", _points)
    app.router.add_put("/api/review/answers/{id}/competencies", _competencies)
    app.router.add_post("/api/review/answers/{id}/comments", _comment)
    app.router.add_delete("/api/review/answers/{id}/comments/{comment}", _delete_comment)
    app.router.add_get("/api/review/disagreements.tsv", _disagreements)
    app.router.add_get("/api/review/storage", _storage)
    app.router.add_get("/api/review/progress", _progress)


# -- plumbing ------------------------------------------------------------------------------------


async def call(function: Callable[..., T], *args: Any) -> T:
    """A blocking store call in a worker thread; the study layer's refusals become HTTP errors."""
    try:
        return await asyncio.to_thread(function, *args)
    except StudyError as exc:
        raise _http(exc.status, str(exc)) from exc


def _http(status: int, message: str) -> web.HTTPException:
    kinds: dict[int, type[web.HTTPException]] = {
        400: web.HTTPBadRequest,
        403: web.HTTPForbidden,
        404: web.HTTPNotFound,
        409: web.HTTPConflict,
    }
    return kinds.get(status, web.HTTPBadRequest)(reason=message)


def reviewer(who: Principal) -> str:
    """Who is judging, as the store records it."""
    return scoring.mentor(who.link_id or "") if who.kind is Kind.MENTOR else scoring.LEARNER


def learner_param(request: web.Request, scope: Scope) -> str:
    """The learner a listing is about: `?learner=`, or the principal's own one."""
    who = principal_of(request)
    asked = request.query.get("learner") or who.learner_id
    if not asked:
        raise web.HTTPBadRequest(reason="name the learner (?learner=ID)")
    if not ids.is_learner_id(asked):
        raise web.HTTPBadRequest(reason="That is not a valid learner id.")
    if not who.sees(asked):
        raise web.HTTPNotFound(reason="There is no such learner.")
    if not who.allows(scope, asked):
        raise web.HTTPForbidden(reason="A share link lets a mentor read, score and comment, nothing else.")
    return asked


async def answer_of(request: web.Request, scope: Scope) -> str:
    """The answer id of the route, once the principal may `scope` it (404 if it may not see it)."""
    answer_id = request.match_info["id"]
    if not ids.is_attempt_id(answer_id):
        raise web.HTTPNotFound(reason="There is no such answer.")
    await _owned(request, scope, request.app[REVIEW].desk.learner_of_answer, answer_id)
    return answer_id


async def session_of(request: web.Request, scope: Scope) -> str:
    session_id = request.match_info["id"]
    if not ids.is_attempt_id(session_id):
        raise web.HTTPNotFound(reason="There is no such session.")
    await _owned(request, scope, request.app[REVIEW].desk.learner_of_session, session_id)
    return session_id


async def _owned(request: web.Request, scope: Scope, owner: Callable[[str], str], item: str) -> None:
    who = principal_of(request)
    learner = await call(owner, item)
    if not who.sees(learner):
        raise web.HTTPNotFound(reason="There is no such answer or session.")
    if not who.allows(scope, learner):
        raise web.HTTPForbidden(reason="A share link lets a mentor read, score and comment, nothing else.")


async def json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError as exc:
        raise web.HTTPBadRequest(reason="the body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="the body must be a JSON object")
    return body


def _download(text: str, content_type: str, name: str) -> web.Response:
    return web.Response(
        text=text,
        content_type=content_type,
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# -- pages and reading ---------------------------------------------------------------------------


async def _page(request: web.Request) -> web.StreamResponse:
    who = principal_of(request)
    if not who.allows(Scope.REVIEW):
        raise web.HTTPForbidden(reason="this principal may not review answers")
    return web.FileResponse(STATIC / "review.html", headers={"Cache-Control": "no-cache"})


async def _context(request: web.Request) -> web.Response:
    """Who is looking and what the page may offer them."""
    who = principal_of(request)
    if not who.allows(Scope.REVIEW):
        raise web.HTTPForbidden(reason="this principal may not review answers")
    service = request.app["service"]
    learners = await call(service.list_learners)
    visible = [{"id": v.learner_id, "name": v.name} for v in learners if who.sees(v.learner_id)]
    return web.json_response(
        {
            "principal": who.as_json(),
            "learners": visible,
            "competencies": list(COMPETENCIES),
            "labels": list(REVIEW_LABELS),
            "units": [{"number": u.number, "title": u.title} for u in request.app[REVIEW].desk.pack.units],
        }
    )


def _filters(request: web.Request) -> Filters:
    query = request.query

    def number(name: str, low: int, high: int) -> int | None:
        value = query.get(name, "")
        if not value:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            raise web.HTTPBadRequest(reason=f"{name} must be a whole number from {low} to {high}")
        return int(value)

    kind = query.get("kind") or None
    if kind is not None and kind not in ("theory", "design", "eli5", "behavioural"):
        raise web.HTTPBadRequest(reason="kind is one of theory, design, eli5, behavioural")
    return Filters(number("unit", 1, 99), kind, number("min_score", 0, 5), number("max_score", 0, 5))


async def _sessions(request: web.Request) -> web.Response:
    learner = learner_param(request, Scope.REVIEW)
    sessions = await call(request.app[REVIEW].desk.sessions, learner, _filters(request))
    return web.json_response({"learner_id": learner, "sessions": [s.to_json() for s in sessions]})


async def _session(request: web.Request) -> web.Response:
    session_id = await session_of(request, Scope.REVIEW)
    summary = await call(request.app[REVIEW].desk.session, session_id)
    return web.json_response(summary.to_json())


async def _answer(request: web.Request) -> web.Response:
    answer_id = await answer_of(request, Scope.REVIEW)
    detail = await call(request.app[REVIEW].desk.answer, answer_id)
    return web.json_response(detail.to_json())


async def _audio(request: web.Request) -> web.StreamResponse:
    answer_id = await answer_of(request, Scope.REVIEW)
    review = request.app[REVIEW]
    path, writing = await call(review.desk.recording, answer_id)
    if path is None:
        raise web.HTTPNotFound(reason="This answer has no recording (typed, or its audio was deleted).")
    return await send_recording(request, path, writing)


async def _progress(request: web.Request) -> web.Response:
    learner = learner_param(request, Scope.REVIEW)
    view = await call(request.app[REVIEW].progress.view, learner)
    return web.json_response(view.to_json())


async def _storage(request: web.Request) -> web.Response:
    learner = learner_param(request, Scope.MANAGE)
    storage = await call(request.app[REVIEW].removal.storage, learner)
    return web.json_response(storage.to_json())


# -- exports ---------------------------------------------------------------------------------------


async def _export_markdown(request: web.Request) -> web.Response:
    session_id = await session_of(request, Scope.REVIEW)
    text = await call(exports.session_markdown, request.app[REVIEW].desk, session_id)
    return _download(text, "text/markdown", f"viva-session-{session_id[:8]}.md")


async def _export_csv(request: web.Request) -> web.Response:
    session_id = await session_of(request, Scope.REVIEW)
    text = await call(exports.session_csv, request.app[REVIEW].desk, session_id)
    return _download(text, "text/csv", f"viva-session-{session_id[:8]}.csv")


async def _disagreements(request: web.Request) -> web.Response:
    learner = learner_param(request, Scope.REVIEW)
    everything = request.query.get("all") == "1"
    text = await call(exports.disagreements_tsv, request.app[REVIEW].desk, learner, everything)
    return _download(text, "text/tab-separated-values", f"viva-disagreements-{learner}.tsv")


# -- a person's rubric -----------------------------------------------------------------------------


async def _points(request: web.Request) -> web.Response:
    answer_id = await answer_of(request, Scope.SCORE)
    body = await json_body(request)
    points = body.get("points")
    if not isinstance(points, list) or not all(isinstance(p, dict) for p in points):
        raise web.HTTPBadRequest(reason='send {"points": [{"index": 0, "label": "hit"}, …]} (label null withdraws)')
    labels = {p.get("index"): p.get("label") for p in points}
    view = await call(request.app[REVIEW].desk.judge_points, answer_id, labels, reviewer(principal_of(request)))
    return web.json_response(view.to_json())


async def _competencies(request: web.Request) -> web.Response:
    answer_id = await answer_of(request, Scope.SCORE)
    body = await json_body(request)
    scores = body.get("scores")
    if not isinstance(scores, dict):
        raise web.HTTPBadRequest(reason='send {"scores": {"clarity": 3, …}} (1-4; null withdraws)')
    view = await call(request.app[REVIEW].desk.score_competencies, answer_id, scores, reviewer(principal_of(request)))
    return web.json_response(view.to_json())


async def _comment(request: web.Request) -> web.Response:
    answer_id = await answer_of(request, Scope.SCORE)
    body = await json_body(request)
    desk = request.app[REVIEW].desk
    view = await call(desk.comment, answer_id, body.get("at"), body.get("text"), reviewer(principal_of(request)))
    return web.json_response(view.to_json(), status=201)


async def _delete_comment(request: web.Request) -> web.Response:
    answer_id = await answer_of(request, Scope.SCORE)
    who = principal_of(request)
    comment = request.match_info["comment"]
    if not comment.isdigit():
        raise web.HTTPNotFound(reason="There is no such comment.")
    author = reviewer(who) if who.kind is Kind.MENTOR else None  # a mentor removes only their own
    view = await call(request.app[REVIEW].desk.delete_comment, answer_id, int(comment), author)
    return web.json_response(view.to_json())


# -- deleting --------------------------------------------------------------------------------------


async def _delete_answer(request: web.Request) -> web.Response:
    answer_id = await answer_of(request, Scope.MANAGE)
    removed = await call(request.app[REVIEW].removal.delete_answer, answer_id)
    return web.json_response(removed.to_json())


async def _delete_session(request: web.Request) -> web.Response:
    session_id = await session_of(request, Scope.MANAGE)
    removed = await call(request.app[REVIEW].removal.delete_session, session_id)
    return web.json_response(removed.to_json())
