"""A second opinion before Whisper decodes: does this audio contain speech at all?

webrtcvad is fast and fine-grained but fires on loud or modulated noise, and Whisper then
hallucinates ("Oh, oh.", "Thank you."). Silero VAD (the ONNX model faster-whisper ships, one
thread) rejects such noise for ~3 ms per second of audio, so every decode is gated by it.
"""

from __future__ import annotations

import numpy as np

_CHUNK = 512  # Silero's 32 ms frame at 16 kHz


class SpeechGate:
    def __init__(self, threshold: float = 0.5) -> None:
        from faster_whisper.vad import get_vad_model

        self._model = get_vad_model()
        self.threshold = threshold

    def speech_probability(self, audio: np.ndarray) -> float:
        """The highest per-frame speech probability in `audio`."""
        usable = audio.shape[0] // _CHUNK * _CHUNK
        if usable == 0:
            return 0.0
        return float(np.max(self._model(np.ascontiguousarray(audio[:usable]))))

    def has_speech(self, audio: np.ndarray) -> bool:
        return self.speech_probability(audio) >= self.threshold
