"""The page server's doors in process: limits, host names, origins, principals, file modes.

The same doors are exercised through the real `viva serve` in test_closed_doors.py and
test_phone_mode.py; these tests pin the rules themselves, fast.
"""

from __future__ import annotations

import asyncio
import stat
import subprocess
import sys
import types
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from drills.app import build_service
from drills.devices import DeviceRegistry
from drills.store import make_engine, make_session_factory
from voicebot.guard import COOKIE
from voicebot.hosts import host_name, host_policy, interface_addresses
from voicebot.limits import RateLimit, RateLimiter, SessionSlots, client_key, retry_after
from voicebot.pairing import MAX_FAILURES
from voicebot.principal import LOCAL, Scope, device
from voicebot.server import create_app, pairing_required
from voicebot.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_paces() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(burst=3, per_minute=6), clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0, 0, 0]
    wait = limiter.take("a")
    assert wait == pytest.approx(10.0) and retry_after(wait) == "10"
    assert limiter.take("b") == 0  # another client has its own bucket
    clock.now += 10.0
    assert limiter.take("a") == 0 and limiter.take("a") > 0


def test_buckets_are_bounded() -> None:
    limiter = RateLimiter(RateLimit(burst=1, per_minute=1), max_clients=2)
    for client in ("a", "b", "c"):
        limiter.take(client)
    assert len(limiter._buckets) == 2 and "a" not in limiter._buckets


def test_clients_are_counted_by_address_and_ipv6_by_64() -> None:
    assert client_key("192.0.2.7") == "192.0.2.7"
    assert client_key("::ffff:192.0.2.7") == "192.0.2.7"
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"


async def test_concurrent_reservations_never_overfill() -> None:
    live: list[int] = []
    slots = SessionSlots(2, lambda: len(live))

    async def offer() -> bool:
        slot = slots.reserve()
        if slot is None:
            return False
        try:
            await asyncio.sleep(0.01)  # the offer's awaits (body, store, SDP)
            live.append(1)
            return True
        finally:
            slot.release()

    results = await asyncio.gather(*(offer() for _ in range(6)))
    assert sum(results) == 2 and len(live) == 2
    assert slots.reserve() is None
    live.pop()
    assert slots.reserve() is not None


def test_a_takeover_may_use_the_place_of_the_session_it_replaces() -> None:
    live = [1, 1]
    slots = SessionSlots(2, lambda: len(live))
    assert slots.reserve() is None  # full: a new learner waits
    taking_over = slots.reserve(replacing=True)
    assert taking_over is not None
    assert slots.reserve(replacing=True) is None  # one replaced session frees one place, not two
    taking_over.release()


def test_host_names() -> None:
    assert host_name("LOCALHOST:8765") == "localhost"
    assert host_name("[::1]:8765") == "::1" and host_name("viva.home.arpa.") == "viva.home.arpa"
    loopback = host_policy("127.0.0.1")
    assert loopback.allows("127.0.0.1:8765") and loopback.allows("localhost") and loopback.allows("[::1]:1")
    assert not loopback.allows("evil.example") and not loopback.allows("evil.example:8765")
    assert not loopback.allows("127.0.0.1.evil.example")
    lan = host_policy("0.0.0.0", ("viva.home.arpa",))
    assert lan.allows("viva.home.arpa:8765") and not lan.allows("evil.example")
    assert all(lan.allows(address if ":" not in address else f"[{address}]") for address in interface_addresses())


def test_phone_mode_is_decided_by_the_bind_address_or_the_setting() -> None:
    options = load_settings(environ={}).server
    assert not pairing_required(options)
    assert pairing_required(types.SimpleNamespace(host="0.0.0.0", pairing="auto"))
    assert pairing_required(types.SimpleNamespace(host="192.0.2.2", pairing="auto"))
    assert pairing_required(types.SimpleNamespace(host="127.0.0.1", pairing="always"))


def test_principals() -> None:
    phone = device("d1", "ada")
    assert LOCAL.allows(Scope.PROFILES) and LOCAL.allows(Scope.STUDY, "anyone")
    assert phone.allows(Scope.STUDY, "ada") and not phone.allows(Scope.STUDY, "bob")
    assert not phone.allows(Scope.PROFILES) and not phone.allows(Scope.METRICS)
    assert phone.sees("ada") and not phone.sees("bob")


