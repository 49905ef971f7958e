"""The review routes in process, over the real store and the real page server app: who may
read, score and delete what; share-link cookies; audio by answer id with range requests and a
repaired header; exports over HTTP; retention at start-up. The same routes are driven through
`viva serve` and Chromium in test_review_browser.py."""

from __future__ import annotations

import struct
import types
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from drills.app import build_service
from drills.devices import DeviceRegistry
from drills.store import Attempt, make_engine, make_session_factory
from drills.store.models import utcnow
from tests.voicebot.review_data import even_words, store_answer, tone
from voicebot import wavfile
from voicebot.guard import COOKIE, MENTOR_COOKIE_PLAIN
from voicebot.paths import recording_path
from voicebot.recorder import Recorders
from voicebot.retention import RETENTION
from voicebot.review_routes import build_review
from voicebot.server import create_app
from voicebot.settings import load_settings

JSON = {"Content-Type": "application/json"}


class World:
    def __init__(self, client: TestClient, service, review, settings, recorders: Recorders) -> None:
        self.client, self.service, self.review, self.settings = client, service, review, settings
        self.recorders = recorders

    def mentor_of(self, learner: str, days: int = 3) -> dict[str, str]:
        return {"Cookie": f"{MENTOR_COOKIE_PLAIN}={self.review.shares.create(learner, days).token}"}

    def answer(self, learner: str, text: str, seconds: float | None = 3.0) -> str:
        audio = tone(seconds) if seconds else None
        words = even_words(text, seconds) if seconds else None
        return store_answer(self.service, self.settings.recordings_dir, learner, text, audio, words)


async def make_world(tmp_path: Path, **env: str) -> AsyncIterator[World]:
    settings = load_settings(environ={"VIVA_DATA_DIR": str(tmp_path), "VIVA_GRADING__ENGINE": "keyword", **env})
    service = build_service(settings)
    for name in ("Ada", "Bob"):
        service.create_learner(name)
    recorders = Recorders()
    review = build_review(settings, service, recorders)
    devices = DeviceRegistry(make_session_factory(make_engine(settings.database_url)))
    app = create_app(types.SimpleNamespace(settings=settings, all_closed=lambda: None), service, devices, review)
    async with TestClient(TestServer(app)) as client:
        yield World(client, service, review, settings, recorders)
    service.close()


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[World]:
    async for found in make_world(tmp_path):
        yield found


@pytest.fixture
def answered(world: World) -> dict[str, str]:
    """Ada: one spoken answer (a stopped session); Bob: one spoken answer."""
    ids = {}
    for learner in ("ada", "bob"):
        world.service.start_session(learner, "drill")
        ids[learner] = world.answer(learner, world.service.pack.item("u01-t1").answer_text)
        world.service.stop(learner)
    return ids


async def test_on_loopback_the_learner_reads_every_profile(world: World, answered: dict[str, str]) -> None:
    client = world.client
    page = await client.get("/review")
    assert page.status == 200 and "review.js" in await page.text()
    context = await (await client.get("/api/review/context")).json()
    assert context["principal"]["kind"] == "local" and {x["id"] for x in context["learners"]} == {"ada", "bob"}
    for learner in ("ada", "bob"):
        data = await (await client.get(f"/api/review/sessions?learner={learner}")).json()
        assert [a["id"] for s in data["sessions"] for a in s["answers"]] == [answered[learner]]
    detail = await (await client.get(f"/api/review/answers/{answered['ada']}")).json()
    assert detail["has_audio"] and detail["tokens"][0]["s"] is not None and detail["review"]["points"]
    assert (await client.get("/api/review/sessions")).status == 400  # local must name the learner
    assert (await client.get("/api/review/sessions?learner=../x")).status == 400
    assert (await client.get("/api/review/answers/not-an-id")).status == 404
    assert (await client.get(f"/api/review/answers/{'0' * 32}")).status == 404


async def test_audio_by_answer_id_with_ranges_and_a_repaired_header(world: World, answered: dict[str, str]) -> None:
    path = world.settings.recordings_dir / "ada" / f"{answered['ada']}.wav"
    with path.open("ab") as handle:  # a crash: audio written after the header's last update
        handle.write(b"\x01\x00" * 1600)
    size = path.stat().st_size
    url = f"/api/review/answers/{answered['ada']}/audio"
    whole = await world.client.get(url)
    body = await whole.read()
    assert whole.status == 200 and whole.headers["Accept-Ranges"] == "bytes" and len(body) == size
    assert whole.headers["Content-Type"] == "audio/wav"
    assert struct.unpack("<I", body[40:44])[0] == size - 44  # the header was repaired before serving
    part = await world.client.get(url, headers={"Range": "bytes=1000-1999"})
    assert part.status == 206 and part.headers["Content-Range"] == f"bytes 1000-1999/{size}"
    assert await part.read() == body[1000:2000]
    tail = await world.client.get(url, headers={"Range": "bytes=-100"})
    assert tail.status == 206 and await tail.read() == body[-100:]
    beyond = await world.client.get(url, headers={"Range": f"bytes={size + 10}-"})
    assert beyond.status == 416
    path.unlink()
    assert (await world.client.get(url)).status == 404


