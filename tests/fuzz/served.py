"""Targets run against a real `viva serve`: SDP offers, API bodies, data-channel messages.

A case passes when the answer is a 2xx, or a 4xx whose JSON body has an `error` message; for
data-channel messages, when the session answers a ping after them and says "unreadable
message" for each one that is not a JSON object. After each target the page server must still
answer `/api/health` and accept a valid offer.
"""

from __future__ import annotations

import asyncio
import json
import random
import urllib.parse
from typing import Any

import aiohttp
from aiortc import RTCPeerConnection

from benchmarks.rtc_learner import RtcLearner
from drills.keys import KEY_HEADER
from tests.fuzz.mutate import HOSTILE_STRINGS, hostile_value, mutate_bytes, mutate_json, mutate_text
from tests.fuzz.tally import Tally
from tests.support import VivaServer

REQUEST_TIMEOUT_S = 60
CHANNEL_BATCH = 20


async def offer_sdp() -> str:
    """A real browser-like offer: one audio transceiver and a data channel (aiortc's)."""
    pc = RTCPeerConnection()
    pc.addTransceiver("audio")
    pc.createDataChannel("viva")
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return sdp


SERVER: list[VivaServer] = []
"""The server under test, whose log a failure quotes."""


def _server_log() -> str:
    """The server's last error lines (its traceback), to go with a failure."""
    if not SERVER:
        return ""
    lines = list(SERVER[0].output)[-60:]
    start = next((i for i in range(len(lines) - 1, -1, -1) if "Traceback" in lines[i]), len(lines) - 8)
    return "\n".join(lines[max(0, start - 1) :][-14:])


