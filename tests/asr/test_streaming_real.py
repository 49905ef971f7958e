"""Live streaming through the real model: partials, speculative finals, done-phrases, commits."""

import asyncio
import os

import numpy as np
import psutil
import pytest

from asr.audio import SAMPLE_RATE, write_wav
from asr.events import FinalTranscript, PartialTranscript, SpeechStarted
from asr.files import transcribe_file
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.streaming import StreamingRecognizer
from benchmarks.metrics import normalize, wer
from tests.conftest import silence
from voicebot.biasing import COMMAND_HOTWORDS

pytestmark = pytest.mark.slow


async def live(
    pool, audio: np.ndarray, profile: EndpointProfile, speed: float = 1.0, hotwords: str | None = None, **kw
) -> list:
    events: list = []
    loop = asyncio.get_running_loop()
    stamp = lambda e: events.append((loop.time(), e))  # noqa: E731
    recognizer = StreamingRecognizer(
        pool, stamp, asr=AsrOptions(**kw), vad=VadOptions(), profile=profile, hotwords=hotwords
    )
    start = loop.time()
    for offset in range(0, audio.shape[0], 320):
        await recognizer.feed(audio[offset : offset + 320])
        await asyncio.sleep(max(0.0, start + (offset + 320) / SAMPLE_RATE / speed - loop.time()))
    await recognizer.finish()
    await recognizer.close()
    return events


def test_partials_come_before_the_final(pool, say) -> None:
    speech = say("Gradient boosting fits each new tree to the residual errors of the ensemble so far.")
    events = asyncio.run(live(pool, np.concatenate([silence(1.0), speech, silence(1.0)]), EndpointProfile.ANSWER))
    kinds = [type(e).__name__ for _, e in events]
    assert kinds[0] == "SpeechStarted"
    assert "PartialTranscript" in kinds
    assert kinds.index("PartialTranscript") < kinds.index("FinalTranscript")
    final = next(e for _, e in events if isinstance(e, FinalTranscript))
    assert "residual" in normalize(final.text)
    assert final.words and final.words[0].start < 1.5  # relative to the utterance


def test_done_phrase_ends_the_answer_early_and_is_stripped(pool, say) -> None:
    speech = say("Bagging trains trees on bootstrap samples and averages them. That's my answer.")
    audio = np.concatenate([silence(1.0), speech, silence(4.0)])
    events = asyncio.run(live(pool, audio, EndpointProfile.ANSWER))
    final = next(e for _, e in events if isinstance(e, FinalTranscript))
    assert final.reason == "done_phrase" and final.done_phrase == "that's my answer"
    assert "answer" not in normalize(final.text) and "bootstrap" in normalize(final.text)
    speech_end = 1.0 + speech.shape[0] / SAMPLE_RATE
    # Without the phrase the answer would end 2.8 s after the speech; it ended well before.
    assert final.end < speech_end + 1.5


def test_speech_started_precedes_everything_and_ids_increase(pool, say) -> None:
    one, two = say("Repeat the question."), say("Skip.")
    audio = np.concatenate([silence(0.8), one, silence(1.2), two, silence(1.0)])
    # Biased with the command words, as the voice bot does in command mode: unbiased, tiny.en
    # hears a lone "Skip." as "It's good." at some alignments.
    events = [e for _, e in asyncio.run(live(pool, audio, EndpointProfile.COMMAND, hotwords=COMMAND_HOTWORDS))]
    starts = [e for e in events if isinstance(e, SpeechStarted)]
    finals = [e for e in events if isinstance(e, FinalTranscript)]
    assert [e.utterance_id for e in starts] == [1, 2] == [f.utterance_id for f in finals]
    assert "repeat" in normalize(finals[0].text) and "skip" in normalize(finals[1].text)
    assert all(not isinstance(e, PartialTranscript) or e.text for e in events)


def test_three_minute_monologue_keeps_every_window(pool, say, tmp_path) -> None:
    sentences = [
        "Principal component analysis projects the data onto the directions of largest variance.",
        "Those directions are the eigenvectors of the covariance matrix.",
        "The singular value decomposition computes them without forming the covariance explicitly.",
        "Regularisation adds a penalty on the weights so the model generalises better.",
        "Cross validation estimates how well the model will do on data it has not seen.",
        "Gradient descent takes small steps against the gradient of the loss.",
    ]
    pieces, script = [], []
    while sum(p.shape[0] for p in pieces) < 180 * SAMPLE_RATE:
        for sentence in sentences:
            pieces += [say(sentence), silence(0.4)]
            script.append(sentence)
    path = tmp_path / "monologue.wav"
    write_wav(path, np.concatenate(pieces))
    rss_before = psutil.Process(os.getpid()).memory_info().rss

    result = asyncio.run(transcribe_file(path, pool, asr=AsrOptions(), vad=VadOptions(), realtime=True, speed=3.0))

    growth_mb = (psutil.Process(os.getpid()).memory_info().rss - rss_before) / 2**20
    assert result.duration >= 180
    assert len(result.utterances) == 1  # 0.4 s breaths never end an answer
    assert wer([" ".join(script)], [result.text]) < 0.12
    assert normalize(result.text).count("gradient descent") >= len(script) // len(sentences) - 1
    assert result.words[-1].end > 170  # timings run to the end: nothing was dropped
    assert growth_mb < 200
