"""Hostile requests to the real `viva serve` (loopback) and its backends: each is refused with
the right 4xx, nothing changes, and Viva keeps serving.

One server for the module, with a session limit of 2 and small rate limits so the limits can
be reached; the tests that spend the rate budgets run last.
"""

from __future__ import annotations

import asyncio
import json
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from benchmarks.rtc_learner import RtcLearner
from drills.keys import KEY_HEADER
from tests.support import REPO, VivaServer, viva_env
from voicebot.guard import MENTOR_COOKIE_PLAIN
from voicebot.paths import recording_path
from voicebot.recorder import Recorders

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

LIMIT = 2
JSON = {"Content-Type": "application/json"}
ANSWER = "An eigenvector is only scaled by the matrix, so the line through it stays invariant. That's my answer."


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("viva-doors")
    env = viva_env(
        data,
        VIVA_SERVER__MAX_SESSIONS=str(LIMIT),
        VIVA_SERVER__OFFER_RATE__BURST="16",
        VIVA_SERVER__OFFER_RATE__PER_MINUTE="6",
        VIVA_SERVER__PROFILE_RATE__BURST="6",
        VIVA_SERVER__PROFILE_RATE__PER_MINUTE="3",
    )
    viva = VivaServer(data, env).start()
    yield viva
    viva.stop()


def call(
    url: str, body: bytes | dict | None = None, headers: dict[str, str] | None = None, method: str | None = None
) -> tuple[int, dict, dict[str, str]]:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"{}"), dict(response.headers)
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            reply = json.loads(raw or b"{}")
        except ValueError:
            reply = {"raw": raw.decode(errors="replace")}
        return error.code, reply, dict(error.headers)


def still_serving(server: VivaServer) -> None:
    """A normal request right after a hostile one is served as usual."""
    status, health, _ = call(f"{server.url}/api/health")
    assert status == 200 and health["ok"]
    status, listed, _ = call(f"{server.url}/api/learners")
    assert status == 200 and isinstance(listed["learners"], list)


def learner_names(server: VivaServer) -> set[str]:
    return {learner["name"] for learner in call(f"{server.url}/api/learners")[1]["learners"]}


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "text/plain", "Origin": "http://evil.example"}, b'{"name": "Eve Text"}', 403),
        ({"Content-Type": "application/x-www-form-urlencoded", "Origin": "http://evil.example"}, b"name=Eve", 403),
        ({"Content-Type": "text/plain"}, b'{"name": "Eve Text"}', 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"name=Eve+Form", 415),
        ({**JSON, "Origin": "http://evil.example"}, b'{"name": "Eve Json"}', 403),
        ({**JSON, "Origin": "null"}, b'{"name": "Eve Null"}', 403),
    ],
)
def test_cross_site_posts_are_refused(server: VivaServer, headers: dict, body: bytes, status: int) -> None:
    code, reply, _ = call(f"{server.url}/api/learners", body, headers)
    assert code == status and reply["error"]
    assert not any(name.startswith("Eve") for name in learner_names(server))
    still_serving(server)


def test_a_cross_site_offer_is_refused(server: VivaServer) -> None:
    body = json.dumps({"learner_id": "still-here", "sdp": "v=0", "type": "offer"}).encode()
    code, reply, _ = call(
        f"{server.url}/api/offer", body, {"Content-Type": "text/plain", "Origin": "http://evil.example"}
    )
    assert code == 403 and "cross-site" in reply["error"]
    still_serving(server)


@pytest.mark.parametrize("path", ["/", "/api/learners", "/api/health", "/api/metrics", "/static/app.js"])
def test_a_foreign_host_is_refused(server: VivaServer, path: str) -> None:
    # DNS rebinding: a name the attacker owns, pointed at this machine.
    for host in ("evil.example", f"evil.example:{server.env['VIVA_SERVER__PORT']}", "127.0.0.1.nip.io"):
        code, reply, _ = call(f"{server.url}{path}", headers={"Host": host})
        assert code == 421, (host, path)
    code, _, _ = call(f"{server.url}/api/learners", {"name": "Rebound"}, {**JSON, "Host": "evil.example"})
    assert code == 421 and "Rebound" not in learner_names(server)
    assert call(f"{server.url}/api/metrics")[0] == 200  # loopback, our own name: served
    still_serving(server)


