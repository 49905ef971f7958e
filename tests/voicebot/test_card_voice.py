"""A card review by voice through a real browser: Chromium + a WAV microphone + `viva serve`
(real faster-whisper, the real trained Rasa and its action server, Piper).

The card's front is read aloud, the learner answers aloud and says "good", the next card is read;
then the headset buttons grade cards. Chromium has no headset here: an init script records the
handlers the page registers with `navigator.mediaSession.setActionHandler` (the real API, called
by the page), and the test calls the registered `nexttrack` / `previoustrack` / `pause` / `play`
handlers, which is what the browser does when a button is pressed."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.dialogue.helpers import store
from tests.voicebot.browser import VivaPage, browser_with_mic, mic_wav
from voicebot.settings import ServerOptions
from voicebot.silence import CARD_REPROMPT

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.rasa]

CARD_GAP_S = 20.0  # connect, the review's intro and the first card's front
ANSWER = "The normal equation, X transpose X inverse times X transpose y. That's my answer."
RATING_GAP_S = 16.0
REPROMPT_S = ServerOptions().reprompt_after_s  # the back, how close the answer was, and the rating prompt
RECORD_MEDIA_KEYS = """
window.__mediaHandlers = {};
if ('mediaSession' in navigator) {
  const register = navigator.mediaSession.setActionHandler.bind(navigator.mediaSession);
  navigator.mediaSession.setActionHandler = (action, handler) => {
    window.__mediaHandlers[action] = handler;
    return register(action, handler);
  };
}
"""


def reviews(server, learner_id: str) -> list[tuple[int, int]]:
    with store(server) as db:
        rows = db.execute(
            "SELECT card_id, rating FROM card_reviews WHERE learner_id = ? ORDER BY id", (learner_id,)
        ).fetchall()
    return [tuple(r) for r in rows]


def wait_card(page: VivaPage, mode: str, position: int, timeout_s: float = 60) -> dict:
    """The `state` once card `position` is in `mode` (answer: its front; rating: its back was said)."""
    page.wait_message(
        f"m => m.type === 'state' && m.mode === '{mode}' && m.card && m.position === {position}", timeout_s
    )
    state = next(
        m for m in reversed(page.messages()) if m.get("type") == "state" and m.get("card") and m["position"] == position
    )
    return state["card"]


def press(page: VivaPage, action: str) -> None:
    """What the browser does when a headset / lock-screen button is pressed: call the handler."""
    page.page.evaluate("action => window.__mediaHandlers[action]({action})", action)


def test_a_card_review_by_voice_then_by_headset_buttons(viva_server, say, tmp_path: Path) -> None:
    wav = mic_wav(tmp_path / "mic.wav", say, [CARD_GAP_S, ANSWER, RATING_GAP_S, "good", 4.0])
    with browser_with_mic(wav) as browser:
        page = VivaPage(browser, viva_server.url, init_script=RECORD_MEDIA_KEYS)
        page.create_learner(f"Commuter {uuid.uuid4().hex[:6]}")
        learner_id = page.page.evaluate("() => document.querySelector('#learner').value")
        page.page.click("#commute-open")
        assert page.page.is_visible("#commute-control") and not page.page.is_visible("#question")
        assert set(page.page.evaluate("() => Object.keys(window.__mediaHandlers)")) >= {
            "play",
            "pause",
            "nexttrack",
            "previoustrack",
        }
        page.page.click("#commute-control")  # the one large control: start the card review

        first = wait_card(page, "answer", 1)
        page.wait_message(f"m => m.type === 'bot' && m.text.includes({first['spoken_front']!r})", 30)
        page.wait_inbound_audio(30)  # the front is read aloud
        assert page.page.inner_text("#commute-label") == "Pause"

        page.wait_message("m => m.type === 'final' && /normal equation/i.test(m.text)", 60)
        assert wait_card(page, "rating", 1)["id"] == first["id"]
        page.wait_message("m => m.type === 'bot' && /^the answer/i.test(m.text)", 30)

        # tiny.en may say it twice ("good good"): still the rating good
        page.wait_message("m => m.type === 'final' && /^(\\W*good\\W*)+$/i.test(m.text)", 60)
        second = wait_card(page, "answer", 2)
        assert second["id"] != first["id"]
        page.wait_message("m => m.type === 'bot' && /card 2 of/i.test(m.text)", 30)
        page.wait_inbound_audio(30)  # the next card is read
        assert reviews(viva_server, learner_id) == [(first["id"], 3)]  # the spoken "good" graded it

        # The headset: next says the back, next again rates it good.
        press(page, "nexttrack")
        assert wait_card(page, "rating", 2)["id"] == second["id"]
        press(page, "nexttrack")
        third = wait_card(page, "answer", 3)
        assert reviews(viva_server, learner_id) == [(first["id"], 3), (second["id"], 3)]

        # Pause mutes the mic and Viva says so; play resumes with the card said again.
        press(page, "pause")
        page.page.wait_for_function("() => window.vivaDebug.paused", timeout=5_000)
        assert page.page.inner_text("#commute-label") == "Resume"
        page.wait_message("m => m.type === 'bot' && /^okay, paused/i.test(m.text)", 30)
        press(page, "play")
        page.wait_message("m => m.type === 'bot' && /here's the card again/i.test(m.text)", 30)
        assert not page.page.evaluate("() => window.vivaDebug.paused")

        # Previous while rating: again.
        press(page, "nexttrack")
        wait_card(page, "rating", 3)
        press(page, "previoustrack")
        wait_card(page, "answer", 4)
        assert reviews(viva_server, learner_id)[-1] == (third["id"], 1)

        # The microphone is silent from here: one re-prompt after `reprompt_after_s`, then a pause.
        page.wait_message(f"m => m.type === 'bot' && m.text === {CARD_REPROMPT!r}", REPROMPT_S + 30)
        page.page.wait_for_function(
            f"""() => {{
              const ms = window.vivaDebug.messages;
              const i = ms.findIndex(m => m.type === 'bot' && m.text === {CARD_REPROMPT!r});
              return i >= 0 && ms.slice(i + 1).some(m => m.type === 'bot' && /^okay, paused/i.test(m.text));
            }}""",
            timeout=(REPROMPT_S + 40) * 1000,
            polling=250,
        )
        assert not page.errors