class Study:
    """The few service calls the page server makes, over a real learner table."""

    def __init__(self, names: list[str]) -> None:
        self.learners = {name.lower(): name for name in names}

    def list_learners(self) -> list[types.SimpleNamespace]:
        return [types.SimpleNamespace(learner_id=i, name=n) for i, n in self.learners.items()]

    def plan_status(self, learner_id: str) -> types.SimpleNamespace:
        return types.SimpleNamespace(day=1)

    def create_learner(self, name: str, *_: object) -> tuple[types.SimpleNamespace, bool]:
        self.learners[name.lower()] = name
        return types.SimpleNamespace(learner_id=name.lower(), name=name), True


@pytest.fixture
async def loopback() -> AsyncIterator[TestClient]:
    settings = load_settings(environ={})
    app = create_app(types.SimpleNamespace(settings=settings, all_closed=lambda: None), Study(["Ada"]))
    async with TestClient(TestServer(app)) as client:
        yield client


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize(
    ("headers", "body", "status"),
    [
        ({"Content-Type": "text/plain", "Origin": "http://evil.example"}, '{"name": "Eve"}', 403),
        ({"Content-Type": "text/plain"}, '{"name": "Eve"}', 415),
        ({"Content-Type": "application/x-www-form-urlencoded"}, "name=Eve", 415),
        ({"Content-Type": "multipart/form-data; boundary=x"}, "--x--", 415),
        ({**JSON, "Origin": "http://evil.example"}, '{"name": "Eve"}', 403),
        ({**JSON, "Origin": "null"}, '{"name": "Eve"}', 403),
        ({**JSON, "Origin": "https://127.0.0.1"}, '{"name": "Eve"}', 403),  # another scheme/port
        ({**JSON, "Sec-Fetch-Site": "cross-site"}, '{"name": "Eve"}', 403),
        ({**JSON, "Host": "evil.example"}, '{"name": "Eve"}', 421),
    ],
)
async def test_cross_site_writes_are_refused(loopback: TestClient, headers: dict, body: str, status: int) -> None:
    response = await loopback.post("/api/learners", data=body, headers=headers)
    assert response.status == status and (await response.json())["error"]
    listed = await (await loopback.get("/api/learners")).json()
    assert [learner["name"] for learner in listed["learners"]] == ["Ada"]


async def test_own_origin_and_no_origin_are_served(loopback: TestClient) -> None:
    own = f"http://{loopback.server.host}:{loopback.server.port}"
    response = await loopback.post("/api/learners", json={"name": "Bo"}, headers={"Origin": own})
    assert response.status == 201
    assert (await loopback.post("/api/learners", json={"name": "Cy"})).status == 201  # curl, scripts
    assert (await loopback.get("/api/metrics", headers={"Host": "evil.example"})).status == 421
    me = await (await loopback.get("/api/me")).json()
    assert me["kind"] == "local" and "profiles" in me["scopes"]
    assert (await loopback.get("/pair", allow_redirects=False)).status == 303  # nothing to pair


@pytest.fixture
async def phone(tmp_path: Path) -> AsyncIterator[tuple[TestClient, DeviceRegistry]]:
    settings = load_settings(
        environ={
            "VIVA_DATA_DIR": str(tmp_path),
            "VIVA_SERVER__PAIRING": "always",
            "VIVA_SERVER__PAIR_RATE__BURST": "50",
        }
    )
    service = build_service(settings)  # the real study store: devices refer to its learners
    for name in ("Ada", "Bob"):
        service.create_learner(name)
    registry = DeviceRegistry(make_session_factory(make_engine(settings.database_url)))
    app = create_app(types.SimpleNamespace(settings=settings, all_closed=lambda: None), service, registry)
    async with TestClient(TestServer(app)) as client:
        yield client, registry
    service.close()


