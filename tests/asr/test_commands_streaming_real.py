"""Commands through the real recogniser, live: Piper speech, real Whisper, the bot's biasing and
command sets. A command said while a question is open ends its turn without waiting out the
answer hangover; an answer that begins with a command word stays one answer."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from asr.events import FinalTranscript
from asr.options import AsrOptions, EndpointProfile, VadOptions
from asr.streaming import StreamingRecognizer
from asr.whisper import DecodeRequest
from benchmarks.metrics import normalize
from benchmarks.speech_marks import voiced_span
from tests.conftest import silence
from voicebot.biasing import answer_hotwords, commands_for

pytestmark = pytest.mark.slow

TERMS = ("eigenvector", "eigenvalue", "invariant subspace", "span")


def trimmed(audio: np.ndarray) -> np.ndarray:
    """Piper's speech without its leading and trailing silence."""
    span = voiced_span(audio, 16_000)
    return audio[span.first : span.last + 1]


async def finals_of(pool, audio: np.ndarray) -> list[FinalTranscript]:
    """`audio` at real time through a recogniser set up as the voice bot does while answering."""
    finals: list[FinalTranscript] = []
    recognizer = StreamingRecognizer(
        pool,
        lambda e: finals.append(e) if isinstance(e, FinalTranscript) else None,
        asr=AsrOptions(),
        vad=VadOptions(),
        profile=EndpointProfile.ANSWER,
        hotwords=answer_hotwords(TERMS),
        commands=commands_for("answer"),
    )
    loop = asyncio.get_running_loop()
    start = loop.time()
    for offset in range(0, audio.shape[0], 320):
        await recognizer.feed(audio[offset : offset + 320])
        await asyncio.sleep(max(0.0, start + (offset + 320) / 16_000 - loop.time()))
    await recognizer.finish()
    await recognizer.close()
    return finals


@pytest.mark.parametrize("phrase", ["repeat the question", "skip this one", "give me a hint", "repeat"])
def test_a_command_said_while_answering_ends_without_the_answer_hangover(pool, say, phrase: str) -> None:
    audio = np.concatenate([silence(0.8), trimmed(say(phrase)), silence(3.5)])
    (final,) = asyncio.run(finals_of(pool, audio))
    assert normalize(final.text) == normalize(phrase)
    assert final.reason == "command_phrase"
    waited = final.endpoint_at - final.speech_end
    assert waited < VadOptions().answer_hangover_ms / 2000, waited  # the answer profile would wait 2.8 s


@pytest.mark.parametrize(
    ("first", "rest"),
    [
        ("Skip", "lists let you skip over many nodes at once, so search takes logarithmic time."),
        ("Stop", "words are removed before counting the terms of each document."),
    ],
)
def test_an_answer_that_begins_with_a_command_word_stays_one_answer(pool, say, first: str, rest: str) -> None:
    # A 150 ms breath after the command word: long enough for a pause and a speculative decode.
    audio = np.concatenate(
        [silence(0.8), trimmed(say(first)), silence(0.15), say(rest + " That's my answer."), silence(3.5)]
    )
    (final,) = asyncio.run(finals_of(pool, audio))  # one utterance: the command word was not cut off
    assert final.reason == "done_phrase"
    assert final.start < 0.8  # it starts with the command word (pre-roll included)
    assert normalize(rest.split()[-1]) in normalize(final.text)  # and runs to the end of the answer


def test_a_looping_partial_is_not_decoded_again_in_the_30_s_window(transcriber, say) -> None:
    """The regression behind slow "repeat" turns: a greedy partial whose text looped was decoded
    again in Whisper's 30 s window (~3x the cost) on the only decode worker, and the speculative
    final of the same utterance waited behind it. Repeated speech makes the text loop on purpose."""
    audio = np.concatenate([silence(0.3), say("skip this one skip this one skip this one"), silence(0.3)])
    windows: list[int] = []
    decode = transcriber._decode

    def counted(audio, request, window):
        windows.append(window)
        return decode(audio, request, window)

    transcriber._decode = counted
    try:
        transcriber.transcribe(audio, DecodeRequest(beam_size=1, fallback=False))
        assert windows == [10]
        windows.clear()
        final = transcriber.transcribe(audio, DecodeRequest(beam_size=5))
        assert windows == [10, 30]  # finals keep the fallback: it fixes real loops on short commands
        assert normalize(final.text).count("skip this one") == 1
    finally:
        del transcriber._decode
