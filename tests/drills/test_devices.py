"""Paired devices and pairing codes against a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from drills.devices import CODE_DIGITS, CODE_TTL, DeviceRegistry
from drills.service import StudyService
from drills.store import make_engine, make_session_factory


class Now:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def now() -> Now:
    return Now()


@pytest.fixture
def registry(service: StudyService, db_url: str, now: Now) -> DeviceRegistry:
    # Its own engine on the service's database, as the server and `viva pair` have.
    return DeviceRegistry(make_session_factory(make_engine(db_url)), clock=now)


@pytest.fixture
def ada(service: StudyService) -> str:
    return service.create_learner("Ada")[0].learner_id


def database(db_url: str) -> Path:
    return Path(make_url(db_url).database or "")


def test_a_code_pairs_one_device_once(registry: DeviceRegistry, ada: str) -> None:
    code = registry.new_code()
    assert len(code) == CODE_DIGITS and code.isdigit()
    assert registry.check_code(f"{code[:4]} {code[4:]}") is not None  # spaces as typed
    paired = registry.pair(code, ada, "Chrome on Android")
    assert paired is not None and len(paired.token) >= 40
    assert registry.pair(code, ada, "a second phone") is None
    assert registry.check_code(code) is None
    found = registry.authenticate(paired.token)
    assert found is not None and (found.learner_id, found.revoked) == (ada, False)
    assert registry.authenticate(paired.token + "x") is None


def test_codes_expire_and_can_be_cancelled(registry: DeviceRegistry, ada: str, now: Now) -> None:
    old = registry.new_code()
    now.now += CODE_TTL + timedelta(seconds=1)
    assert registry.check_code(old) is None and registry.pair(old, ada, "late") is None
    fresh, other = registry.new_code(), registry.new_code()
    assert registry.cancel_codes() == 2
    assert registry.check_code(fresh) is None and registry.check_code(other) is None


def test_a_code_can_name_its_learner(registry: DeviceRegistry) -> None:
    code = registry.new_code("  Bob   Jones ")
    grant = registry.check_code(code)
    assert grant is not None and grant.learner_name == "Bob Jones"


def stored_bytes(request: pytest.FixtureRequest, db_url: str) -> bytes:
    """Everything the store holds: SQLite's files, or PostgreSQL's `pg_dump`."""
    url = make_url(db_url)
    if url.get_backend_name() == "postgresql":
        return request.getfixturevalue("postgres").dump(url.database)
    files = [database(db_url), database(db_url).with_name("viva.db-wal")]
    return b"".join(path.read_bytes() for path in files if path.exists())


def test_only_hashes_are_stored(
    registry: DeviceRegistry, db_url: str, ada: str, request: pytest.FixtureRequest
) -> None:
    code = registry.new_code()
    paired = registry.pair(code, ada, "Firefox on Linux")
    assert paired is not None
    raw = stored_bytes(request, db_url)
    assert b"Firefox on Linux" in raw  # the dump holds the device row
    assert paired.token.encode() not in raw and code.encode() not in raw
    with make_engine(db_url).connect() as db:
        (token_hash,) = db.execute(text("SELECT token_hash FROM devices")).one()
    assert len(token_hash) == 64 and token_hash != paired.token


def test_revoked_devices_are_refused_and_listed(registry: DeviceRegistry, ada: str) -> None:
    paired = registry.pair(registry.new_code(), ada, "Safari on iPhone")
    assert paired is not None
    assert registry.revoke("nope") is None
    revoked = registry.revoke(paired.device.id)
    assert revoked is not None and revoked.revoked
    found = registry.authenticate(paired.token)
    assert found is not None and found.revoked
    (listed,) = registry.list_devices()
    assert listed.id == paired.device.id and listed.learner_name == "Ada" and listed.revoked


def test_an_unknown_learner_leaves_the_code_unused(registry: DeviceRegistry) -> None:
    code = registry.new_code()
    with pytest.raises(LookupError):
        registry.pair(code, "nobody", "phone")
    assert registry.check_code(code) is not None


def test_two_phones_racing_for_one_code_one_wins(registry: DeviceRegistry, ada: str) -> None:
    code = registry.new_code()
    results: list[object] = []
    start = threading.Barrier(6)

    def race() -> None:
        start.wait()
        results.append(registry.pair(code, ada, "racer"))

    threads = [threading.Thread(target=race) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(result is not None for result in results) == 1
    assert len(registry.list_devices()) == 1
