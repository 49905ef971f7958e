"""The voice bot through a real browser over real WebRTC: Chromium + a WAV microphone + `viva serve`.

Timings in the scripted microphone are generous: Viva's intro and first question take ~12 s.
"""

import json
import uuid
import wave
from pathlib import Path

import pytest

from tests.dialogue.helpers import attempts
from tests.support import http_json
from tests.voicebot.browser import VivaPage, browser_with_mic, browsers_with_mics, mic_wav
from tests.voicebot.resumed import (
    LONG_ANSWER,
    RESUME_GAP_S,
    SECOND_PART,
    check_both_parts_kept,
    wait_for_cut_answer,
    wait_mid_answer,
)
from voicebot import wavfile

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.rasa]

QUESTION_GAP_S = 22.0
ANSWER = "An eigenvector is only scaled by the matrix, A v equals lambda v, so the line through it stays invariant. That's my answer."


def name() -> str:
    return f"Browser {uuid.uuid4().hex[:6]}"


def wav_seconds(path: str) -> float:
    with wave.open(path) as wav:
        return wav.getnframes() / wav.getframerate()


def test_full_drill_turn_by_voice(viva_server, say, tmp_path: Path) -> None:
    wav = mic_wav(tmp_path / "mic.wav", say, [QUESTION_GAP_S, ANSWER, 12.0])
    with browser_with_mic(wav) as browser:
        page = VivaPage(browser, viva_server.url)
        learner = name()
        page.create_learner(learner)
        page.start("drill")
        page.wait_message("m => m.type === 'state' && m.mode === 'answer' && m.question")
        page.wait_inbound_audio(30)  # the question is heard
        page.wait_message("m => m.type === 'partial'", 60)
        page.wait_message("m => m.type === 'final'", 60)
        messages = page.messages()
        kinds = [m["type"] for m in messages]
        assert kinds.index("partial") < kinds.index("final")
        final = next(m for m in messages if m["type"] == "final")
        assert "eigenvector" in final["text"].lower()
        page.wait_message("m => m.type === 'bot' && /covered|missed/i.test(m.text)", 30)
        page.wait_inbound_audio(20)  # the feedback is heard
        assert not page.errors
        learner_id = page.page.evaluate("() => document.querySelector('#learner').value")
    row = next(r for r in attempts(viva_server, learner_id) if r["status"] == "answered")
    assert "eigenvector" in row["answer_text"].lower() and "my answer" not in row["answer_text"].lower()
    assert row["audio_path"] and Path(row["audio_path"]).is_file()
    assert wav_seconds(row["audio_path"]) >= 4
    words = json.loads(row["words"])
    assert words and words[-1]["end"] <= wav_seconds(row["audio_path"]) + 0.1


def test_barge_in_stops_viva_and_obeys(viva_server, say, tmp_path: Path) -> None:
    wav = mic_wav(tmp_path / "mic.wav", say, [5.0, "repeat the question", 20.0])
    with browser_with_mic(wav) as browser:
        page = VivaPage(browser, viva_server.url)
        page.create_learner(name())
        page.start("drill")
        page.wait_message("m => m.type === 'barge_in'", 40)
        page.wait_message("m => m.type === 'bot' && /here's the question again/i.test(m.text)", 30)
        messages = page.messages()
        barge = next(i for i, m in enumerate(messages) if m["type"] == "barge_in")
        assert any(m["type"] == "bot" for m in messages[:barge])  # Viva was talking
        assert any(m["type"] == "final" and "repeat" in m["text"].lower() for m in messages[barge:])


def test_an_answer_cut_by_a_drop_resumes_and_keeps_both_parts(viva_server, say, transcriber, tmp_path: Path) -> None:
    first = mic_wav(tmp_path / "a.wav", say, [QUESTION_GAP_S, LONG_ANSWER, 10.0])
    second = mic_wav(tmp_path / "b.wav", say, [RESUME_GAP_S, SECOND_PART, 12.0])
    with browsers_with_mics(first, second) as (one, two):
        page = VivaPage(one, viva_server.url)
        page.create_learner(name())
        page.start("drill")
        page.wait_message("m => m.type === 'state' && m.mode === 'answer' && m.question")
        question = page.state()["question"]
        wait_mid_answer(page, 8)
        learner_id = page.page.evaluate("() => document.querySelector('#learner').value")
        page.close()  # the network drops mid-answer
        row = wait_for_cut_answer(viva_server, learner_id, question["id"])
        first_part_s = wavfile.seconds(Path(row["audio_path"]))
        assert first_part_s >= 3

        again = VivaPage(two, viva_server.url)  # reconnect: the same question resumes
        again.page.select_option("#learner", learner_id)
        again.start("drill")
        again.wait_message("m => m.type === 'state' && m.question", 30)
        assert again.state()["question"]["id"] == question["id"]
        again.wait_message("m => m.type === 'bot' && /here's the question again/i.test(m.text)", 30)
        again.wait_message("m => m.type === 'bot' && /covered|missed/i.test(m.text)", 90)
        assert not again.errors
    check_both_parts_kept(viva_server, transcriber, learner_id, question["id"], first_part_s)