async def test_phone_mode_lets_in_paired_devices_only(phone: tuple[TestClient, DeviceRegistry]) -> None:
    client, registry = phone
    for path in ("/api/learners", "/api/health", "/api/me", "/api/metrics"):
        response = await client.get(path)
        assert response.status == 401 and (await response.json())["reason"] == "unpaired"
    page = await client.get("/", allow_redirects=False)
    assert page.status == 303 and page.headers["Location"] == "/pair"
    assert (await client.get("/static/pair.js")).status == 200
    assert (await client.post("/api/pair", json={"code": "12345678"})).status == 403
    assert (await client.post("/api/pair", json={"code": "1234"})).status == 400
    traversal = await client.post("/api/pair", json={"code": "12345678", "learner_id": "../../etc"})
    assert traversal.status == 400 and "not a valid learner id" in (await traversal.json())["error"]
    code = registry.new_code()
    choose = await (await client.post("/api/pair", json={"code": code})).json()
    assert choose["status"] == "choose" and {x["id"] for x in choose["learners"]} == {"ada", "bob"}
    paired = await client.post("/api/pair", json={"code": code, "learner_id": "ada"})
    assert paired.status == 201
    cookie = paired.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age="):
        assert attribute in cookie
    token = paired.cookies[COOKIE].value
    cookies = {"Cookie": f"{COOKIE}={token}"}
    listed = await (await client.get("/api/learners", headers=cookies)).json()
    assert [x["id"] for x in listed["learners"]] == ["ada"]
    assert (await client.post("/api/learners", json={"name": "Zed"}, headers=cookies)).status == 403
    other = await client.post("/api/offer", json={"learner_id": "bob", "sdp": "v=0", "type": "offer"}, headers=cookies)
    assert other.status == 403
    (only,) = registry.list_devices()
    registry.revoke(only.id)
    refused = await client.get("/api/learners", headers=cookies)
    assert refused.status == 401 and (await refused.json())["reason"] == "revoked"
    page = await client.get("/", headers=cookies, allow_redirects=False)
    assert page.headers["Location"] == "/pair?revoked"


def test_make_private_sets_umask_and_tightens_an_old_install(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "recordings" / "ada").mkdir(parents=True)
    for name in ("viva.db", "viva.db-wal"):
        (data / name).write_bytes(b"x")
        (data / name).chmod(0o644)
    data.chmod(0o755)
    (data / "recordings").chmod(0o755)
    script = (
        "import sys; from pathlib import Path; from voicebot.datadir import make_private; "
        "d = Path(sys.argv[1]); make_private(d); (d / 'recordings' / 'ada' / 'new.wav').write_bytes(b'RIFF'); "
        "(d / 'fresh').mkdir()"
    )
    subprocess.run([sys.executable, "-c", script, str(data)], cwd=REPO, check=True)

    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode)

    assert mode(data) == 0o700 and mode(data / "recordings") == 0o700 and mode(data / "fresh") == 0o700
    assert mode(data / "viva.db") == mode(data / "viva.db-wal") == 0o600
    assert mode(data / "recordings" / "ada" / "new.wav") == 0o600


def test_the_tls_key_is_private_from_the_start(tmp_path: Path) -> None:
    from cryptography import x509

    from voicebot.tls import self_signed

    cert, key = self_signed(tmp_path / "tls", "0.0.0.0", ("192.0.2.2",))
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "tls").stat().st_mode) == 0o700
    names = x509.load_pem_x509_certificate(cert.read_bytes()).extensions.get_extension_for_class(
        x509.SubjectAlternativeName
    )
    assert [str(a) for a in names.value.get_values_for_type(x509.IPAddress)] == ["192.0.2.2"]
    assert self_signed(tmp_path / "tls", "0.0.0.0") == (cert, key)  # made once


async def test_too_many_wrong_codes_cancel_the_pending_ones(phone: tuple[TestClient, DeviceRegistry]) -> None:
    client, registry = phone
    code = registry.new_code()
    wrong = "0" * 8 if code != "0" * 8 else "1" * 8
    for _ in range(MAX_FAILURES - 1):
        assert (await client.post("/api/pair", json={"code": wrong})).status == 403
    assert registry.check_code(code) is not None  # one guess short: still valid
    assert (await client.post("/api/pair", json={"code": wrong})).status == 403
    assert registry.check_code(code) is None
    assert (await client.post("/api/pair", json={"code": code})).status == 403


async def test_pairing_attempts_are_rate_limited_per_client(tmp_path: Path) -> None:
    settings = load_settings(environ={"VIVA_DATA_DIR": str(tmp_path), "VIVA_SERVER__PAIRING": "always"})
    service = build_service(settings)
    registry = DeviceRegistry(make_session_factory(make_engine(settings.database_url)))
    app = create_app(types.SimpleNamespace(settings=settings, all_closed=lambda: None), service, registry)
    async with TestClient(TestServer(app)) as client:
        codes = [(await client.post("/api/pair", json={"code": "12345678"})).status for _ in range(7)]
        assert codes[:5] == [403] * 5 and codes[5:] == [429, 429]
        limited = await client.post("/api/pair", json={"code": "12345678"})
        assert (
            int(limited.headers["Retry-After"]) >= 1 and "too many pairing attempts" in (await limited.json())["error"]
        )
    service.close()