async def test_a_recording_being_written_is_served_as_a_snapshot_and_never_modified(world: World) -> None:
    """The recorder's writer still holds the file: the reply is a header for the audio there
    now and that audio; the file itself is not touched (its header may lag by up to a second),
    and the answer cannot be deleted until the writer has closed it."""
    world.service.start_session("ada", "drill")
    attempt = world.service.next_question("ada").attempt_id
    root = world.settings.recordings_dir
    path = recording_path(root, "ada", attempt)
    first = world.recorders.open(path, inside=root)  # the answer's first part, before a reconnect
    world.service.attach_audio(attempt, str(path))
    first.append(tone(1.0))
    await first.close()
    writer = world.recorders.open(path, inside=root)  # resumed: a writer appending to it again
    assert await writer.existing_bytes() == 32000 and world.recorders.is_writing(path)
    writer.append(tone(0.25))
    url = f"/api/review/answers/{attempt}/audio"
    whole = await world.client.get(url)
    served = await whole.read()
    on_disk = path.read_bytes()  # the file only grows: what was served is a prefix of it
    assert whole.status == 200 and whole.headers["Accept-Ranges"] == "bytes" and len(served) >= 44 + 32000
    assert served[:44] == wavfile.header(len(served) - 44) and served[44:] == on_disk[44 : len(served)]
    part = await world.client.get(url, headers={"Range": "bytes=40-1039"})
    assert part.status == 206 and part.headers["Content-Range"] == f"bytes 40-1039/{len(served)}"
    assert await part.read() == served[40:1040]
    tail = await world.client.get(url, headers={"Range": "bytes=-10"})
    assert tail.status == 206 and await tail.read() == served[-10:]
    assert (await world.client.get(url, headers={"Range": f"bytes={len(served)}-"})).status == 416
    world.service.stop("ada")  # the session stopped, but its writer has not closed the file yet
    refused = await world.client.delete(f"/api/review/answers/{attempt}", json={})
    assert refused.status == 409 and "still being written" in (await refused.json())["error"]
    writer.append(tone(0.5))
    await writer.close()
    assert not world.recorders.is_writing(path)
    closed = await (await world.client.get(url)).read()
    assert closed == path.read_bytes() and struct.unpack("<I", closed[40:44])[0] == 32000 + 8000 + 16000
    deleted = await world.client.delete(f"/api/review/answers/{attempt}", json={})
    assert deleted.status == 200 and not path.exists()


async def test_a_mentor_reads_scores_and_comments_for_one_learner_only(world: World, answered: dict[str, str]) -> None:
    client, mentor = world.client, world.mentor_of("ada")
    ada, bob = answered["ada"], answered["bob"]
    context = await (await client.get("/api/review/context", headers=mentor)).json()
    assert context["principal"]["kind"] == "mentor" and [x["id"] for x in context["learners"]] == ["ada"]
    assert sorted(context["principal"]["scopes"]) == ["review", "score"]
    listed = await (await client.get("/api/review/sessions", headers=mentor)).json()
    assert listed["learner_id"] == "ada" and listed["sessions"]
    assert (await client.get(f"/api/review/answers/{ada}/audio", headers=mentor)).status == 200
    judged = await client.put(f"/api/review/answers/{ada}/points", json={"points": [{"index": 0, "label": "wrong"}]},
                              headers=mentor)  # fmt: skip
    assert judged.status == 200 and (await judged.json())["points"][0]["mentor_label"] == "wrong"
    scored = await client.put(f"/api/review/answers/{ada}/competencies", json={"scores": {"depth": 3}}, headers=mentor)
    assert (await scored.json())["competencies"] == {"depth": 3}
    said = await client.post(f"/api/review/answers/{ada}/comments", json={"at": 1.5, "text": "Good."}, headers=mentor)
    assert said.status == 201 and (await said.json())["comments"][0]["author"] == "mentor"
    # Nothing else: Bob's answers, deleting, storage, links, studying, the study page's health.
    for method, path in [
        ("GET", f"/api/review/answers/{bob}"),
        ("GET", f"/api/review/answers/{bob}/audio"),
        ("PUT", f"/api/review/answers/{bob}/points"),
        ("GET", "/api/review/sessions?learner=bob"),
        ("GET", "/api/review/progress?learner=bob"),
    ]:
        response = await client.request(method, path, json={"points": [{"index": 0, "label": "hit"}]}, headers=mentor)
        assert response.status == 404, path
    for method, path in [
        ("DELETE", f"/api/review/answers/{ada}"),
        ("GET", "/api/review/storage"),
        ("GET", "/api/review/shares"),
        ("POST", "/api/review/shares"),
        ("POST", "/api/offer"),
        ("POST", "/api/learners"),
        ("GET", "/api/health"),
        ("GET", "/api/metrics"),
    ]:
        response = await client.request(method, path, json={"learner_id": "ada", "name": "Eve"}, headers=mentor)
        assert response.status == 403, path
    assert (world.settings.recordings_dir / "ada" / f"{ada}.wav").exists()
    home = await client.get("/", headers=mentor, allow_redirects=False)
    assert home.status == 303 and home.headers["Location"] == "/review"


