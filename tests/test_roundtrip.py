"""Piper speaks ML sentences (maths included), Whisper hears them back.

As in a drill, the question's key terms bias the recogniser (without them tiny.en hears
"variants" for "variance" and "soft max" for "softmax" — see docs/benchmarks.md).
"""

import pytest

from asr.whisper import DecodeRequest
from benchmarks.metrics import normalize

pytestmark = pytest.mark.slow

CASES = [
    ("Attention scores are divided by $\\sqrt{d_k}$ before the softmax.", ["square root", "softmax"]),
    ("The normal equation contains $X^T X$, which is X transpose X.", ["normal equation", "transpose"]),
    ("Gradient descent with a learning rate of 1e-3 converged.", ["gradient descent", "learning rate"]),
    ("A p-value with p < 0.05 is called significant.", ["less than", "significant"]),
    ("Bagging reduces variance by averaging many decision trees.", ["bagging", "variance", "decision trees"]),
    ("The model outputs $\\hat{y} = \\sigma(w^T x)$.", ["sigma", "transpose"]),
    ("Sort costs O(n log n) comparisons.", ["log n", "comparisons"]),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_piper_to_whisper_round_trip(say, transcriber, text: str, expected: list[str]) -> None:
    request = DecodeRequest(beam_size=5, hotwords=" ".join(expected))
    heard = normalize(transcriber.transcribe(say(text), request).text)
    for phrase in expected:
        assert normalize(phrase) in heard, f"{phrase!r} not in {heard!r}"
