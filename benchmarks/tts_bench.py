"""TTS: time to first audio and real-time factor (Piper, bundled voice)."""

from __future__ import annotations

import time

from benchmarks.common import ms, pct, table
from tts.normalize import speakable
from tts.options import TtsOptions
from tts.speaker import Speaker, load_engine, trim_leading_silence

REPLIES = [
    "Good. You covered why the eigenvectors stay on their own line. You missed the SVD step.",
    "Here is today's first question. Why does $X^T X$ appear in the normal equation?",
    "Okay, skipping that one. Next: explain bagging to a five year old.",
    "Nice. Now try it again without the words matrix and vector.",
    "That's today's drill done. You covered two of three key ideas on average.",
    "Hint: think about what happens to the variance when you average many noisy trees.",
    "Day three of thirty one: entropy and trees. Three questions today.",
    "Say next when you're ready, or answer to hear a model answer.",
    "Scaled dot-product attention divides by $\\sqrt{d_k}$ so the softmax does not saturate.",
    "Sorry, I didn't catch that. Say repeat, skip, or hint at any time.",
]

CARD = (
    r"The normal equation is $\hat{w} = (X^T X)^{-1} X^T y$; attention divides "
    "QK^T by √d_k, e.g. d_k = 64, and the learning rate is 3e-4."
)
# Ten thousand characters of markup that a quadratic reader would choke on.
HUGE = [
    "$" + "{" * 10_000 + "$",
    "$" + r"\frac{a}{b}" * 900 + "$",
    r"Use $\frac{a}{b}$ and x_i^2 with 3e-4 on GPT-4. " * 200,
]


def _normalising() -> tuple[list[float], float]:
    """Seconds `speakable` takes on a flashcard (50 runs) and at most on a 10,000-character text."""
    card = []
    for _ in range(50):
        start = time.perf_counter()
        speakable(CARD)
        card.append(time.perf_counter() - start)
    huge = 0.0
    for text in HUGE:
        start = time.perf_counter()
        speakable(text)
        huge = max(huge, time.perf_counter() - start)
    return card, huge


def run() -> str:
    options = TtsOptions()
    speaker = Speaker(load_engine(options), options)
    speaker.engine.synthesize("Warm up.", 1.0)
    first, synth, audio = [], 0.0, 0.0
    for reply in REPLIES:
        start = time.perf_counter()
        for index, chunk in enumerate(speaker.stream(reply)):
            if index == 0:
                first.append(time.perf_counter() - start)
            audio += chunk.duration
        synth += time.perf_counter() - start
    trimmed = []  # the silence Piper puts before the first word, which `stream` drops
    for reply in REPLIES:
        raw = speaker.engine.synthesize(speaker.plan(reply)[0], options.rate)
        trimmed.append((raw.shape[0] - trim_leading_silence(raw, speaker.sample_rate).shape[0]) / speaker.sample_rate)
    speaker.prerender(REPLIES[:3])
    cached = []
    for reply in REPLIES[:3]:
        start = time.perf_counter()
        next(iter(speaker.stream(reply)))
        cached.append(time.perf_counter() - start)
    card, huge = _normalising()
    return table(
        f"TTS: Piper joe-medium ({speaker.sample_rate} Hz), {len(REPLIES)} typical bot replies, 1 ONNX thread",
        ["measure", "value"],
        [
            ["time to first audio p50 (uncached)", ms(pct(first, 50))],
            ["time to first audio p95 (uncached)", ms(pct(first, 95))],
            ["time to first audio (cached fixed prompt)", ms(pct(cached, 50))],
            ["real-time factor", f"{synth / audio:.3f}"],
            [
                "leading silence trimmed from the first chunk, median (min-max)",
                f"{ms(pct(trimmed, 50))} ({ms(min(trimmed))}-{ms(max(trimmed))})",
            ],
            ["text normalisation of a flashcard with maths, p50", f"{pct(card, 50) * 1000:.2f} ms"],
            ["text normalisation of 10,000 characters of markup, slowest", ms(huge)],
        ],
    )
