"""The voice bot's web server: the page, learner profiles, and WebRTC offers.

aiohttp, because aiortc is asyncio-native and its own examples use it: one event loop serves
HTTP, signalling and media with no thread hand-offs.

Every request passes the doors first (voicebot/guard.py: Host, Origin, JSON bodies, who is
asking); routes then ask the request's principal what it may do.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from drills import ids
from drills.devices import DeviceRegistry
from drills.exceptions import StudyError
from voicebot import logs, pairing, review_routes, share_routes
from voicebot.deps import VoiceDeps
from voicebot.guard import DOORS, Doors, closed_doors, principal_of
from voicebot.hosts import host_policy, is_loopback
from voicebot.limits import RateLimiter, SessionSlots, client_key, retry_after
from voicebot.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from voicebot.metrics import ErrorKind
from voicebot.principal import Kind, Principal, Scope
from voicebot.retention import add_retention
from voicebot.review_routes import Review
from voicebot.session import VoiceSession
from voicebot.webrtc import OfferError, ice_configuration, new_peer_connection, parse_offer, release_audio_on_arrival

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_BODY = 64 * 1024

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class Sessions:
    """Live sessions by id, plus recently closed ids (a late offer for one gets 410).

    One live session per learner: an offer for a learner who has one takes it over (it is told,
    and closed with its recording, before the new one exists). `claim` serialises offers per
    learner, so two at once still leave exactly one session, and one writer per answer file.
    """

    def __init__(self, limit: int, all_closed: Callable[[], None] = lambda: None) -> None:
        self.limit = limit
        self._all_closed = all_closed
        self.live: dict[str, VoiceSession] = {}
        self.closed: set[str] = set()
        self._by_learner: dict[str, VoiceSession] = {}
        self._claims: dict[str, _Claim] = {}

    def add(self, session: VoiceSession) -> None:
        self.live[session.id] = session
        self._by_learner[session.learner_id] = session

    def has_learner(self, learner_id: object) -> bool:
        return isinstance(learner_id, str) and learner_id in self._by_learner

    def remove(self, session: VoiceSession) -> None:
        self.live.pop(session.id, None)
        if self._by_learner.get(session.learner_id) is session:
            del self._by_learner[session.learner_id]
        self.closed.add(session.id)
        if len(self.closed) > 10_000:
            self.closed.clear()
        if not self.live:
            self._all_closed()

    @contextlib.asynccontextmanager
    async def claim(self, learner_id: str) -> AsyncIterator[None]:
        """Hold the learner's offer lock; the learner's live session (if any) is taken over first."""
        claim = self._claims.setdefault(learner_id, _Claim())
        claim.users += 1
        try:
            async with claim.lock:
                previous = self._by_learner.get(learner_id)
                if previous is not None:
                    previous.log.info("taken over by a new session for the same learner")
                    await previous.take_over()
                yield
        finally:
            claim.users -= 1
            if not claim.users:
                del self._claims[learner_id]

    async def close_all(self) -> None:
        await asyncio.gather(*(s.close() for s in list(self.live.values())), return_exceptions=True)


@dataclass
class _Claim:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


SLOTS = web.AppKey("slots", SessionSlots)
OFFER_LIMITER = web.AppKey("offer_limiter", RateLimiter)
PROFILE_LIMITER = web.AppKey("profile_limiter", RateLimiter)


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _rate_limited(request: web.Request, limiter: RateLimiter, what: str) -> web.Response | None:
    """A 429 naming what was limited and when to retry, or None to go ahead."""
    wait = limiter.take(client_key(request.remote))
    if not wait:
        return None
    response = _error(429, f"too many {what} from this device; try again in {retry_after(wait)} s")
    response.headers["Retry-After"] = retry_after(wait)
    return response


@web.middleware
async def security_headers(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPRequestEntityTooLarge:
        response = _error(413, "request body too large")
    except web.HTTPException as exc:
        if exc.status >= 400:
            response = _error(exc.status, exc.reason)
            if "Retry-After" in exc.headers:
                response.headers["Retry-After"] = exc.headers["Retry-After"]
        else:  # a redirect: answered as a plain response (returning the exception is deprecated)
            response = web.Response(status=exc.status, headers=exc.headers)
    response.headers.update(SECURITY_HEADERS)
    return response


async def _json(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, RecursionError) as exc:  # not JSON, not UTF-8 (both ValueErrors), or nested too deep
        raise web.HTTPBadRequest(reason="the body is not valid JSON") from exc
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(reason="the body must be a JSON object")
    return body


def pairing_required(options: Any) -> bool:
    """Phone mode: bound beyond loopback, or `server.pairing = "always"`."""
    return options.pairing == "always" or not is_loopback(options.host)


def create_app(
    deps: VoiceDeps, service: Any, devices: DeviceRegistry | None = None, review: Review | None = None
) -> web.Application:
    """`service` is the StudyService (learner profiles); `deps` what sessions share;
    `devices` the paired devices (needed in phone mode, see `pairing_required`); `review` the
    review page's store services (the page and share links are served when given)."""
    options = deps.settings.server
    app = web.Application(middlewares=[security_headers, closed_doors], client_max_size=MAX_BODY)
    sessions = Sessions(options.max_sessions, deps.all_closed)
    app["deps"], app["service"], app["sessions"] = deps, service, sessions
    hosts = host_policy(options.host, options.allowed_hosts)
    shares = review.shares if review else None
    app[DOORS] = Doors(hosts, pairing_required(options), devices, options.metrics_token, shares)
    app[SLOTS] = SessionSlots(options.max_sessions, lambda: len(sessions.live))
    app[OFFER_LIMITER] = RateLimiter(options.offer_rate)
    app[PROFILE_LIMITER] = RateLimiter(options.profile_rate)
    pairing.add_routes(app, RateLimiter(options.pair_rate))
    app.router.add_get("/", _index)
    app.router.add_get("/api/health", _health)
    app.router.add_get("/api/learners", _learners)
    app.router.add_post("/api/learners", _create_learner)
    app.router.add_post("/api/offer", _offer)
    app.router.add_get("/api/metrics", _metrics)
    app.router.add_get("/metrics", _prometheus)
    app.router.add_static("/static/", STATIC, follow_symlinks=False)
    if review is not None:
        review_routes.add_routes(app, review)
        share_routes.add_routes(app, RateLimiter(options.pair_rate))
        add_retention(app, review.removal)
    app.on_shutdown.append(_shutdown)
    return app


