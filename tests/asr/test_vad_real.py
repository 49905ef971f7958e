"""Endpointing real clips padded with silence or noise, and a clip with a thinking pause."""

import asyncio

import numpy as np
import pytest

from asr.audio import SAMPLE_RATE, load_file
from asr.events import FinalTranscript
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.streaming import StreamingRecognizer
from asr.whisper import DecodeRequest
from tests.conftest import noise, silence

pytestmark = [pytest.mark.slow, pytest.mark.shared]

SHORT = "1089-134691-0000.flac"  # "he could wait no longer", 2.1 s, no pause inside
LONG = "1089-134691-0001.flac"  # "for a full hour he had paced up and down waiting …", 5.4 s


def finals_of(pool, audio: np.ndarray, profile: EndpointProfile) -> list[FinalTranscript]:
    events: list = []

    async def run() -> None:
        recognizer = StreamingRecognizer(
            pool, events.append, asr=AsrOptions(), vad=VadOptions(), profile=profile, realtime=False
        )
        for start in range(0, audio.shape[0], 320):
            await recognizer.feed(audio[start : start + 320])
        await recognizer.finish()

    asyncio.run(run())
    return [e for e in events if isinstance(e, FinalTranscript)]


def speech_bounds(audio: np.ndarray) -> tuple[float, float]:
    """Where the clip's own energy says speech is (first/last 10 ms above -35 dBFS)."""
    frames = audio[: audio.shape[0] // 160 * 160].reshape(-1, 160)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > 10 ** (-35 / 20))
    return loud[0] * 0.01, (loud[-1] + 1) * 0.01


@pytest.mark.parametrize("padding", ["silence", "noise"])
def test_boundaries_of_a_padded_clip(clips, pool, padding: str) -> None:
    clip = load_file(next(c.path for c in clips if c.path.name == SHORT))
    first, last = speech_bounds(clip)
    pad = silence if padding == "silence" else (lambda s: noise(s, level=0.01))
    audio = np.concatenate([pad(2.0), clip, pad(3.0)])
    finals = finals_of(pool, audio, EndpointProfile.COMMAND)
    assert len(finals) == 1, [f.text for f in finals]
    final = finals[0]
    assert "wait no longer" in final.text.lower()
    preroll = VadOptions().preroll_ms / 1000
    # The utterance starts one pre-roll before the onset; the onset is within 150 ms of speech.
    assert abs(final.start + preroll - (2.0 + first)) <= 0.15
    # The endpoint comes one hangover after the speech ends (within 150 ms).
    hangover = VadOptions().command_hangover_ms / 1000
    assert abs(final.end - hangover - (2.0 + last)) <= 0.15
    # Word timings are relative to the utterance's audio.
    assert 0 <= final.words[0].start < final.words[-1].end <= final.end - final.start


def test_thinking_pause_is_one_answer_but_splits_commands(clips, pool, transcriber) -> None:
    clip = load_file(next(c.path for c in clips if c.path.name == LONG))
    natural = len(finals_of(pool, np.concatenate([silence(1.0), clip, silence(3.0)]), EndpointProfile.COMMAND))
    words = transcriber.transcribe(clip, DecodeRequest(word_timestamps=True)).words
    middle = min(words[1:-1], key=lambda w: abs(w.end - clip.shape[0] / SAMPLE_RATE / 2))
    cut = int(middle.end * SAMPLE_RATE)
    audio = np.concatenate([silence(1.0), clip[:cut], silence(1.5), clip[cut:], silence(3.0)])
    answer = finals_of(pool, audio, EndpointProfile.ANSWER)
    command = finals_of(pool, audio, EndpointProfile.COMMAND)
    assert len(answer) == 1, [f.text for f in answer]
    assert len(command) == natural + 1, [f.text for f in command]
    assert "no longer" in answer[0].text.lower() and "no longer" in command[-1].text.lower()