def test_a_second_page_takes_over_and_the_first_stops(viva_server, say, transcriber, tmp_path: Path) -> None:
    first = mic_wav(tmp_path / "a.wav", say, [QUESTION_GAP_S, LONG_ANSWER, 40.0])
    second = mic_wav(tmp_path / "b.wav", say, [RESUME_GAP_S, SECOND_PART, 12.0])
    with browsers_with_mics(first, second) as (one, two):
        page = VivaPage(one, viva_server.url)
        page.create_learner(name())
        page.start("drill")
        page.wait_message("m => m.type === 'state' && m.mode === 'answer' && m.question")
        question = page.state()["question"]
        wait_mid_answer(page, 8)
        learner_id = page.page.evaluate("() => document.querySelector('#learner').value")
        old_session = page.page.evaluate("() => window.vivaDebug.sessionId")

        other = VivaPage(two, viva_server.url)  # the same learner on another device
        other.page.select_option("#learner", learner_id)
        other.start("drill")
        page.wait_message("m => m.type === 'taken_over'", 30)
        page.page.wait_for_function("() => window.vivaDebug.connection === 'stopped'", timeout=10_000)
        assert "somewhere else" in page.page.inner_text("body")
        row = wait_for_cut_answer(viva_server, learner_id, question["id"])
        first_part_s = wavfile.seconds(Path(row["audio_path"]))

        other.wait_message("m => m.type === 'bot' && /here's the question again/i.test(m.text)", 30)
        other.wait_message("m => m.type === 'bot' && /covered|missed/i.test(m.text)", 90)
        # The first page neither reconnected nor took the session back.
        assert page.page.evaluate("() => window.vivaDebug.connection") == "stopped"
        assert page.page.evaluate("() => window.vivaDebug.sessionId") == old_session
        assert not any(m["type"] == "taken_over" for m in other.messages())
        assert http_json(viva_server.url + "/api/health")["sessions"] == 1
    check_both_parts_kept(viva_server, transcriber, learner_id, question["id"], first_part_s)
    # One writer at a time: the file was closed by the first session before the second opened it.
    attempt_file = Path(row["audio_path"]).name
    events = [
        line.split("recording ")[1].split(" (")[0] for line in viva_server.output if f"recording {attempt_file}" in line
    ]
    assert events == [f"{attempt_file} opened", f"{attempt_file} closed"] * 2, events


def test_typed_answer(viva_server, say, tmp_path: Path) -> None:
    wav = mic_wav(tmp_path / "mic.wav", say, [60.0])
    with browser_with_mic(wav) as browser:
        page = VivaPage(browser, viva_server.url)
        page.create_learner(name(), wait=False)
        page.start("drill")  # at once: the page must wait for the new profile, not use an older one
        page.wait_message("m => m.type === 'state' && m.mode === 'answer' && m.question")
        page.page.wait_for_function("() => !document.querySelector('#answer-text').disabled", timeout=20_000)
        page.page.fill("#answer-text", "Eigenvectors are only scaled, A v equals lambda v, so their span is invariant.")
        page.page.click("#answer-send")
        page.wait_message("m => m.type === 'bot' && /covered|missed/i.test(m.text)", 30)
        learner_id = page.page.evaluate("() => document.querySelector('#learner').value")
    row = next(r for r in attempts(viva_server, learner_id) if r["status"] == "answered")
    assert row["typed"] and row["answer_text"].startswith("Eigenvectors are only scaled")


def test_two_browsers_do_independent_drills(viva_server, say, tmp_path: Path) -> None:
    first = mic_wav(tmp_path / "a.wav", say, [QUESTION_GAP_S, ANSWER, 12.0])
    second = mic_wav(tmp_path / "b.wav", say, [QUESTION_GAP_S + 2, "skip this one", 12.0])
    with browsers_with_mics(first, second) as (one, two):
        pages = [VivaPage(one, viva_server.url), VivaPage(two, viva_server.url)]
        for page in pages:
            page.create_learner(name())
            page.start("drill")
        pages[0].wait_message("m => m.type === 'bot' && /covered|missed/i.test(m.text)", 90)
        pages[1].wait_message("m => m.type === 'final'", 90)
        pages[1].wait_message("m => m.type === 'bot' && /skip/i.test(m.text)", 30)
        ids = [p.page.evaluate("() => document.querySelector('#learner').value") for p in pages]
        finals = [[m["text"].lower() for m in p.messages() if m["type"] == "final"] for p in pages]
        transcripts = [
            [(m["type"], m.get("text")) for m in p.messages() if m["type"] in ("bot", "final")] for p in pages
        ]
    assert ids[0] != ids[1]
    assert any("eigenvector" in f for f in finals[0]) and not any("eigenvector" in f for f in finals[1])
    first_rows = attempts(viva_server, ids[0])
    assert any(r["status"] == "answered" for r in first_rows), ([dict(r) for r in first_rows], transcripts[0])
    second_rows = attempts(viva_server, ids[1])
    assert any(r["status"] == "skipped" for r in second_rows) and all(r["status"] != "answered" for r in second_rows)
