"""Driving the real page in Debian's Chromium (Playwright), with a WAV file as the microphone."""

from __future__ import annotations

import shutil
import wave
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

CHROMIUM = "/usr/bin/chromium"
LEAD_IN_S = 1.5  # the fake mic starts at getUserMedia: give the page time to connect


def chromium_args(wav: Path) -> list[str]:
    return [
        "--no-sandbox",
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={wav}%noloop",
        "--allow-loopback-in-peer-connection",
        "--autoplay-policy=no-user-gesture-required",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]


def mic_wav(path: Path, say: Callable[[str], np.ndarray], script: Sequence[str | float]) -> Path:
    """A 48 kHz mono WAV: floats are seconds of silence, strings are spoken (Piper)."""
    from voicebot.playback import to_frames

    pieces = [np.zeros(int(LEAD_IN_S * 16000), np.float32)]
    for item in script:
        pieces.append(np.zeros(int(item * 16000), np.float32) if isinstance(item, (int, float)) else say(item))
    frames = to_frames(np.concatenate(pieces), 16000)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(48000)
        out.writeframes(np.concatenate(frames).astype(np.int16).tobytes())
    return path


@contextmanager
def browsers_with_mics(*wavs: Path):
    """One Chromium per microphone file (the fake mic is a launch flag), one Playwright."""
    if not Path(CHROMIUM).exists() or shutil.which("chromium") is None:
        pytest.fail("Chromium is missing: `make setup` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browsers = [
            playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=chromium_args(wav)) for wav in wavs
        ]
        try:
            yield browsers
        finally:
            for browser in browsers:
                browser.close()


@contextmanager
def browser_with_mic(wav: Path):
    with browsers_with_mics(wav) as (browser,):
        yield browser


class VivaPage:
    """The page as a learner uses it; reads `window.vivaDebug` for assertions."""

    def __init__(self, browser, url: str, init_script: str | None = None) -> None:
        self.page = browser.new_page()
        if init_script is not None:  # runs before the page's own scripts
            self.page.add_init_script(init_script)
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.goto(url)

    def create_learner(self, name: str, wait: bool = True) -> None:
        self.page.evaluate("() => { document.querySelector('#new-learner').open = true; }")
        self.page.fill("#new-learner-name", name)
        self.page.click("#create-learner")
        if not wait:
            return
        # Wait for *this* profile to be selected: the page may already have selected an older one.
        self.page.wait_for_function(
            "name => { const s = document.querySelector('#learner');"
            " return s.selectedIndex >= 0 && s.options[s.selectedIndex].text.startsWith(name); }",
            arg=name,
            timeout=10_000,
        )

    def start(self, mode: str = "drill") -> None:
        self.page.select_option("#mode", mode)
        self.page.click("#start")

    def messages(self) -> list[dict[str, Any]]:
        return self.page.evaluate("() => window.vivaDebug.messages")

    def wait_message(self, js_predicate: str, timeout_s: float = 60) -> None:
        """`js_predicate` is an arrow function over a message, e.g. "m => m.type === 'final'"."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                f"() => window.vivaDebug.messages.some({js_predicate})", timeout=timeout_s * 1000, polling=100
            )
        except PlaywrightTimeout as exc:
            seen = [
                {k: m.get(k) for k in ("type", "text", "mode")}
                for m in self.messages()[-15:]
                if m.get("type") != "pong"
            ]
            said = [m.get("text") for m in self.messages() if m.get("type") in ("bot", "error")]
            raise AssertionError(
                f"no message matching {js_predicate} in {timeout_s} s; last: {seen}; Viva said: {said}"
            ) from exc

    def first(self, kind: str) -> dict[str, Any] | None:
        return next((m for m in self.messages() if m.get("type") == kind), None)

    def state(self) -> dict[str, Any] | None:
        return self.page.evaluate("() => window.vivaDebug.state")

    def inbound_level(self) -> float:
        return float(self.page.evaluate("() => window.vivaDebug.inboundLevel()"))

    def wait_inbound_audio(self, timeout_s: float = 30, threshold: float = 0.01) -> None:
        """Until an inbound peak passes `threshold` (Viva is heard). The condition is met in the
        page, in one reading: a second reading may fall in a pause between words."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self.page.wait_for_function(
                "threshold => window.vivaDebug.inboundLevel() > threshold",
                arg=threshold,
                timeout=timeout_s * 1000,
                polling=50,
            )
        except PlaywrightTimeout as exc:
            raise AssertionError(
                f"Viva was not heard in {timeout_s} s (inbound peak {self.inbound_level():.4f})"
            ) from exc

    def close(self) -> None:
        self.page.close()