async def _index(request: web.Request) -> web.StreamResponse:
    if not principal_of(request).allows(Scope.STUDY):  # a mentor's share link: the review page
        raise web.HTTPSeeOther("/review")
    return web.FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})


def _ice_servers(deps: VoiceDeps) -> list[dict[str, str]]:
    """The configured STUN/TURN servers as the browser's RTCIceServer objects."""
    servers = []
    for server in ice_configuration(deps.settings.server.ice_servers).iceServers:
        entry = {"urls": server.urls}
        if server.username:
            entry.update(username=server.username, credential=server.credential or "")
        servers.append(entry)
    return servers


async def _health(request: web.Request) -> web.Response:
    if not principal_of(request).allows(Scope.STUDY):  # the ICE servers may carry TURN credentials
        return _error(403, "health is for the devices that study here")
    deps = request.app["deps"]
    return web.json_response(
        {"ok": True, "sessions": len(request.app["sessions"].live), "ice_servers": _ice_servers(deps)}
    )


def _learner_json(service: Any, view: Any) -> dict[str, Any]:
    """A profile as the page shows it: id, name, and the plan day the learner is on."""
    return {"id": view.learner_id, "name": view.name, "day": service.plan_status(view.learner_id).day}


def _list_learners(service: Any, visible: Callable[[str], bool]) -> list[dict[str, Any]]:
    return [_learner_json(service, view) for view in service.list_learners() if visible(view.learner_id)]


async def _learners(request: web.Request) -> web.Response:
    who = principal_of(request)
    learners = await asyncio.to_thread(_list_learners, request.app["service"], who.sees)
    return web.json_response({"learners": learners})


async def _create_learner(request: web.Request) -> web.Response:
    from datetime import date

    if not principal_of(request).allows(Scope.PROFILES):
        return _error(403, "this device is paired with one profile and cannot create others")
    limited = _rate_limited(request, request.app[PROFILE_LIMITER], "new profiles")
    if limited is not None:
        return limited
    body = await _json(request)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        return _error(400, "a name is required")
    interview = body.get("interview_date")
    try:
        interview_date = date.fromisoformat(interview) if interview else None
    except (TypeError, ValueError):
        return _error(400, "interview_date must be YYYY-MM-DD")
    service = request.app["service"]
    try:
        view, created = await asyncio.to_thread(service.create_learner, name[:80], None, interview_date)
        body = await asyncio.to_thread(_learner_json, service, view)
    except StudyError as exc:
        return _error(400, str(exc))
    return web.json_response(body, status=201 if created else 200)


def _is_loopback(request: web.Request) -> bool:
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


