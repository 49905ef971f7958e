"""Phone mode through the real `viva serve`: HTTPS required, only paired devices get in.

The module's server runs with `--self-signed` and `server.pairing = "always"`, which is phone
mode on loopback: the same doors as `--host 0.0.0.0`, without serving this machine's network
interfaces during a test. Requests come from loopback and are still refused without a cookie.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import ssl
import stat
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.support import REPO, VivaServer, viva_env
from tests.voicebot.browser import browser_with_mic, mic_wav
from voicebot.guard import COOKIE

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

JSON = {"Content-Type": "application/json"}
CODE = re.compile(r"Pairing code: (\d{4}) (\d{4})")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("viva-phone")
    env = viva_env(
        data,
        VIVA_SERVER__PAIRING="always",
        VIVA_SERVER__PAIR_RATE__BURST="30",
        VIVA_SERVER__PAIR_RATE__PER_MINUTE="60",
    )
    viva = VivaServer(data, env, args=("--self-signed",)).start()
    yield viva
    viva.stop()


class Phone:
    """An HTTPS client that trusts the server's self-signed certificate and keeps its cookie."""

    def __init__(self, server: VivaServer) -> None:
        self.server = server
        self.context = ssl.create_default_context(cafile=str(server.data_dir / "tls" / "viva-cert.pem"))
        self.cookie: str | None = None

    def call(self, method: str, path: str, body: dict | bytes | None = None, headers: dict | None = None):
        port = int(self.server.env["VIVA_SERVER__PORT"])
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=self.context, timeout=30)
        sent = dict(headers or {})
        if self.cookie:
            sent["Cookie"] = f"{COOKIE}={self.cookie}"
        data = json.dumps(body).encode() if isinstance(body, dict) else body
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        raw = response.read()
        connection.close()
        try:
            reply = json.loads(raw) if raw else {}
        except ValueError:
            reply = {"html": raw.decode(errors="replace")}
        return response.status, reply, response

    def pair(self, code: str, **choice: str) -> tuple[int, dict]:
        status, reply, response = self.call("POST", "/api/pair", {"code": code, **choice})
        if status == 201:
            self.cookie = re.search(rf"{COOKIE}=([^;]+)", response.getheader("Set-Cookie")).group(1)
        return status, reply


