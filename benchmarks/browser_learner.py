"""A learner in Debian's Chromium: the real page, a WAV as the microphone, latency as heard.

The fake microphone plays one WAV from the moment the page opens it, so a session is a script
of clips at fixed times with generous gaps for Viva's replies. `browser_probe.js` timestamps, on
the page's AudioContext clock, every onset on the microphone stream and on Viva's stream.

Clocks: the WAV's sample index and the page clock are aligned per clip by the clip's onset as
seen on the page's own microphone stream (same -40 dBFS threshold as in the WAV). The end of
speech is then that onset plus the clip's voiced length (its last audible sample, not the end of
its trailing silence); the reply starts at Viva's first audible sample after it, as played.
"""

from __future__ import annotations

import json
import time
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.speech_marks import voiced_span

_PROBE = Path(__file__).with_name("browser_probe.js")
_ONSETS = Path(__file__).with_name("browser_onsets.js")
# A microphone onset this close to where a clip should start is that clip's. Chromium's fake
# device slips against the page clock (0.7 s over 3 min on a loaded machine, in jumps), hence
# the per-clip alignment; clips are >= 14 s apart and a clip's own pauses come >= 1.5 s in.
_MATCH_S = 1.0
_WAV_RATE = 48_000


@dataclass(frozen=True)
class Line:
    """One scripted utterance and the silence after it (Viva's reply must fit in it)."""

    kind: str
    """What the benchmark calls this turn, e.g. "command in answer mode"."""
    text: str
    wait_after_s: float


@dataclass(frozen=True)
class PlacedClip:
    kind: str
    text: str
    onset_s: float
    """Seconds into the WAV of the clip's first audible sample."""
    end_s: float
    """Seconds into the WAV just after its last audible sample."""


@dataclass(frozen=True)
class HeardTurn:
    kind: str
    text: str
    mode: str | None
    """The bot's mode (last `state` message) when the learner started speaking."""
    latency: float | None
    """Seconds from the last voiced sample to Viva's first audible sample; None if unmatched."""
    overlapped: bool
    """Viva was still talking while the learner spoke (a barge-in, not a turn): not counted."""


def write_script(path: Path, voices: Any, lead_in_s: float, lines: list[Line]) -> list[PlacedClip]:
    """Write the microphone WAV (48 kHz mono int16); `voices(text)` gives 16 kHz float32 speech."""
    from voicebot.playback import to_frames

    pieces = [np.zeros(int(lead_in_s * 16_000), np.float32)]
    placed = []
    cursor = pieces[0].shape[0]
    for line in lines:
        speech = voices(line.text)
        span = voiced_span(speech, 16_000)
        onset, end = (cursor + span.first) / 16_000, (cursor + span.last + 1) / 16_000
        placed.append(PlacedClip(line.kind, line.text, onset, end))
        gap = np.zeros(int(line.wait_after_s * 16_000), np.float32)
        pieces += [speech, gap]
        cursor += speech.shape[0] + gap.shape[0]
    frames = to_frames(np.concatenate(pieces), 16_000)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(_WAV_RATE)
        out.writeframes(np.concatenate(frames).astype(np.int16).tobytes())
    return placed


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def run_page(browser: Any, url: str, learner: str, wav: Path) -> dict[str, Any]:
    """Open the page in `browser` (launched with `wav` as its microphone), run a drill to the
    end of the WAV and return what the probe recorded (see `match_turns`)."""
    from tests.voicebot.browser import VivaPage

    context = browser.new_context(bypass_csp=True)  # the probe's worklet loads from a blob: URL
    onsets = json.dumps(_ONSETS.read_text(encoding="utf-8"))
    context.add_init_script(script=f"window.__vivaOnsetsSource = {onsets};\n" + _PROBE.read_text(encoding="utf-8"))
    page = VivaPage(context, url)
    try:
        page.create_learner(learner)
        page.start("drill")
        try:
            page.page.wait_for_function("() => window.__vivaProbe.ready", timeout=20_000)
        except Exception as exc:
            state = page.page.evaluate("() => window.__vivaProbe")
            raise RuntimeError(f"the page probe did not start: {state}") from exc
        deadline = time.monotonic() + wav_seconds(wav) + 3
        while time.monotonic() < deadline:
            page.page.wait_for_timeout(500)
        probe = page.page.evaluate("() => window.__vivaProbe")
    finally:
        page.close()
        context.close()
    if probe["errors"]:
        raise RuntimeError(f"the page probe failed: {probe['errors']}")
    return probe


def match_turns(probe: dict[str, Any], clips: list[PlacedClip]) -> list[HeardTurn]:
    """Pair each scripted clip with its onset on the page and Viva's first sound after it."""
    rate = float(probe["rate"])
    mic = [f / rate for f in probe["mic"]]
    voice = [(f / rate, quiet / rate) for f, quiet in zip(probe["voice"], probe["voiceLastLoud"], strict=True)]
    states = [(m["at"] / rate, m["message"]) for m in probe["messages"] if m["message"].get("type") == "state"]
    turns = []
    offset = mic[0] - clips[0].onset_s if mic and clips else 0.0
    for clip in clips:
        expected = clip.onset_s + offset
        onset = min(mic, key=lambda t: abs(t - expected), default=None)
        if onset is None or abs(onset - expected) > _MATCH_S:
            turns.append(HeardTurn(clip.kind, clip.text, None, None, False))
            continue
        offset = onset - clip.onset_s  # follow any drift between the WAV and the page clock
        end = onset + (clip.end_s - clip.onset_s)
        mode = next((m.get("mode") for at, m in reversed(states) if at <= onset), None)
        reply = next(((at, quiet) for at, quiet in voice if at > end), None)
        if reply is None:
            turns.append(HeardTurn(clip.kind, clip.text, mode, None, False))
            continue
        at, last_loud = reply
        overlapped = last_loud > onset - 0.3  # Viva was audible while the learner spoke
        turns.append(HeardTurn(clip.kind, clip.text, mode, at - end, overlapped))
    return turns