@pytest.mark.parametrize("learner_id", ["../../etc/passwd", "..", "a/b", "x\\..\\y", ".hidden", "%2e%2e"])
def test_traversal_in_the_offer_learner_id(server: VivaServer, learner_id: str) -> None:
    body = {"learner_id": learner_id, "sdp": "v=0", "type": "offer"}
    code, reply, _ = call(f"{server.url}/api/offer", body, JSON)
    assert code == 400 and "not a valid learner id" in reply["error"]
    still_serving(server)


@pytest.mark.parametrize(
    "path",
    [
        "/learners/..%2F..%2Fetc/plan",
        "/learners/.hidden/current",
        "/attempts/..%2F..%2Frecordings%2Fx/hint",
        "/attempts/" + "0" * 31 + "%2F/skip",
    ],
)
def test_traversal_in_internal_api_ids(server: VivaServer, path: str) -> None:
    method = "GET" if path.endswith(("plan", "current")) else "POST"
    body = None if method == "GET" else b"{}"
    code, reply, _ = call(f"{server.api_url}{path}", body, {**JSON, KEY_HEADER: server.keys.api}, method)
    assert code == 400 and "not a valid" in reply["error"]
    still_serving(server)


def test_rasa_answers_only_viva(server: VivaServer) -> None:
    learner = server.api_json("/learners", {"name": "Tracker Tess"})["learner_id"]
    said = {"sender": learner, "message": "hi", "metadata": {}}
    code, _, _ = call(f"{server.rasa_url}/webhooks/rest/webhook", said, {**JSON, KEY_HEADER: server.keys.rasa})
    assert code == 200
    for token in ("", "?token=", "?token=" + "0" * 64, f"?token={server.keys.api}"):
        code, reply, _ = call(f"{server.rasa_url}/conversations/{learner}/tracker{token}")
        assert code == 401, token
    for key in (None, "", server.keys.actions, server.keys.api):
        headers = {**JSON, **({KEY_HEADER: key} if key is not None else {})}
        code, reply, _ = call(f"{server.rasa_url}/webhooks/rest/webhook", said, headers)
        assert code == 401 and "only answers Viva" in reply["error"]
    code, reply, _ = call(f"{server.rasa_url}/model/parse", {"text": "hi"}, JSON)
    assert code == 401
    assert server.tracker_events(learner)  # with Rasa's key: served
    still_serving(server)


def test_the_action_server_answers_only_viva(server: VivaServer) -> None:
    call_action = {"next_action": "action_session_start", "sender_id": "still-here", "tracker": {}, "domain": {}}
    for headers in ({}, {KEY_HEADER: ""}, {KEY_HEADER: server.keys.rasa}, {KEY_HEADER: server.keys.api}):
        code, reply, _ = call(f"{server.actions_url}/webhook", call_action, {**JSON, **headers})
        assert code == 401 and "only answers Viva" in reply["error"]
        assert call(f"{server.actions_url}/actions", headers=headers)[0] == 401
    assert call(f"{server.actions_url}/health", headers={KEY_HEADER: server.keys.actions})[0] == 200
    still_serving(server)


def test_the_internal_api_answers_only_viva(server: VivaServer) -> None:
    url = f"{server.api_url}/learners"
    for headers in ({}, {KEY_HEADER: "nope"}, {KEY_HEADER: server.keys.rasa}):
        code, reply, _ = call(url, {"name": "Api Mallory"}, {**JSON, **headers})
        assert code == 401 and reply["error"]
    keyed = {**JSON, KEY_HEADER: server.keys.api}
    assert call(url, {"name": "Api Mallory"}, {**keyed, "Host": "evil.example"})[0] == 421
    assert call(url, {"name": "Api Mallory"}, {**keyed, "Origin": "http://evil.example"})[0] == 403
    assert "Api Mallory" not in learner_names(server)
    code, created, _ = call(url, {"name": "Api Ok"}, keyed)
    assert code == 201 and created["learner_id"] == "api-ok"
    still_serving(server)