def viva(server: VivaServer, *args: str) -> str:
    """Run a `viva` command against the server's data directory, as its owner would."""
    done = subprocess.run(
        [sys.executable, "-m", "voicebot.cli", *args],
        cwd=REPO,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def new_code(server: VivaServer, learner: str | None = None) -> str:
    out = viva(server, "pair", *(["--learner", learner] if learner else []))
    assert "/pair" in out and "█" in out or "▀" in out  # the QR code
    return "".join(CODE.search(out).groups())


@pytest.mark.parametrize(
    ("args", "env"),
    [(("--host", "0.0.0.0"), {}), ((), {"VIVA_SERVER__PAIRING": "always"})],
)
def test_plain_http_is_refused_at_start(tmp_path: Path, args: tuple[str, ...], env: dict[str, str]) -> None:
    environment = viva_env(tmp_path, **env)
    done = subprocess.run(
        [sys.executable, "-m", "voicebot.cli", "serve", *args],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "needs HTTPS" in done.stderr and "--self-signed" in done.stderr and "--cert" in done.stderr
    with socket.socket() as probe, pytest.raises(OSError):
        probe.connect(("127.0.0.1", int(environment["VIVA_SERVER__PORT"])))  # nothing was served


def test_everything_needs_a_paired_device_even_from_loopback(server: VivaServer) -> None:
    stranger = Phone(server)
    for method, path, body in [
        ("GET", "/api/learners", None),
        ("GET", "/api/health", None),
        ("GET", "/api/me", None),
        ("GET", "/api/metrics", None),
        ("POST", "/api/learners", {"name": "Stranger Sam"}),
        ("POST", "/api/offer", {"learner_id": "x", "sdp": "v=0", "type": "offer"}),
    ]:
        status, reply, _ = stranger.call(method, path, body)
        assert status == 401 and reply["reason"] == "unpaired", path
    status, _, response = stranger.call("GET", "/")
    assert status == 303 and response.getheader("Location") == "/pair"
    status, page, _ = stranger.call("GET", "/pair")
    assert status == 200 and "pairing code" in page["html"].lower()
    assert stranger.call("GET", "/static/pair.js")[0] == 200


def test_the_startup_code_pairs_a_phone_once(server: VivaServer) -> None:
    code = "".join(CODE.search(server.log_text()).groups())
    phone = Phone(server)
    status, choose = phone.pair(code)
    assert status == 200 and choose["status"] == "choose"
    status, reply, response = phone.call("POST", "/api/pair", {"code": code, "name": "Phone Pat"})
    assert status == 201 and reply["learner"]["name"] == "Phone Pat"
    cookie = response.getheader("Set-Cookie")
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/"):
        assert attribute in cookie
    assert int(re.search(r"Max-Age=(\d+)", cookie).group(1)) >= 300 * 86400
    phone.cookie = re.search(rf"{COOKIE}=([^;]+)", cookie).group(1)
    status, listed, _ = phone.call("GET", "/api/learners")
    assert status == 200 and [x["name"] for x in listed["learners"]] == ["Phone Pat"]
    me = phone.call("GET", "/api/me")[1]
    assert me["kind"] == "device" and me["learner_id"] == "phone-pat" and "profiles" not in me["scopes"]
    assert phone.call("GET", "/api/health")[0] == 200
    assert Phone(server).pair(code)[0] == 403  # used: a second phone gets nothing


def test_a_paired_device_cannot_act_as_another_learner(server: VivaServer) -> None:
    olga = Phone(server)
    status, reply = olga.pair(new_code(server, "Other Olga"))
    assert status == 201 and reply["learner"]["id"] == "other-olga"
    pat = Phone(server)
    assert pat.pair(new_code(server), learner_id="phone-pat")[0] == 201
    assert [x["id"] for x in pat.call("GET", "/api/learners")[1]["learners"]] == ["phone-pat"]
    assert [x["id"] for x in olga.call("GET", "/api/learners")[1]["learners"]] == ["other-olga"]
    offer = {"learner_id": "other-olga", "sdp": "v=0", "type": "offer"}
    status, reply, _ = pat.call("POST", "/api/offer", offer)
    assert status == 403 and "another profile" in reply["error"]
    status, _, _ = pat.call("POST", "/api/learners", {"name": "Sneaky Sid"})
    assert status == 403
    assert {x["id"] for x in olga.call("GET", "/api/learners")[1]["learners"]} == {"other-olga"}


def test_a_revoked_device_is_refused(server: VivaServer) -> None:
    phone, other = Phone(server), Phone(server)
    assert phone.pair(new_code(server, "Revoked Rita"))[0] == 201
    assert other.pair(new_code(server, "Kept Kim"))[0] == 201
    device = phone.call("GET", "/api/me")[1]["device_id"]
    listing = viva(server, "devices", "list")
    assert device in listing and "Revoked Rita" in listing and "active" in listing
    assert f"Revoked {device}" in viva(server, "devices", "revoke", device)
    status, reply, _ = phone.call("GET", "/api/learners")
    assert status == 401 and reply["reason"] == "revoked" and "revoked" in reply["error"]
    status, _, response = phone.call("GET", "/")
    assert status == 303 and response.getheader("Location") == "/pair?revoked"
    assert other.call("GET", "/api/learners")[0] == 200  # the other device is untouched
    assert re.search(rf"{device}\s.*revoked", viva(server, "devices", "list"))


def test_wrong_codes_are_refused(server: VivaServer) -> None:
    guesser = Phone(server)
    assert guesser.pair("00000000")[0] == 403
    assert guesser.pair("1234")[0] == 400
    assert guesser.pair("abcdefgh")[0] == 400
    assert guesser.call("GET", "/api/learners")[0] == 401
    status, _, response = guesser.call("POST", "/api/pair", b"code=12345678", {"Content-Type": "text/plain"})
    assert status == 415


def test_the_tls_key_is_private(server: VivaServer) -> None:
    tls = server.data_dir / "tls"
    assert stat.S_IMODE(tls.stat().st_mode) == 0o700
    assert stat.S_IMODE((tls / "viva-key.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(server.data_dir.stat().st_mode) == 0o700


def test_pair_a_phone_on_the_page_then_drill(server: VivaServer, say, tmp_path: Path) -> None:
    code = new_code(server)
    name = f"Cleo {uuid.uuid4().hex[:4]}"
    wav = mic_wav(tmp_path / "mic.wav", say, [30.0])
    with browser_with_mic(wav) as browser:
        context = browser.new_context(ignore_https_errors=True)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/")
        page.wait_for_url("**/pair")  # not paired: the pairing screen
        page.close()
        page = context.new_page()  # the camera app opens the QR code's link in a new tab
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/pair#{code}")
        page.wait_for_selector("#learner-form:not([hidden])")
        assert "#" not in page.url  # the code left the address bar
        page.fill("#pair-name", name)
        page.click("#pair-create")
        page.wait_for_url(f"{server.url}/")
        page.wait_for_function(
            "name => { const s = document.querySelector('#learner');"
            " return s.options.length === 1 && s.options[0].text.startsWith(name); }",
            arg=name,
            timeout=10_000,
        )
        assert page.evaluate("() => document.cookie") == ""  # HttpOnly: the page's scripts never see it
        page.wait_for_function("() => document.querySelector('#new-learner').hidden")
        page.select_option("#mode", "drill")
        page.click("#start")
        page.wait_for_function(
            "() => window.vivaDebug.messages.some(m => m.type === 'state' && m.mode === 'answer' && m.question)",
            timeout=60_000,
        )
        assert not errors
        device = page.evaluate("() => fetch('/api/me').then(r => r.json())")["device_id"]
        viva(server, "devices", "revoke", device)
        page.goto(f"{server.url}/")
        page.wait_for_url("**/pair?revoked")
        page.wait_for_selector("#pair-notice:not([hidden])")
        assert "revoked" in page.inner_text("#pair-notice")
        context.close()
