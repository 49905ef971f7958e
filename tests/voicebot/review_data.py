"""Stored answers for the review tests: a WAV in the recordings folder and the words with their
timings, stored through the study service the way a spoken turn stores them."""

from __future__ import annotations

import wave
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from drills.results import TranscriptInput

SAMPLE_RATE = 16000


def write_wav(path: Path, samples: np.ndarray) -> Path:
    """16 kHz mono 16-bit, as the recorder writes answers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return path


def tone(seconds: float) -> np.ndarray:
    t = np.arange(int(SAMPLE_RATE * seconds)) / SAMPLE_RATE
    return (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


def even_words(text: str, seconds: float) -> list[dict[str, Any]]:
    """Timings spread evenly over `seconds` (for tests that need timings, not speech)."""
    words = text.split()
    step = seconds / (len(words) + 1)
    return [{"word": f" {w}", "start": round(step * (i + 0.5), 3), "end": round(step * (i + 1.2), 3)}
            for i, w in enumerate(words)]  # fmt: skip


def store_answer(
    service: Any,
    recordings: Path,
    learner: str,
    text: str,
    audio: np.ndarray | None,
    words: Sequence[dict[str, Any]] | None = None,
) -> str:
    """Ask the learner's next question and answer it: audio written where the voice process
    writes it, attached, the final candidate stored with its words, then confirmed."""
    turn = service.next_question(learner)
    assert turn.attempt_id, turn
    attempt = turn.attempt_id
    duration = None
    audio_id = None
    if audio is not None:
        path = write_wav(Path(recordings) / learner / f"{attempt}.wav", audio)
        service.attach_audio(attempt, str(path))
        duration, audio_id = round(len(audio) / SAMPLE_RATE, 3), str(path)
    typed = audio is None
    service.record_transcript(attempt, TranscriptInput(text, True, audio_id, duration, 0.9, list(words or []), typed))
    service.submit_answer(attempt, text)
    return attempt
