"""The voice bot's ASR biasing, through the real model: commands said while a question is open
must survive the question's key terms as hotwords."""

import pytest

from asr.whisper import DecodeRequest
from benchmarks.metrics import normalize
from voicebot.biasing import answer_hotwords

pytestmark = pytest.mark.slow

TERMS = ["eigenvector", "eigenvalue", "invariant subspace", "lambda"]


@pytest.mark.parametrize(
    ("said", "word"),
    [("Skip this one.", "skip"), ("Give me a hint.", "hint"), ("Repeat the question.", "repeat")],
)
def test_commands_are_heard_in_answer_mode(transcriber, say, said: str, word: str) -> None:
    heard = transcriber.transcribe(say(said), DecodeRequest(beam_size=5, hotwords=answer_hotwords(TERMS))).text
    assert word in normalize(heard).split()


def test_answers_keep_their_terms(transcriber, say) -> None:
    answer = "An eigenvector is only scaled by the matrix, so its span is an invariant subspace."
    heard = normalize(
        transcriber.transcribe(say(answer), DecodeRequest(beam_size=5, hotwords=answer_hotwords(TERMS))).text
    )
    assert "eigenvector" in heard and "invariant subspace" in heard