def _metrics_refusal(request: web.Request) -> web.Response | None:
    """Metrics are for this computer (the local principal, from loopback) or a scraper with
    the metrics token; a paired device never reads them. The Host check (guard.py) has
    already kept a rebinding page out."""
    who = principal_of(request)
    if not who.allows(Scope.METRICS):
        return _error(403, "metrics are for the computer running Viva (or a scraper with server.metrics_token)")
    if who.kind is Kind.LOCAL and not _is_loopback(request):
        return _error(403, "metrics are only served to localhost")
    return None


async def _metrics(request: web.Request) -> web.Response:
    """Recent voice-to-voice percentiles as JSON (what the benchmarks read)."""
    refused = _metrics_refusal(request)
    if refused is not None:
        return refused
    sessions = request.app["sessions"]
    return web.json_response({"sessions": len(sessions.live), "metrics": request.app["deps"].metrics.summary()})


async def _prometheus(request: web.Request) -> web.Response:
    """Every figure in Prometheus' text exposition format."""
    refused = _metrics_refusal(request)
    if refused is not None:
        return refused
    metrics = request.app["deps"].metrics
    metrics.sessions(len(request.app["sessions"].live))
    metrics.tasks(len(asyncio.all_tasks()))
    headers = {"Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store"}
    return web.Response(body=metrics.exposition(), headers=headers)


async def _offer(request: web.Request) -> web.Response:
    who = principal_of(request)
    limited = _rate_limited(request, request.app[OFFER_LIMITER], "connection attempts")
    if limited is not None:
        return limited
    body = await _json(request)
    sessions: Sessions = request.app["sessions"]
    # No await between the check and the reservation: concurrent offers cannot overfill. A
    # learner reconnecting while Viva is full takes over their own session, so may use its place.
    slot = request.app[SLOTS].reserve(replacing=sessions.has_learner(body.get("learner_id")))
    if slot is None:
        return _error(503, "Viva is busy: too many sessions right now; try again in a minute")
    try:
        return await _start_session(request, who, body)
    finally:
        slot.release()  # the session, if one started, now counts among the live ones


async def _start_session(request: web.Request, who: Principal, body: dict[str, Any]) -> web.Response:
    deps: VoiceDeps = request.app["deps"]
    sessions: Sessions = request.app["sessions"]
    previous = body.get("session_id")
    if previous:
        if previous in sessions.closed:
            return _error(410, "that session is closed; start a new one (send no session_id)")
        return _error(409, "renegotiating a live session is not supported; start a new one")
    learner_id = body.get("learner_id")
    if not isinstance(learner_id, str) or not learner_id:
        return _error(400, "learner_id is required (choose or create a profile first)")
    if not ids.is_learner_id(learner_id):
        return _error(400, "learner_id is not a valid learner id")
    if not who.allows(Scope.STUDY, learner_id):
        return _error(403, "this device is paired with another profile")
    try:
        await asyncio.to_thread(request.app["service"].plan_status, learner_id)
    except StudyError:
        return _error(400, f"unknown learner {learner_id!r}")
    try:
        offer = parse_offer(body)
    except OfferError as exc:
        return _error(400, str(exc))
    async with sessions.claim(learner_id):  # the learner's live session is taken over first
        session_id = f"s-{uuid.uuid4().hex[:12]}"
        # Every task this request starts from here on (the session's, aiortc's for its connection)
        # copies this context, so their log lines carry the session id (voicebot/logs.py).
        logs.SESSION.set(session_id)
        pc = new_peer_connection(deps.settings.server.ice_servers)
        session = VoiceSession(session_id, learner_id, deps, pc, on_closed=sessions.remove)
        pc.on("track", session.attach_inbound)
        pc.on("datachannel", session.attach_channel)

        @pc.on("connectionstatechange")
        async def _state() -> None:
            session.log.info("connection %s", pc.connectionState)
            if pc.connectionState in ("failed", "closed"):
                await session.close()

        try:
            await pc.setRemoteDescription(offer)
            if not release_audio_on_arrival(pc):
                log.warning("aiortc's audio jitter buffer was not found: every turn waits 80 ms longer")
            pc.addTrack(session.track)
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as exc:  # aiortc raises many types for bad SDP; none may become a 500
            try:
                await pc.close()
            except Exception:  # aiortc's close trips over what the bad offer left half set up
                log.info("closing the rejected offer's connection failed", exc_info=True)
            deps.metrics.error(ErrorKind.OFFER_REJECTED)
            log.info("rejected offer: %s", exc)
            return _error(400, f"malformed session description: {exc}")
        sessions.add(session)
        session.start()
    session.log.info("session started for a learner")
    return web.json_response(
        {
            "sdp": pc.localDescription.sdp,
            "type": pc.localDescription.type,
            "session_id": session_id,
            "ice_servers": _ice_servers(deps),
        }
    )


async def _shutdown(app: web.Application) -> None:
    await app["sessions"].close_all()
