"""Real speech (../shared/speech) through the real tiny.en model."""

import asyncio

import pytest

from asr.audio import load_file
from asr.files import transcribe_file
from asr.options import AsrOptions, VadOptions
from asr.whisper import DecodeRequest
from benchmarks.metrics import normalize, wer

pytestmark = [pytest.mark.slow, pytest.mark.shared]

# Measured with `make bench` on the 39 clips: 3.7 % (beam 5, adaptive window). The bound leaves
# room for CPU-dependent int8 kernels, not for a regression of the decoder.
OFFLINE_WER_BOUND = 0.045


@pytest.fixture(scope="module")
def offline(clips, transcriber) -> dict[str, str]:
    request = DecodeRequest(beam_size=AsrOptions().beam_size)
    return {str(c.path): transcriber.transcribe(load_file(c.path), request).text for c in clips}


def test_offline_wer_on_shared_clips(clips, offline) -> None:
    score = wer([c.reference for c in clips], [offline[str(c.path)] for c in clips])
    assert score <= OFFLINE_WER_BOUND, f"WER {score:.3%}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "jfk.flac",
            "and so my fellow americans ask not what your country can do for you ask what you can do for your country",
        ),
        ("1089-134691-0000.flac", "he could wait no longer"),
        ("LJ001-0008.wav", None),
    ],
)
def test_exact_text_on_clips(clips, offline, name: str, expected: str | None) -> None:
    clip = next(c for c in clips if c.path.name == name)
    assert normalize(offline[str(clip.path)]) == (expected or normalize(clip.reference))


def test_streamed_finals_stay_within_half_a_point_of_offline(clips, offline, pool) -> None:
    async def stream_all() -> list[str]:
        texts = []
        for clip in clips:
            result = await transcribe_file(
                clip.path, pool, asr=AsrOptions(), vad=VadOptions(), realtime=True, speed=3.0
            )
            texts.append(result.text)
        return texts

    streamed = asyncio.run(stream_all())
    references = [c.reference for c in clips]
    offline_wer = wer(references, [offline[str(c.path)] for c in clips])
    streamed_wer = wer(references, streamed)
    assert streamed_wer <= offline_wer + 0.005, f"streamed {streamed_wer:.3%} vs offline {offline_wer:.3%}"
