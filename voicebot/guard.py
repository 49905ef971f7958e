"""The page server's doors, in one middleware: Host, then Origin and body type, then who is asking.

1. `Host` must be a name Viva serves (voicebot/hosts.py): DNS rebinding gets 421.
2. A state-changing request (POST, PUT, PATCH, DELETE) must come from Viva's own origin and
   carry JSON. A cross-site `Origin` (or `Origin: null`, or `Sec-Fetch-Site: cross-site`) gets
   403; a body that is not `application/json` gets 415, which rules out the "simple" bodies a
   foreign page can send without a CORS preflight (text/plain, forms). A request with no
   `Origin` at all is let through to the next check: every current browser sends `Origin` on
   POST, so its absence means a non-browser client (curl, a script), which is no CSRF risk
   and, in phone mode, still needs a paired device's cookie.
3. The principal (voicebot/principal.py), in this order: on the metrics paths only, a scraper
   with the metrics token; a mentor when the request carries a share link's cookie (before
   the rest, so a mentor is never more than a mentor, whatever else is true); LOCAL when
   served on loopback only; else the paired device its cookie names. Without one, API calls
   get 401 with a `reason` the page shows (`unpaired` or `revoked`) and pages redirect to the
   pairing screen; a share cookie that opens nothing any more (tampered with, expired,
   revoked) gets 403 everywhere but the share page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from yarl import URL

from drills.devices import DeviceRegistry
from drills.keys import key_matches
from drills.review.shares import ShareGrant, ShareLinks
from voicebot.hosts import HostPolicy
from voicebot.principal import LOCAL, SCRAPER, Principal, Refusal, device, mentor

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

COOKIE = "__Host-viva-device"
"""`__Host-`: the browser only accepts it Secure, for this host only, on path /."""
MENTOR_COOKIE = "__Host-viva-mentor"
"""A mentor's share token over HTTPS (phone mode, or a certificate on loopback)."""
MENTOR_COOKIE_PLAIN = "viva-mentor"
"""The same over plain HTTP, which Viva serves on loopback only (a `__Host-` cookie must be Secure)."""
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/pair", "/api/pair", "/share", "/api/share/redeem", "/api/share/leave"})
PUBLIC_PREFIXES = ("/static/",)
METRICS_PATHS = frozenset({"/metrics", "/api/metrics"})
"""The only paths where a scraper's bearer token (`server.metrics_token`) is looked at."""
PRINCIPAL = web.RequestKey("principal", Principal)
STATIC = Path(__file__).resolve().parent / "static"

UNPAIRED = Refusal(
    "unpaired",
    "This device is not paired with Viva. Enter the pairing code shown where Viva runs (or run `viva pair` there).",
)
REVOKED = Refusal(
    "revoked",
    "This device's access was revoked on the computer running Viva. Pair it again with a new code (`viva pair`).",
)
SHARE_ENDED = Refusal(
    "share-ended",
    "This share link has expired or was revoked (or was changed on the way). Ask the learner for a new one.",
    status=403,
)


def mentor_cookie(request: web.BaseRequest) -> str:
    """The share cookie's name for this request's scheme."""
    return MENTOR_COOKIE if request.secure else MENTOR_COOKIE_PLAIN


@dataclass(frozen=True)
class Doors:
    hosts: HostPolicy
    pairing: bool
    """Phone mode: only paired devices get in, even from loopback."""
    devices: DeviceRegistry | None = None
    metrics_token: str = field(default="", repr=False)
    """A scraper's bearer token for the metrics paths; empty = no scraper."""
    shares: ShareLinks | None = None
    """Mentor share links (None: the review page is not served)."""

    def __post_init__(self) -> None:
        if self.pairing and self.devices is None:
            raise ValueError("pairing needs the device registry")

    async def identify(self, request: web.Request) -> Principal | Refusal:
        if self.metrics_token and request.path in METRICS_PATHS:
            scheme, _, token = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() == "bearer" and key_matches(token.strip(), self.metrics_token):
                return SCRAPER
        shared = request.cookies.get(mentor_cookie(request))
        if shared and self.shares is not None:
            grant = await asyncio.to_thread(self.shares.check, shared)
            return mentor(grant.link_id, grant.learner_id) if isinstance(grant, ShareGrant) else SHARE_ENDED
        if not self.pairing:
            return LOCAL
        token = request.cookies.get(COOKIE, "")
        if not token or len(token) > 200 or self.devices is None:
            return UNPAIRED
        found = await asyncio.to_thread(self.devices.authenticate, token)
        if found is None:
            return UNPAIRED
        if found.revoked:
            return REVOKED
        return device(found.device_id, found.learner_id)


DOORS = web.AppKey("doors", Doors)


def _error(status: int, message: str, **extra: str) -> web.Response:
    return web.json_response({"error": message, **extra}, status=status)


def _same_origin(request: web.Request, origin: str) -> bool:
    try:
        claimed = URL(origin)
        own = URL(f"{request.scheme}://{request.host}")
    except ValueError:
        return False
    if not claimed.is_absolute() or claimed.path not in ("", "/"):
        return False
    return (claimed.scheme, (claimed.host or "").lower(), claimed.port) == (
        own.scheme,
        (own.host or "").lower(),
        own.port,
    )


def cross_site(request: web.Request) -> str | None:
    """Why a state-changing request is refused as cross-site, or None."""
    origin = request.headers.get("Origin")
    if origin is not None:
        if origin == "null" or not _same_origin(request, origin):
            return "cross-site requests are refused: use Viva's own page"
        return None
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return "cross-site requests are refused: use Viva's own page"
    return None


def is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


@web.middleware
async def closed_doors(request: web.Request, handler: Handler) -> web.StreamResponse:
    doors = request.app[DOORS]
    if not doors.hosts.allows(request.host):
        return _error(421, "Viva does not answer to that host name (add it to server.allowed_hosts if it is yours)")
    if request.method not in SAFE_METHODS:
        reason = cross_site(request)
        if reason is not None:
            return _error(403, reason)
        if request.content_type != "application/json":
            return _error(415, "send JSON (Content-Type: application/json)")
    if request.path.startswith(PUBLIC_PREFIXES):
        return await handler(request)  # the page's code: nothing private, no store lookup
    who = await doors.identify(request)
    if isinstance(who, Principal):
        request[PRINCIPAL] = who
    elif not is_public(request.path):
        if request.path.startswith("/api/") or request.path in METRICS_PATHS:  # machines: no redirect
            return _error(who.status, who.message, reason=who.reason)
        if who.status == 403:  # a share link that ended: the share page says so
            return web.FileResponse(STATIC / "share.html", status=403, headers={"Cache-Control": "no-cache"})
        return web.Response(status=303, headers={"Location": "/pair" + ("?revoked" if who is REVOKED else "")})
    return await handler(request)


def principal_of(request: web.Request) -> Principal:
    """The request's principal; only public routes run without one."""
    who = request.get(PRINCIPAL)  # type: ignore[call-overload]
    if who is None:
        raise web.HTTPUnauthorized(reason=UNPAIRED.message)
    return who
