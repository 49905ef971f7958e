"""Coqui TTS as an optional engine behind the same interface (pip install 'viva[coqui]').

The model is loaded by path only (a checkpoint and its config.json): nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tts.exceptions import EngineUnavailableError
from tts.options import TtsOptions


def _model_files(voice: str) -> tuple[Path, Path]:
    """A checkpoint file (config.json beside it) or a directory holding both."""
    if not voice:
        raise EngineUnavailableError(
            "the coqui engine needs a model: set tts.voice to a Coqui model directory or "
            "checkpoint (.pth) with config.json beside it (Viva never downloads models)"
        )
    path = Path(voice).expanduser()
    if path.is_dir():
        # A training run holds several checkpoints; the newest one is the model.
        checkpoints = sorted(path.glob("*.pth"), key=lambda p: p.stat().st_mtime)
        if not checkpoints:
            raise EngineUnavailableError(f"no .pth checkpoint in {path}")
        path = checkpoints[-1]
    config = path.with_name("config.json")
    if not path.is_file() or not config.is_file():
        raise EngineUnavailableError(f"Coqui model not found: {path} (and config.json beside it)")
    return path, config


class CoquiEngine:
    name = "coqui"

    def __init__(self, options: TtsOptions) -> None:
        checkpoint, config = _model_files(options.voice)
        try:
            from TTS.utils.synthesizer import PAD_SILENCE_SAMPLES, Synthesizer
        except ImportError as exc:
            raise EngineUnavailableError(
                "the coqui engine needs Coqui TTS: pip install 'viva[coqui]' (coqui-tts, with "
                f"torch and torchaudio; scripts/test-coqui.sh builds such a venv): {exc}"
            ) from exc
        self._synth = Synthesizer(tts_checkpoint=str(checkpoint), tts_config_path=str(config), use_cuda=False)
        self._pad = PAD_SILENCE_SAMPLES
        self.sample_rate: int = int(self._synth.output_sample_rate)
        # Glow-TTS, VITS and the FastPitch family stretch predicted durations by
        # `length_scale`; other models (Tacotron, ...) have none and ignore the rate.
        model = self._synth.tts_model
        self._base_length_scale: float | None = float(model.length_scale) if hasattr(model, "length_scale") else None

    def synthesize(self, sentence: str, rate: float) -> np.ndarray:
        if not sentence.strip():
            return np.zeros(0, dtype=np.float32)
        if self._base_length_scale is not None:
            # Set per call: the engine is used from one worker thread (one per model).
            scale = self._base_length_scale / max(0.5, min(rate, 2.0))
            self._synth.tts_model.length_scale = scale
        wav = self._synth.tts(sentence, split_sentences=False)
        # Coqui appends PAD_SILENCE_SAMPLES of silence after each sentence; the Speaker
        # streams sentence by sentence and the player decides the pauses, so drop it.
        samples = np.asarray(wav[: len(wav) - self._pad] if len(wav) > self._pad else wav)
        # Griffin-Lim output (models without a vocoder) can overshoot [-1, 1].
        return np.clip(samples, -1.0, 1.0).astype(np.float32, copy=False)
