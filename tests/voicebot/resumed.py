"""Checks for an answer cut short (a drop, a takeover, a crash) and then resumed: the stored
audio and transcript hold both parts."""

from __future__ import annotations

import json
import sqlite3
import wave
from pathlib import Path

import numpy as np

from asr.whisper import DecodeRequest
from tests.dialogue.helpers import attempts
from tests.support import poll_until
from voicebot import wavfile

LONG_ANSWER = (  # ~30 s: long enough that the drop lands mid-answer even when partials lag
    "The singular value decomposition writes the matrix as U times sigma times V transpose. "
    "The columns of V are eigenvectors of A transpose A and the singular values are the square roots of its eigenvalues. "
    "U comes from A times V divided by the singular values, and both U and V are orthogonal. "
    "Geometrically, V turns the input, sigma stretches each axis by a singular value, and U turns the result into place. "
    "Keeping only the largest singular values gives the closest approximation with fewer components."
)
RESUME_GAP_S = 14.0  # "Here's the question again: …" is heard first
SECOND_PART = "Finally, the rank of the matrix equals the number of nonzero singular values. That's my answer."


def wait_mid_answer(page, words: int) -> None:
    """Until a partial of `words` words arrives while the answer is still going (no final yet)."""
    page.wait_message(f"m => m.type === 'partial' && m.text.split(' ').length >= {words}", 90)
    assert not page.first("final"), "the answer ended before the cut: this test needs it cut mid-answer"


def stored_attempt(server, learner_id: str, question_id: str) -> sqlite3.Row:
    return next(r for r in attempts(server, learner_id) if r["question_id"] == question_id)


def wait_for_cut_answer(server, learner_id: str, question_id: str) -> sqlite3.Row:
    """The attempt once the partial transcript and audio of the cut-short answer are stored."""

    def kept() -> sqlite3.Row | None:
        row = stored_attempt(server, learner_id, question_id)
        return row if row["audio_path"] and len((row["partial_transcript"] or "").split()) >= 5 else None

    return poll_until(
        kept, 60, lambda: f"the cut answer was not kept: {dict(stored_attempt(server, learner_id, question_id))}", 0.2
    )


def transcribe(transcriber, samples: np.ndarray) -> str:
    """What the real faster-whisper hears in stored audio (in windows it accepts)."""
    window = 25 * 16000
    texts = [
        transcriber.transcribe(samples[i : i + window], DecodeRequest(beam_size=5)).text
        for i in range(0, len(samples), window)
    ]
    return " ".join(texts).lower()


def check_both_parts_kept(server, transcriber, learner_id: str, question_id: str, first_part_s: float) -> None:
    """The resumed answer is one answer: audio appended to the same file, transcript joined."""
    row = stored_attempt(server, learner_id, question_id)
    assert row["status"] == "answered", dict(row)
    answer = row["answer_text"].lower()
    assert "decomposition" in answer and "rank" in answer, answer  # before and after the cut
    samples = wavfile.read_samples(Path(row["audio_path"]))
    assert header_seconds(row["audio_path"]) == len(samples) / 16000  # the header is valid
    assert len(samples) / 16000 >= first_part_s + 3.5  # the second part was appended, not written over
    words = json.loads(row["words"])  # the resumed final's timings count from the file's start
    assert words and words[0]["start"] >= first_part_s - 0.1 and words[-1]["end"] <= len(samples) / 16000 + 0.1
    cut = int(first_part_s * 16000)
    before, after = transcribe(transcriber, samples[:cut]), transcribe(transcriber, samples[cut:])
    assert "decomposition" in before and "rank" not in before, before
    assert "rank" in after, after


def header_seconds(path: str) -> float:
    """The length a player that trusts the header sees."""
    with wave.open(path) as wav:
        return wav.getnframes() / wav.getframerate()