async def _error_logged(timeout_s: float = 5.0) -> None:
    """Until the server's output pump has passed on an error line (a 5xx logs its traceback)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    while SERVER and asyncio.get_running_loop().time() < deadline:
        if any("Traceback" in line or "ERROR" in line for line in list(SERVER[0].output)[-60:]):
            return
        await asyncio.sleep(0.05)


async def _judge(response: aiohttp.ClientResponse, case: str, tally: Tally) -> None:
    text = await response.text(errors="replace")
    if response.status >= 500:
        await _error_logged()
        tally.fail(f"{case}: HTTP {response.status}: {text[:300]}\n{_server_log()}")
        return
    if response.status < 400:
        tally.accept()
        return
    try:
        body = json.loads(text)
    except json.JSONDecodeError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("error"), str) and body["error"].strip():
        tally.refuse()
    else:
        tally.fail(f"{case}: HTTP {response.status} without a JSON error message: {text[:300]}")


async def _post(
    http: aiohttp.ClientSession,
    url: str,
    body: Any,
    case: str,
    tally: Tally,
    headers: dict[str, str] | None = None,
    raw: bytes | None = None,
) -> None:
    data = raw if raw is not None else json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")
    send = {"Content-Type": "application/json", **(headers or {})}
    try:
        async with http.post(url, data=data, headers=send) as response:
            await _judge(response, case, tally)
    except (aiohttp.ClientError, TimeoutError) as exc:
        tally.fail(f"{case}: no answer ({type(exc).__name__}: {exc})")


async def sdp_offers(server: VivaServer, http: aiohttp.ClientSession, rng: random.Random, cases: int) -> Tally:
    tally = Tally("SDP offers")
    learner = await _learner(http, server, "Fuzz Offers")
    base = await offer_sdp()
    for index in range(cases):
        roll = rng.random()
        if roll < 0.6:
            sdp = mutate_text(rng, base)
        elif roll < 0.8:
            sdp = mutate_bytes(rng, base.encode(), rng.randint(1, 40)).decode("utf-8", "replace")
        elif roll < 0.9:  # plausible attributes with hostile values
            line = rng.choice(("a=mid:", "a=ice-ufrag:", "a=fingerprint:sha-256 ", "a=sctp-port:", "m=audio "))
            sdp = base.replace("a=mid:", f"{line}{rng.choice(HOSTILE_STRINGS)[:3000]}\r\na=mid:", 1)
        else:
            sdp = "v=0\r\n" + "\r\n".join(rng.choice(base.splitlines()) for _ in range(rng.randint(1, 400)))
        body = {"sdp": sdp, "type": "offer", "learner_id": learner}
        await _post(http, f"{server.url}/api/offer", body, f"offer #{index}", tally)
    return tally


def _internal_routes(learner: str, attempt: str, card: str) -> list[tuple[str, dict[str, Any]]]:
    learners, attempts, cards = f"/learners/{learner}", f"/attempts/{attempt}", f"/cards/{card}"
    return [
        ("/learners", {"name": "Fuzz Internal", "start_date": "2026-09-01", "interview_date": "2026-12-01"}),
        (f"{learners}/sessions", {"mode": "drill"}),
        (f"{learners}/next-question", {}),
        (f"{learners}/double-up", {}),
        (f"{learners}/stop", {}),
        (f"{attempts}/transcript", {"text": "Entropy measures impurity.", "typed": True, "final": True}),
        (f"{attempts}/answer", {"text": "Entropy measures impurity."}),
        (f"{attempts}/hint", {}),
        (f"{attempts}/reveal", {}),
        (f"{attempts}/skip", {}),
        (f"{attempts}/retry", {}),
        (f"{learners}/next-card", {}),
        (f"{cards}/answer", {"text": "Stochastic gradient descent"}),
        (f"{cards}/rate", {"rating": "good"}),
        (f"{cards}/skip", {}),
    ]


async def api_bodies(server: VivaServer, http: aiohttp.ClientSession, rng: random.Random, cases: int) -> Tally:
    """The page server's JSON routes and the internal study API's, with hostile bodies,
    hostile path parameters, wrong content types and oversize bodies."""
    tally = Tally("API bodies")
    learner = await _learner(http, server, "Fuzz Bodies")
    key = {KEY_HEADER: server.keys.api}
    async with http.post(f"{server.api_url}/learners/{learner}/sessions", json={"mode": "drill"}, headers=key) as r:
        assert r.status == 200, await r.text()
    async with http.post(f"{server.api_url}/learners/{learner}/next-question", json={}, headers=key) as r:
        attempt = (await r.json())["attempt_id"]
    sdp = await offer_sdp()
    page = [
        ("/api/learners", {"name": "Fuzz Page", "interview_date": "2026-12-01"}),
        ("/api/offer", {"sdp": sdp, "type": "offer", "learner_id": learner}),
        ("/api/pair", {"code": "123456", "name": "phone"}),
    ]
    for index in range(cases):
        internal = rng.random() < 0.6
        if internal:
            path_learner = (
                learner
                if rng.random() < 0.7
                else urllib.parse.quote(rng.choice(HOSTILE_STRINGS)[:200].encode("utf-8", "surrogatepass"), "")
            )
            routes = _internal_routes(path_learner or "x", attempt, str(rng.choice((1, 0, -1, 2**70, "x"))))
            path, template = rng.choice(routes)
            url, headers = f"{server.api_url}{path}", dict(key)
            if rng.random() < 0.05:
                headers = {KEY_HEADER: rng.choice(("", "wrong", server.keys.api[:-1]))}
        else:
            path, template = rng.choice(page)
            url, headers = f"{server.url}{path}", {}
        roll = rng.random()
        raw = None
        if roll < 0.1:
            raw = mutate_bytes(rng, json.dumps(template).encode())
        elif roll < 0.14:
            raw = b"[" * rng.choice((10, 10_000, 100_000))
        elif roll < 0.17:
            headers["Content-Type"] = rng.choice(("text/plain", "application/x-www-form-urlencoded", ""))
        elif roll < 0.2:
            raw = json.dumps({"name": "x" * 200_000}).encode()
        await _post(http, url, mutate_json(rng, template), f"{path} #{index}", tally, headers, raw)
    return tally


def _channel_message(rng: random.Random) -> str | bytes:
    bases = (
        {"type": "hello", "resume": False},
        {"type": "ping", "t": 1},
        {"type": "control", "action": "repeat"},
        {"type": "start", "mode": "drill"},
        {"type": "text", "text": "what is entropy"},
    )
    roll = rng.random()
    if roll < 0.1:
        return rng.randbytes(rng.randint(1, 2000))
    if roll < 0.13:
        return rng.choice(("[", '{"a":')) * rng.choice((1000, 20_000))
    if roll < 0.3:
        return mutate_text(rng, json.dumps(rng.choice(bases)))[:60_000]
    if roll < 0.35:
        return json.dumps(hostile_value(rng), allow_nan=True)[:60_000]
    message = mutate_json(rng, rng.choice(bases))
    if isinstance(message, dict) and message.get("type") in ("text", "start"):
        message["type"] = "texts"  # valid turns are not what this target is for (each costs a Rasa turn)
    return json.dumps(message, allow_nan=True)[:60_000]


def _sendable(message: str | bytes) -> str | bytes:
    """A data channel carries UTF-8: a lone surrogate cannot be sent (the browser would not either)."""
    return message if isinstance(message, bytes) else message.encode("utf-8", "replace").decode("utf-8")


def _unreadable(message: str | bytes) -> bool:
    """What the session must answer with "unreadable message": anything but a JSON object."""
    if isinstance(message, bytes):
        return True
    try:
        return not isinstance(json.loads(message), dict)
    except (json.JSONDecodeError, RecursionError):
        return True


async def channel_messages(server: VivaServer, rng: random.Random, cases: int) -> Tally:
    tally = Tally("data-channel messages")
    async with aiohttp.ClientSession() as http:
        learner_id = await _learner(http, server, "Fuzz Channel")
    learner = RtcLearner(server.url, learner_id)
    await learner.connect()
    try:
        sent = 0
        while sent < cases:
            messages = [_sendable(_channel_message(rng)) for _ in range(min(CHANNEL_BATCH, cases - sent))]
            batch = [(m, _unreadable(m)) for m in messages]
            since = len(learner.messages)
            for message, _ in batch:
                learner.send_raw(message)
            marker = f"fuzz-{sent}"
            learner.send({"type": "ping", "t": marker})
            try:
                await learner.wait_for(lambda m, t=marker: m.get("type") == "pong" and m.get("t") == t, 60)
            except TimeoutError as exc:
                for _ in batch:
                    tally.fail(f"channel batch at {sent}: the session stopped answering ({exc})")
                break
            said = sum(
                1
                for _, m in learner.messages[since:]
                if m.get("type") == "error" and m.get("message") == "unreadable message"
            )
            expected = sum(1 for _, unreadable in batch if unreadable)
            if said < expected:
                for _ in batch:
                    tally.fail(f"channel batch at {sent}: {expected} unreadable messages, {said} errors said")
            else:
                for _, unreadable in batch:
                    tally.refuse() if unreadable else tally.accept()
            sent += len(batch)
    finally:
        await learner.close()
    return tally


async def _learner(http: aiohttp.ClientSession, server: VivaServer, name: str) -> str:
    async with http.post(f"{server.url}/api/learners", json={"name": name}) as response:
        return str((await response.json())["id"])


async def still_serving(server: VivaServer) -> str | None:
    """None when the page server answers its health check and starts a real session."""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)) as http:
            async with http.get(f"{server.url}/api/health") as response:
                if response.status != 200:
                    return f"/api/health answered {response.status}"
            learner_id = await _learner(http, server, "Fuzz Check")
        learner = RtcLearner(server.url, learner_id)
        try:
            await learner.connect()
            learner.send({"type": "ping", "t": "alive"})
            await learner.wait_for(lambda m: m.get("type") == "pong", 30)
        finally:
            await learner.close()
    except Exception as exc:  # noqa: BLE001 - any failure here is the finding
        return f"{type(exc).__name__}: {exc}"
    return None


async def run_served(server: VivaServer, seed: int, counts: dict[str, int]) -> list[Tally]:
    SERVER[:] = [server]
    tallies = []
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        for name, target in (("SDP offers", sdp_offers), ("API bodies", api_bodies)):
            tally = await target(server, http, random.Random(f"{seed}:{name}"), counts.get(name, 0))
            tallies.append(tally)
            problem = await still_serving(server)
            if problem:
                tally.fail(f"after {name}: the server stopped serving: {problem}")
    name = "data-channel messages"
    tally = await channel_messages(server, random.Random(f"{seed}:{name}"), counts.get(name, 0))
    tallies.append(tally)
    problem = await still_serving(server)
    if problem:
        tally.fail(f"after {name}: the server stopped serving: {problem}")
    return tallies
