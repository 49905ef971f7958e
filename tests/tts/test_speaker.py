"""The Piper engine through the streaming Speaker interface."""

import numpy as np
import pytest

from tts.exceptions import EngineUnavailableError
from tts.options import TtsOptions
from tts.speaker import Speaker, load_engine

pytestmark = pytest.mark.slow


def test_streams_one_chunk_per_sentence_with_its_rate(speaker) -> None:
    text = "Good. Here is today's first question. Why does X transpose X appear in the normal equation?"
    chunks = list(speaker.stream(text))
    assert len(chunks) >= 2
    assert all(c.sample_rate == 22050 and c.samples.dtype == np.float32 for c in chunks)
    assert all(c.duration > 0.3 for c in chunks)
    assert chunks[-1].text.startswith("Why does X transpose X")


def test_deterministic_mode_repeats_exactly(speaker) -> None:
    first = speaker.engine.synthesize("Deterministic speech for tests.", 1.0)
    second = speaker.engine.synthesize("Deterministic speech for tests.", 1.0)
    assert np.array_equal(first, second)


def test_rate_changes_duration(speaker) -> None:
    slow = speaker.engine.synthesize("Let's take this a little slower.", 0.8)
    fast = speaker.engine.synthesize("Let's take this a little slower.", 1.25)
    assert slow.shape[0] > fast.shape[0] * 1.3


def test_fixed_prompts_are_prerendered_into_the_cache(speaker) -> None:
    prompts = ["Okay, skipping that one.", "Say repeat, skip, or hint at any time."]
    assert speaker.prerender(prompts) >= 2
    hits = speaker.cache.hits
    chunks = list(speaker.stream(prompts[0]))
    assert speaker.cache.hits == hits + len(chunks)
    assert speaker.prerender(prompts) == 0  # already there


def test_long_first_sentence_is_split_for_a_quick_start(speaker) -> None:
    text = (
        "Before we begin, remember that the singular value decomposition factors any matrix "
        "into rotations and a scaling, which is why it shows up everywhere."
    )
    plan = speaker.plan(text)
    assert plan[0] == "Before we begin,"
    assert "".join(plan).replace(" ", "") == speaker.plan(text)[0].replace(" ", "") + "".join(plan[1:]).replace(" ", "")


def test_unknown_or_missing_engines_fail_with_the_fix() -> None:
    with pytest.raises(EngineUnavailableError, match="piper"):
        load_engine(TtsOptions(engine="festival"))
    with pytest.raises(EngineUnavailableError, match="voice not found"):
        load_engine(TtsOptions(voice="/nonexistent/voice.onnx"))


def test_coqui_without_a_model_names_the_fix() -> None:
    with pytest.raises(EngineUnavailableError, match=r"viva\[coqui\]|needs a model"):
        load_engine(TtsOptions(engine="coqui"))


def test_speaker_renders_empty_text_to_silence(speaker) -> None:
    assert speaker.render("").samples.size == 0
    assert isinstance(speaker, Speaker)


def test_first_chunk_starts_with_the_voice_not_silence(speaker) -> None:
    text = "Okay, skipping. Here is the next one."
    raw = speaker.engine.synthesize(speaker.plan(text)[0], 1.0)
    first = next(iter(speaker.stream(text))).samples
    lead = int(np.argmax(np.abs(first) > 0.003)) / speaker.sample_rate
    assert lead <= 0.011
    assert np.array_equal(first, raw[raw.shape[0] - first.shape[0] :])  # only leading silence went
