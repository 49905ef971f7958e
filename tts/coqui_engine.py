"""Coqui TTS as an optional engine behind the same interface (pip install 'viva[coqui]')."""

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
        try:
            from TTS.utils.synthesizer import Synthesizer
        except ImportError as exc:
            raise EngineUnavailableError(
                "the coqui engine needs Coqui TTS: pip install 'viva[coqui]' (coqui-tts; "
                "it pulls torch and torchaudio)"
            ) from exc
        checkpoint, config = _model_files(options.voice)
        self._synth = Synthesizer(tts_checkpoint=str(checkpoint), tts_config_path=str(config), use_cuda=False)
        self.sample_rate: int = int(self._synth.output_sample_rate)

    def synthesize(self, sentence: str, rate: float) -> np.ndarray:
        # Coqui's VITS-family models take a length scale; others ignore the rate.
        wav = self._synth.tts(sentence, split_sentences=False)
        return np.asarray(wav, dtype=np.float32)
