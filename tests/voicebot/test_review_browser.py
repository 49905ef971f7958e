"""Mentor replay through the real `viva serve` (phone mode: HTTPS, paired devices) and Chromium.

Answers are stored the way a spoken turn stores them: Piper speaks the answer, the recorder's
writer puts it where a voice session does, faster-whisper transcribes it (the words and their
timings), and the candidate and the answer go through the study API to the server's own
grader. Then
the learner replays it in the browser, makes a share link; a mentor opens it, overrides a
judgement, scores and comments; the learner sees both. Every bad token gets 403, another
learner's answer 404, and no token reaches the server's log.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from tests.support import VivaServer, viva_env
from tests.voicebot.browser import CHROMIUM, chromium_args
from tests.voicebot.review_data import write_wav
from tests.voicebot.test_phone_mode import Phone, new_code, viva
from voicebot.guard import COOKIE, MENTOR_COOKIE
from voicebot.paths import recording_path
from voicebot.recorder import Recorders

pytestmark = [pytest.mark.slow, pytest.mark.rasa]

SENTENCES = 3
"""Of the model answer, said aloud: about 20 s, inside one decode window."""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    data = tmp_path_factory.mktemp("viva-review")
    env = viva_env(data, VIVA_SERVER__PAIRING="always", VIVA_SERVER__PAIR_RATE__BURST="30")
    viva_server = VivaServer(data, env, args=("--self-signed",)).start()
    yield viva_server
    viva_server.stop()


def spoken_answer(server: VivaServer, learner: str, say, transcriber) -> tuple[str, list[dict]]:
    """The learner's next question asked and answered aloud (the start of its model answer),
    stored through the study API: returns the answer's id and the recogniser's words."""
    from asr.options import AsrOptions
    from asr.whisper import DecodeRequest
    from drills.content_loader import load_pack

    server.api_json(f"/learners/{learner}/sessions", {"mode": "drill"})
    turn = server.api_json(f"/learners/{learner}/next-question", {})
    attempt = turn["attempt_id"]
    model = load_pack().item(turn["question"]["id"]).answer_text
    text = " ".join(re.split(r"(?<=[.?!])\s+", model)[:SENTENCES])
    audio = np.concatenate([np.zeros(8000, np.float32), say(text), np.zeros(8000, np.float32)])
    root = server.data_dir / "recordings"
    path = recording_path(root, learner, attempt)
    writer = Recorders().open(path, inside=root)  # the voice session's writer, as a spoken turn uses it
    writer.append(audio)
    writer.finish()
    writer.closed.result(timeout=30)
    heard = transcriber.transcribe(audio, DecodeRequest(beam_size=AsrOptions().beam_size, word_timestamps=True))
    words = [{"word": w.text, "start": w.start, "end": w.end, "probability": w.probability} for w in heard.words]
    body = {"text": heard.text, "final": True, "audio_id": str(path), "duration": len(audio) / 16000, "words": words}
    server.api_json(f"/attempts/{attempt}/transcript", body)
    server.api_json(f"/attempts/{attempt}/answer", {"text": heard.text})
    server.api_json(f"/learners/{learner}/stop", {})
    return attempt, words


@pytest.fixture(scope="module")
def stored(server: VivaServer, say, transcriber) -> dict:
    """Ada (a paired phone) with one spoken answer; Bob with another."""
    ada, bob = Phone(server), Phone(server)
    assert ada.pair(new_code(server, "Ada"))[0] == 201 and bob.pair(new_code(server, "Bob"))[0] == 201
    answer, words = spoken_answer(server, "ada", say, transcriber)
    other, _ = spoken_answer(server, "bob", say, transcriber)
    return {"ada": ada, "answer": answer, "words": words, "bob_answer": other}


def learner_context(browser, server: VivaServer, phone: Phone):
    context = browser.new_context(ignore_https_errors=True)
    context.add_cookies([{"name": COOKIE, "value": phone.cookie, "url": server.url, "secure": True, "httpOnly": True}])
    return context


def test_range_requests_return_the_right_bytes(server: VivaServer, stored: dict) -> None:
    phone, answer = stored["ada"], stored["answer"]
    path = server.data_dir / "recordings" / "ada" / f"{answer}.wav"
    data = path.read_bytes()
    status, _, response = phone.call("GET", f"/api/review/answers/{answer}/audio", headers={"Range": "bytes=44-1043"})
    assert status == 206 and response.getheader("Content-Range") == f"bytes 44-1043/{len(data)}"
    status, _, response = phone.call("GET", f"/api/review/answers/{answer}/audio", headers={"Range": "bytes=-10"})
    assert status == 206 and response.getheader("Content-Length") == "10"
    # Phone.call decodes bodies as JSON; read the bytes with a raw request instead.
    import http.client

    connection = http.client.HTTPSConnection("127.0.0.1", int(server.env["VIVA_SERVER__PORT"]), context=phone.context)
    connection.request("GET", f"/api/review/answers/{answer}/audio",
                       headers={"Range": "bytes=1000-1999", "Cookie": f"{COOKIE}={phone.cookie}"})  # fmt: skip
    reply = connection.getresponse()
    assert reply.status == 206 and reply.read() == data[1000:2000]
    connection.close()
    assert phone.call("GET", f"/api/review/answers/{stored['bob_answer']}/audio")[0] == 404  # Bob's


def test_replay_share_and_mentor_review_in_chromium(server: VivaServer, stored: dict, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    answer, words = stored["answer"], stored["words"]
    assert len(words) > 20 and words[-1]["end"] > 8
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=chromium_args(write_wav(tmp_path / "mic.wav", np.zeros(160)))
        )
        errors: list[str] = []
        learner = learner_context(browser, server, stored["ada"])
        page = learner.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{server.url}/review")
        page.wait_for_selector("body[data-ready=true]")
        assert page.inner_text("#who") == "Learner · Ada"
        assert page.locator("#sessions li.answer-row").count() == 1  # Ada's answers only
        page.click(f"li[data-answer='{answer}'] a")
        page.wait_for_selector("#transcript .word.timed")
        assert page.locator("#rubric li.point").count() >= 2
        assert page.locator("#rubric .label-hit").count() >= 1
        assert page.locator("#transcript .word.ev").count() > 5  # the grader's evidence, highlighted

        # Play: the highlighted word advances with the audio.
        page.evaluate("() => window.vivaReplay.audio.play()")
        page.wait_for_function("() => window.vivaReplay.now >= 3", timeout=20_000)
        first = page.evaluate("() => [window.vivaReplay.now, window.vivaReplay.audio.currentTime]")
        page.wait_for_function(f"() => window.vivaReplay.now >= {first[0] + 4}", timeout=20_000)
        later = page.evaluate("() => [window.vivaReplay.now, window.vivaReplay.audio.currentTime]")
        assert later[0] > first[0] and later[1] > first[1]
        page.evaluate("() => window.vivaReplay.audio.pause()")
        # Click a word near the end: the player seeks there and that word is highlighted.
        target = page.locator("#transcript .word.timed").nth(-3)
        start = float(target.get_attribute("data-s"))
        index = int(target.get_attribute("data-index"))
        page.evaluate(
            "() => { window.seekedTo = []; window.vivaReplay.audio.addEventListener('seeked',"
            " (e) => window.seekedTo.push(e.target.currentTime)); }"
        )
        target.click()  # seeks there and plays on: the seek itself is what is checked
        page.wait_for_function(f"() => window.seekedTo.some((t) => Math.abs(t - {start}) < 0.05)")
        page.wait_for_function(f"() => window.vivaReplay.now >= {index}")
        page.evaluate("() => window.vivaReplay.audio.pause()")

        # The learner makes a share link for a mentor.
        page.goto(f"{server.url}/review#manage")
        page.wait_for_selector("#share-form")
        page.fill("#share-note", "Sam")
        page.fill("#share-days", "2")
        page.click("#share-form button[type=submit]")
        link = page.locator("#share-url").input_value()
        token = link.split("#", 1)[1]
        assert link.startswith(f"{server.url}/share#")

        # The mentor opens it: the token leaves the address bar, a cookie takes its place.
        mentor = browser.new_context(ignore_https_errors=True)
        view = mentor.new_page()
        view.on("pageerror", lambda exc: errors.append(str(exc)))
        view.goto(link)
        view.wait_for_url(f"{server.url}/review")
        view.wait_for_selector("body[data-ready=true]")
        assert token not in view.url and "Mentor · Ada" in view.inner_text("#who")
        cookie = next(c for c in mentor.cookies() if c["name"] == MENTOR_COOKIE)
        assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
        assert view.evaluate("() => document.cookie") == ""
        assert view.locator("#tab-manage").is_hidden() and view.locator("#tab-study").is_hidden()
        view.click(f"li[data-answer='{answer}'] a")
        view.wait_for_selector("#rubric li.point select.judge")
        auto = view.locator("#rubric li.point").nth(0).locator(".label").first.inner_text().lower()
        override = "wrong" if auto != "wrong" else "partial"
        view.select_option("#rubric li.point[data-index='0'] select.judge", f"override:{override}")
        view.wait_for_selector("#rubric li.point.overridden")
        view.select_option("select.competency[name=clarity]", "3")
        view.wait_for_function("() => document.querySelector('select.competency[name=clarity]').value === '3'")
        view.evaluate("() => { window.vivaReplay.audio.currentTime = 2.5; }")
        view.fill("#comment-text", "Say which error boosting fits.")
        view.click("#comment-form button[type=submit]")
        view.wait_for_selector("#comments li")
        assert "0:02" in view.inner_text("#comments")
        # Nothing else through this link: Bob's answer is not there, deleting is refused.
        bob = view.evaluate(f"() => fetch('/api/review/answers/{stored['bob_answer']}').then(r => r.status)")
        refused = view.evaluate(
            f"""() => fetch('/api/review/answers/{answer}', {{method: 'DELETE',
                headers: {{'Content-Type': 'application/json'}}, body: '{{}}'}}).then(r => r.status)"""
        )
        assert (bob, refused) == (404, 403)

        # The learner sees the mentor's override, score and comment beside the grader's.
        page.goto(f"{server.url}/review#answer={answer}")
        page.wait_for_selector("#rubric li.point.overridden")
        overridden = page.inner_text("#rubric li.point.overridden")
        assert "Overridden by mentor (Sam)" in overridden and override.upper() in overridden.upper()
        assert page.inner_text("#mentor-score") != "–" and page.inner_text("#auto-score") != "–"
        assert "mentor (Sam)" in page.inner_text("#comments") and "boosting" in page.inner_text("#comments")
        assert page.locator("select.competency[name=clarity]").input_value() == "3"

        # The session's printable report: the navigation and controls drop out in print.
        session = page.evaluate("() => fetch('/api/review/sessions').then(r => r.json())")["sessions"][0]["id"]
        page.goto(f"{server.url}/review#report={session}")
        page.wait_for_selector(".report-answer")
        page.emulate_media(media="print")
        assert page.locator(".tabs").is_hidden() and page.locator(".report-answer button").count() == 0
        assert page.locator("#report-view .no-print").is_hidden() and "mentor (Sam)" in page.inner_text(
            ".report-answer"
        )
        page.emulate_media(media="screen")

        # Revoked: the mentor's next request is refused.
        page.goto(f"{server.url}/review#manage")
        page.wait_for_selector("#share-links button.danger")
        page.click("#share-links button.danger")
        page.wait_for_selector("#share-links td.status:text('revoked')")
        view.reload()
        assert view.evaluate("() => fetch('/api/review/context').then(r => r.status)") == 403
        assert "expired or was revoked" in view.inner_text("body")
        assert not errors, errors
        browser.close()
    log = server.log_text() + "".join(p.read_text(errors="replace") for p in (server.data_dir / "logs").glob("*"))
    assert token not in log and token[:20] not in log  # the token was never logged


def test_tampered_and_expired_tokens_get_403(server: VivaServer, stored: dict) -> None:
    out = viva(server, "share", "--learner", "Ada", "--days", "1", "--note", "CLI")
    token = re.search(r"/share#(\S+)", out).group(1)
    link_id = re.search(r"id ([0-9a-f]{8})", out).group(1)
    assert link_id in viva(server, "share", "list")
    mentor = Phone(server)
    status, reply, response = mentor.call("POST", "/api/share/redeem", {"token": token})
    assert status == 200 and reply["learner"]["name"] == "Ada"
    cookie = re.search(rf"{MENTOR_COOKIE}=([^;]+)", response.getheader("Set-Cookie")).group(1)
    assert cookie == token

    def as_mentor(value: str) -> int:
        return mentor.call("GET", "/api/review/sessions", headers={"Cookie": f"{MENTOR_COOKIE}={value}"})[0]

    assert as_mentor(token) == 200
    payload, signature = token.split(".")
    for bad in (f"{payload}.{signature[::-1]}", f"{payload[:-2]}xx.{signature}", "x.y"):
        assert as_mentor(bad) == 403
        assert mentor.call("POST", "/api/share/redeem", {"token": bad})[0] == 403
    with sqlite3.connect(server.data_dir / "viva.db") as db:  # it ran out a minute ago
        past = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
        db.execute("UPDATE share_links SET expires_at = ? WHERE id = ?", (past, link_id))
    assert as_mentor(token) == 403
    assert "expired" in viva(server, "share", "list")
    assert "Revoked" in viva(server, "share", "revoke", link_id)
    assert token not in server.log_text()
