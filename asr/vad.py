"""Frame-level voice activity from webrtcvad (30 ms frames of 16 kHz int16)."""

from __future__ import annotations

import numpy as np
import webrtcvad

from asr.audio import FRAME_SAMPLES, SAMPLE_RATE, float32_to_int16
from asr.options import VadOptions


class FrameVad:
    """Classifies 30 ms frames as speech or not."""

    def __init__(self, options: VadOptions) -> None:
        if options.frame_ms != 30:
            raise ValueError("Viva frames audio in 30 ms steps; frame_ms must be 30")
        if not 0 <= options.aggressiveness <= 3:
            raise ValueError("VAD aggressiveness must be 0..3")
        self._vad = webrtcvad.Vad(options.aggressiveness)

    def is_speech(self, frame: np.ndarray) -> bool:
        if frame.shape[0] != FRAME_SAMPLES:
            raise ValueError(f"a VAD frame is {FRAME_SAMPLES} samples, got {frame.shape[0]}")
        return self._vad.is_speech(float32_to_int16(frame).tobytes(), SAMPLE_RATE)
