"""Speech-synthesis options."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TtsOptions:
    engine: str = "piper"
    """`piper` (default, bundled voice) or `coqui` (optional extra: pip install 'viva[coqui]')."""
    voice: str = ""
    """Piper: path to a voice .onnx (its .onnx.json beside it); empty = the bundled CC0 voice.
    Coqui: path to a model directory or checkpoint file (with config.json beside it)."""
    rate: float = 1.0
    """Speaking rate: 1.0 normal, 0.8 slower, 1.25 faster (Piper's length_scale = 1 / rate)."""
    deterministic: bool = False
    """noise_scale = noise_w_scale = 0: the same text gives the same samples (tests)."""
    threads: int = 1
    """ONNX Runtime intra-op threads; one is fastest for sentence-sized inputs on 2 cores."""
    cache_entries: int = 128
    """Rendered pieces kept in memory besides the fixed prompts (pre-rendered and kept for good):
    short openers and pieces rehearsed ahead of a reply (tts/cache.py). An opener is at most
    `first_chunk_chars` long (~2 s of float32 at 22 kHz, 176 KB), so openers take ~22 MB at most."""
    first_chunk_chars: int = 32
    """A reply's first piece is cut to at most this many characters (tts.speaker.quick_start):
    its synthesis is the time to first audio when it is not cached. Piper (joe-medium, one
    thread) takes ~100 ms for 32 characters: `python -m benchmarks tts`."""
