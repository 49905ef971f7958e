"""Bad requests to the running voice bot get clear 4xx replies, and it keeps serving."""

import asyncio
import json
import urllib.error
import urllib.request

import pytest

from benchmarks.rtc_learner import RtcLearner
from tests.support import http_json, poll_until

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

GOOD_SHAPE = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"


def post(url: str, body: bytes) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), dict(error.headers)


@pytest.fixture(scope="module")
def learner(viva_server) -> str:
    return http_json(f"{viva_server.url}/api/learners", {"name": "Bad Input Bob"})["id"]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "not valid JSON"),
        (b"[]", 400, "JSON object"),
        ({"sdp": "garbage", "type": "offer"}, 400, "not a session description"),
        ({"sdp": GOOD_SHAPE.replace("m=audio", "m=video"), "type": "offer"}, 400, "no audio"),
        ({"sdp": GOOD_SHAPE + "a=fingerprint:nonsense\r\n", "type": "offer"}, 400, "malformed"),
        ({"sdp": GOOD_SHAPE, "type": "offer", "learner_id": "nobody-at-all"}, 400, "unknown learner"),
        (b"x" * 200_000, 413, "too large"),
    ],
)
def test_bad_offers(viva_server, learner: str, body, status: int, message: str) -> None:
    if isinstance(body, dict):
        body = json.dumps({"learner_id": learner, **body}).encode()
    code, reply, headers = post(f"{viva_server.url}/api/offer", body)
    assert code == status and message in reply["error"]
    assert (
        headers["X-Content-Type-Options"] == "nosniff"
        and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    )
    assert http_json(f"{viva_server.url}/api/health")["ok"]


def test_second_offer_on_a_closed_session(viva_server, learner: str) -> None:
    async def session_then_close() -> str:
        client = RtcLearner(viva_server.url, learner)
        await client.connect(hello=False)
        await client.close()
        return client.session_id

    closed = asyncio.run(session_then_close())
    poll_until(  # until the server has seen the close
        lambda: http_json(f"{viva_server.url}/api/health")["sessions"] == 0,
        30,
        lambda: "the closed session was never ended",
    )
    code, reply, _ = post(
        f"{viva_server.url}/api/offer",
        json.dumps({"sdp": GOOD_SHAPE, "type": "offer", "learner_id": learner, "session_id": closed}).encode(),
    )
    assert code == 410 and "closed" in reply["error"]
    assert http_json(f"{viva_server.url}/api/health")["sessions"] == 0


def test_page_and_static_files_are_served_with_security_headers(viva_server) -> None:
    with urllib.request.urlopen(f"{viva_server.url}/", timeout=10) as response:
        html = response.read().decode()
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script" in html and "<script>" not in html  # no inline script
    with urllib.request.urlopen(f"{viva_server.url}/static/app.js", timeout=10) as response:
        assert response.status == 200