async def test_share_tokens_tampered_expired_or_revoked_get_403(world: World, answered: dict[str, str]) -> None:
    client, links = world.client, world.review.shares
    made = links.create("ada", 1)
    payload, signature = made.token.split(".")
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    revoked = links.create("ada", 1)
    links.revoke(revoked.link.id)
    with world.review.desk.transaction() as db:  # a link that ran out an hour ago
        from drills.store import ShareLink

        expired = links.create("ada", 1)
        db.get(ShareLink, expired.link.id).expires_at = utcnow() - timedelta(hours=1)
    for token in (f"{payload}.{flipped}", revoked.token, expired.token, "garbage"):
        cookie = {"Cookie": f"{MENTOR_COOKIE_PLAIN}={token}"}
        api = await client.get("/api/review/sessions", headers=cookie)
        assert api.status == 403 and (await api.json())["reason"] == "share-ended", token
        page = await client.get("/review", headers=cookie, allow_redirects=False)
        assert page.status == 403 and "share.js" in await page.text()
        redeem = await client.post("/api/share/redeem", json={"token": token})
        assert redeem.status == 403 and "Set-Cookie" not in redeem.headers
    assert (await client.get("/share", headers={"Cookie": f"{MENTOR_COOKIE_PLAIN}=garbage"})).status == 200
    good = await client.post("/api/share/redeem", json={"token": made.token})
    assert good.status == 200 and (await good.json())["learner"]["name"] == "Ada"
    cookie = good.headers["Set-Cookie"]
    assert cookie.startswith(f"{MENTOR_COOKIE_PLAIN}=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert int(cookie.split("Max-Age=")[1].split(";")[0]) <= 86400
    left = await client.post("/api/share/leave", json={}, headers={"Cookie": f"{MENTOR_COOKIE_PLAIN}={made.token}"})
    assert "Max-Age=0" in left.headers["Set-Cookie"]
    assert (
        await client.post("/api/share/redeem", data="token=x", headers={"Content-Type": "text/plain"})
    ).status == 415


async def test_the_learner_makes_lists_and_revokes_links(world: World, answered: dict[str, str]) -> None:
    client = world.client
    made = await client.post("/api/review/shares", json={"learner_id": "ada", "days": 2, "note": "Sam"})
    reply = await made.json()
    assert made.status == 201 and reply["path"] == f"/share#{reply['token']}" and reply["link"]["note"] == "Sam"
    assert (await client.post("/api/review/shares", json={"learner_id": "ada", "days": 400})).status == 400
    listed = await (await client.get("/api/review/shares?learner=ada")).json()
    assert [x["id"] for x in listed["links"]] == [reply["link"]["id"]]
    mentor = {"Cookie": f"{MENTOR_COOKIE_PLAIN}={reply['token']}"}
    assert (await client.get("/api/review/sessions", headers=mentor)).status == 200
    revoked = await client.delete(f"/api/review/shares/{reply['link']['id']}", json={})
    assert (await revoked.json())["status"] == "revoked"
    assert (await client.get("/api/review/sessions", headers=mentor)).status == 403


async def test_exports_and_deleting_over_http(world: World, answered: dict[str, str]) -> None:
    client, ada = world.client, answered["ada"]
    await client.put(f"/api/review/answers/{ada}/points", json={"points": [{"index": 0, "label": "partial"}]})
    session = (await (await client.get("/api/review/sessions?learner=ada")).json())["sessions"][0]["id"]
    markdown = await client.get(f"/api/review/sessions/{session}/export.md")
    assert (
        markdown.headers["Content-Disposition"].startswith("attachment")
        and "| hit | partial |" in await markdown.text()
    )
    csv_text = await (await client.get(f"/api/review/sessions/{session}/export.csv")).text()
    assert csv_text.splitlines()[0].startswith("session_id,") and ada in csv_text
    tsv = await (await client.get("/api/review/disagreements.tsv?learner=ada")).text()
    header, row = tsv.splitlines()
    assert header.split("\t")[:7] == ["answer_id", "question", "kind", "split", "key_point", "label", "answer_text"]
    assert row.split("\t")[0] == ada and row.split("\t")[5] == "partial"
    storage = await (await client.get("/api/review/storage?learner=ada")).json()
    assert storage["recordings"] == 1 and storage["bytes"] > 0 and storage["retention_days"] == 0
    audio = world.settings.recordings_dir / "ada" / f"{ada}.wav"
    world.service.start_session("ada", "drill")  # running: its answers cannot be deleted now
    running = world.answer("ada", "A second answer.", 1.0)
    refused = await client.delete(f"/api/review/answers/{running}", json={})
    assert refused.status == 409 and "still running" in (await refused.json())["error"]
    world.service.stop("ada")
    deleted = await client.delete(f"/api/review/answers/{ada}", json={})
    assert deleted.status == 200 and (await deleted.json())["files"] == 1 and not audio.exists()
    assert (await client.get(f"/api/review/answers/{ada}")).status == 404
    gone = await client.delete(f"/api/review/sessions/{session}", json={})
    assert gone.status == 200 and (await gone.json())["sessions"] == 1
    assert (await client.delete(f"/api/review/sessions/{session}", json={})).status == 404
    assert (await client.delete(f"/api/review/answers/{answered['bob']}", data="{}")).status == 415  # JSON only


async def test_phone_mode_a_device_reviews_its_own_learner_only(tmp_path: Path) -> None:
    async for world in make_world(tmp_path, VIVA_SERVER__PAIRING="always"):
        world.service.start_session("ada", "drill")
        ada = world.answer("ada", "An answer.")
        world.service.start_session("bob", "drill")
        bob = world.answer("bob", "Another answer.")
        registry = DeviceRegistry(make_session_factory(make_engine(world.settings.database_url)))
        token = registry.pair(registry.new_code(), "ada", "a phone").token  # type: ignore[union-attr]
        phone = {"Cookie": f"{COOKIE}={token}"}
        assert (await world.client.get("/api/review/sessions")).status == 401  # unpaired
        assert (await world.client.get(f"/api/review/answers/{ada}", headers=phone)).status == 200
        assert (await world.client.get(f"/api/review/answers/{bob}", headers=phone)).status == 404
        assert (await world.client.get(f"/api/review/answers/{bob}/audio", headers=phone)).status == 404
        assert (await world.client.get("/api/review/storage", headers=phone)).status == 200
        context = await (await world.client.get("/api/review/context", headers=phone)).json()
        assert [x["id"] for x in context["learners"]] == ["ada"]
        mentor = world.mentor_of("ada")  # a mentor needs no pairing, and still sees only Ada
        assert (await world.client.get(f"/api/review/answers/{ada}", headers=mentor)).status == 200
        assert (await world.client.get(f"/api/review/answers/{bob}", headers=mentor)).status == 404


async def test_retention_runs_at_start_up(tmp_path: Path) -> None:
    settings = load_settings(environ={"VIVA_DATA_DIR": str(tmp_path), "VIVA_GRADING__ENGINE": "keyword"})
    service = build_service(settings)
    service.create_learner("Ada")
    service.start_session("ada", "drill")
    old = store_answer(service, settings.recordings_dir, "ada", "Old answer.", tone(1.0), even_words("Old answer.", 1))
    kept = store_answer(service, settings.recordings_dir, "ada", "New answer.", tone(1.0))
    service.stop("ada")
    with make_session_factory(make_engine(settings.database_url)).begin() as db:
        db.get(Attempt, old).created_at = utcnow() - timedelta(days=45)
    async for world in make_world(tmp_path, VIVA_REVIEW__RETENTION_DAYS="30"):
        await world.client.app[RETENTION].swept.wait()
        assert (await world.client.get(f"/api/review/answers/{old}")).status == 404
        assert not (settings.recordings_dir / "ada" / f"{old}.wav").exists()
        assert (await world.client.get(f"/api/review/answers/{kept}")).status == 200
    service.close()


def test_the_share_key_comes_from_the_settings(tmp_path: Path) -> None:
    key = "s" * 64
    settings = load_settings(environ={"VIVA_DATA_DIR": str(tmp_path), "VIVA_REVIEW__SHARE_KEY": key})
    assert settings.review.share_key == key and key not in repr(settings)