def test_files_are_private(server: VivaServer, say) -> None:
    learner = call(f"{server.url}/api/learners", {"name": "Private Pia"}, JSON)[1]["id"]

    async def answer_once() -> None:
        client = RtcLearner(server.url, learner)
        await client.connect()
        try:
            client.send({"type": "start", "mode": "drill"})
            await client.wait_for(lambda m: m["type"] == "state" and m.get("mode") == "answer", 60)
            await client.wait_for(lambda m: m["type"] == "state" and not m["speaking"], 60)
            await client.say(say(ANSWER))
            await client.wait_for(lambda m: m["type"] == "final", 60)
        finally:
            await client.close()

    asyncio.run(answer_once())
    data = server.data_dir

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    recordings = sorted((data / "recordings" / learner).glob("*.wav"))
    assert recordings, "no recording was written"
    assert mode(data) == 0o700 and mode(data / "recordings") == 0o700 and mode(data / "recordings" / learner) == 0o700
    assert all(mode(path) == 0o600 for path in recordings)
    database = [data / "viva.db", *(data / f"viva.db-{s}" for s in ("wal", "shm") if (data / f"viva.db-{s}").exists())]
    assert len(database) == 3 and all(mode(path) == 0o600 for path in database)
    assert mode(data / "secret") == 0o600
    assert mode(data / "rasa" / "tracker.db") == 0o600 and mode(data / "logs" / "rasa.log") == 0o600
    still_serving(server)


