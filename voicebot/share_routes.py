"""Share links on the page server: the mentor's landing page, exchanging a link's token for a
cookie, and the learner's list / make / revoke (drills/review/shares.py has the tokens).

The link is `<Viva's address>/share#<token>`. The fragment never leaves the browser: the share
page takes it out of the address bar at once, sends it in a JSON body to `POST
/api/share/redeem`, and goes on to `/review` with the cookie that reply sets. So the token is
never in a request line (no access log, proxy log or Referer can hold it) and Viva logs only
the link's id.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from aiohttp import web

from drills import ids
from drills.review import ShareGrant
from voicebot.guard import MENTOR_COOKIE, MENTOR_COOKIE_PLAIN, mentor_cookie, principal_of
from voicebot.limits import RateLimiter, client_key, retry_after
from voicebot.principal import Scope
from voicebot.review_routes import REVIEW, call, json_body, learner_param
from voicebot.review_routes import STATIC as STATIC_DIR

log = logging.getLogger(__name__)
SHARE_LIMITER = web.AppKey("share_limiter", RateLimiter)


def add_routes(app: web.Application, limiter: RateLimiter) -> None:
    app[SHARE_LIMITER] = limiter
    app.router.add_get("/share", _page)
    app.router.add_post("/api/share/redeem", _redeem)
    app.router.add_post("/api/share/leave", _leave)
    app.router.add_get("/api/review/shares", _list)
    app.router.add_post("/api/review/shares", _create)
    app.router.add_delete("/api/review/shares/{id}", _revoke)


async def _page(request: web.Request) -> web.StreamResponse:
    return web.FileResponse(STATIC_DIR / "share.html", headers={"Cache-Control": "no-cache"})


async def _redeem(request: web.Request) -> web.Response:
    wait = request.app[SHARE_LIMITER].take(client_key(request.remote))
    if wait:
        raise web.HTTPTooManyRequests(
            reason="too many share links tried from this device; wait a moment",
            headers={"Retry-After": retry_after(wait)},
        )
    body = await json_body(request)
    token = body.get("token")
    review = request.app[REVIEW]
    grant = await call(review.shares.check, token if isinstance(token, str) else "")
    if not isinstance(grant, ShareGrant):
        log.info("a share link was refused (%s)", grant.reason)
        raise web.HTTPForbidden(
            reason="This share link has expired or was revoked (or was changed on the way). Ask for a new one."
        )
    learners = {v.learner_id: v.name for v in await call(request.app["service"].list_learners)}
    log.info("share link %s opened", grant.link_id)
    response = web.json_response(
        {
            "learner": {"id": grant.learner_id, "name": learners.get(grant.learner_id, grant.learner_id)},
            "expires_at": grant.expires_at.isoformat(),
        }
    )
    seconds = max(1, int((grant.expires_at - datetime.now(UTC)).total_seconds()))
    response.set_cookie(
        mentor_cookie(request),
        str(token),
        max_age=seconds,
        path="/",
        secure=request.secure,
        httponly=True,
        samesite="Strict",
    )
    return response


async def _leave(request: web.Request) -> web.Response:
    """Forget the share link on this browser (the learner's own browser goes back to being theirs)."""
    response = web.json_response({"left": True})
    for name in (MENTOR_COOKIE, MENTOR_COOKIE_PLAIN):
        if name in request.cookies:
            response.del_cookie(name, path="/", secure=name == MENTOR_COOKIE)
    return response


async def _list(request: web.Request) -> web.Response:
    learner = learner_param(request, Scope.MANAGE)
    links = await call(request.app[REVIEW].shares.list, learner)
    return web.json_response({"links": [link.to_json() for link in links]})


async def _create(request: web.Request) -> web.Response:
    who = principal_of(request)
    body = await json_body(request)
    learner = body.get("learner_id") or who.learner_id
    if not ids.is_learner_id(learner):
        raise web.HTTPBadRequest(reason="name the learner (learner_id)")
    if not who.sees(learner):
        raise web.HTTPNotFound(reason="There is no such learner.")
    if not who.allows(Scope.MANAGE, learner):
        raise web.HTTPForbidden(reason="A share link lets a mentor read, score and comment, nothing else.")
    days = body.get("days")
    note = body.get("note") if isinstance(body.get("note"), str) else ""
    made = await call(request.app[REVIEW].shares.create, learner, days, note)
    log.info("share link %s made for %s day(s)", made.link.id, days or "the default")
    reply = {"token": made.token, "path": f"/share#{made.token}", "link": made.link.to_json()}
    return web.json_response(reply, status=201)


async def _revoke(request: web.Request) -> web.Response:
    who = principal_of(request)
    if not who.allows(Scope.MANAGE):
        raise web.HTTPForbidden(reason="A share link lets a mentor read, score and comment, nothing else.")
    # A device names its learner: another learner's link is "no such link"; local sees every one.
    link = await call(request.app[REVIEW].shares.revoke, request.match_info["id"], who.learner_id)
    return web.json_response(link.to_json())