def recorded_answer(server: VivaServer, name: str) -> tuple[str, str, Path]:
    """(learner, answer id, its WAV): a question asked through the internal API, its audio
    written by the recorder where a voice session writes it, the answer stored and the session
    stopped."""
    learner = server.api_json("/learners", {"name": name})["learner_id"]  # the page's budget is for later tests
    server.api_json(f"/learners/{learner}/sessions", {"mode": "drill"})
    attempt = server.api_json(f"/learners/{learner}/next-question", {})["attempt_id"]
    root = server.data_dir / "recordings"
    path = recording_path(root, learner, attempt)
    writer = Recorders().open(path, inside=root)
    writer.append(np.full(16000, 0.1, np.float32))
    writer.finish()
    writer.closed.result(timeout=30)
    body = {"text": "An eigenvector keeps its line.", "final": True, "audio_id": str(path), "duration": 1.0}
    server.api_json(f"/attempts/{attempt}/transcript", body)
    server.api_json(f"/attempts/{attempt}/answer", {"text": body["text"]})
    server.api_json(f"/learners/{learner}/stop", {})
    return learner, attempt, path


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_recordings_are_served_only_through_the_doors(server: VivaServer) -> None:
    learner, answer, path = recorded_answer(server, "Replay Rita")
    _, other, _ = recorded_answer(server, "Replay Ron")
    audio = f"{server.url}/api/review/answers/{answer}/audio"
    assert fetch(audio) == (200, path.read_bytes())  # loopback, the person at the machine
    assert fetch(audio, {"Range": "bytes=0-43"}) == (206, path.read_bytes()[:44])
    for host in ("evil.example", "127.0.0.1.nip.io"):  # DNS rebinding
        assert fetch(audio, {"Host": host})[0] == 421
    for bad in ("..%2F..%2Fsecret", "..", "0" * 31 + "%2F", answer.upper() + "0"):
        assert fetch(f"{server.url}/api/review/answers/{bad}/audio")[0] == 404, bad
    # Deleting is a state change: cross-site or not JSON is refused, and the file stays.
    delete = f"{server.url}/api/review/answers/{answer}"
    assert call(delete, b"{}", {**JSON, "Origin": "http://evil.example"}, "DELETE")[0] == 403
    assert call(delete, b"{}", {"Content-Type": "text/plain"}, "DELETE")[0] == 415
    assert path.exists()
    # A share cookie makes the request a mentor's, of that learner only; a forged one opens nothing.
    out = subprocess.run(
        [sys.executable, "-m", "voicebot.cli", "share", "--learner", "Replay Ron"],
        cwd=REPO, env=server.env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    token = out.stdout.split("/share#", 1)[1].split()[0]
    code, redeemed, headers = call(f"{server.url}/api/share/redeem", {"token": token}, JSON)
    assert code == 200 and redeemed["learner"]["name"] == "Replay Ron" and "HttpOnly" in headers["Set-Cookie"]
    mentor = {"Cookie": f"{MENTOR_COOKIE_PLAIN}={token}"}
    assert fetch(f"{server.url}/api/review/answers/{other}/audio", mentor)[0] == 200
    assert fetch(audio, mentor)[0] == 404  # Rita's answer: not there for Ron's mentor
    assert call(delete, b"{}", {**JSON, **mentor}, "DELETE")[0] == 404
    forged = {"Cookie": f"{MENTOR_COOKIE_PLAIN}={token[:-4]}AAAA"}
    code, reply, _ = call(f"{server.url}/api/review/sessions?learner={learner}", headers=forged)
    assert code == 403 and reply["reason"] == "share-ended"
    assert fetch(audio, forged)[0] == 403
    assert token not in server.log_text()
    still_serving(server)


def test_concurrent_offers_fill_exactly_the_limit(server: VivaServer) -> None:
    # One learner each: a learner has one live session (a second offer takes the first over).
    learners = [call(f"{server.url}/api/learners", {"name": f"Crowd {n}"}, JSON)[1]["id"] for n in range(LIMIT + 2)]

    async def crowd() -> list[bool]:
        clients = [RtcLearner(server.url, learner) for learner in learners]

        async def connect(client: RtcLearner) -> bool:
            try:
                await client.connect(hello=False)
                return True
            except RuntimeError as exc:
                assert "503" in str(exc) and "busy" in str(exc)
                return False

        try:
            return await asyncio.gather(*(connect(client) for client in clients))
        finally:
            await asyncio.gather(*(client.close() for client in clients))

    assert sum(asyncio.run(crowd())) == LIMIT

    async def drained() -> None:
        while call(f"{server.url}/api/health")[1]["sessions"]:
            await asyncio.sleep(0.2)

    asyncio.run(asyncio.wait_for(drained(), 30))
    still_serving(server)


def test_no_pairing_on_a_loopback_only_viva(server: VivaServer) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "voicebot.cli", "pair"], cwd=REPO, env=server.env, capture_output=True, text=True
    )
    assert done.returncode == 1 and "no pairing is needed" in done.stderr and "Pairing code" not in done.stdout
    with urllib.request.urlopen(f"{server.url}/pair", timeout=30) as page:  # nothing to pair: the app itself
        assert page.status == 200 and page.url == f"{server.url}/" and b'id="start"' in page.read()
    assert call(f"{server.url}/api/me")[1]["kind"] == "local"


# The two tests below spend the rate budgets: keep them last.


def test_profile_creation_is_rate_limited(server: VivaServer) -> None:
    replies = [call(f"{server.url}/api/learners", {"name": f"Spam {i}"}, JSON) for i in range(10)]
    limited = [(reply, headers) for code, reply, headers in replies if code == 429]
    assert limited and all(code in (200, 201, 429) for code, _, _ in replies)
    reply, headers = limited[0]
    assert "too many new profiles" in reply["error"] and int(headers["Retry-After"]) >= 1
    assert call(f"{server.url}/api/health")[0] == 200


def test_a_burst_of_offers_gets_429(server: VivaServer) -> None:
    body = {"learner_id": "still-here", "sdp": "garbage", "type": "offer"}
    replies = [call(f"{server.url}/api/offer", body, JSON) for _ in range(24)]
    codes = [code for code, _, _ in replies]
    assert 429 in codes and set(codes) <= {400, 429}
    reply, headers = next((reply, headers) for code, reply, headers in replies if code == 429)
    assert "too many connection attempts" in reply["error"] and int(headers["Retry-After"]) >= 1
    assert call(f"{server.url}/api/health")[0] == 200
