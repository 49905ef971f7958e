"""Keeping spoken answers: audio to the attempt's file as it arrives, partials to the store.

An attempt exists from the moment its question is asked; when the learner starts speaking in
`answer` mode, the utterance (pre-roll included) is appended to that attempt's WAV, and word
timings of the final are shifted to be relative to the stored audio.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.buffer import AudioBuffer
from asr.events import FinalTranscript, SpeechStarted
from dialogue.conversation import AnswerAudio
from dialogue.payload import TurnState
from voicebot.deps import VoiceDeps
from voicebot.recorder import AnswerRecording

_RING_S = 2.0
_PARTIAL_SAVE_EVERY_S = 2.0


class AnswerTaker:
    def __init__(self, deps: VoiceDeps, learner_id: str, spawn: Callable[[Coroutine[Any, Any, Any], str], Any]) -> None:
        self._deps = deps
        self._spawn = spawn
        self._learner = learner_id
        self._ring = AudioBuffer(capacity=int(_RING_S * SAMPLE_RATE * 2))
        self._recording: AnswerRecording | None = None
        self._attempt: str | None = None
        self._active = False
        self._offset = 0.0
        self._partial = ""
        self._partial_saved_at = 0.0

    # -- audio -------------------------------------------------------------------------------

    def hear(self, samples: np.ndarray) -> None:
        self._ring.append(samples)
        self._ring.drop_before(self._ring.end - int(_RING_S * SAMPLE_RATE))
        if self._active and self._recording is not None:
            self._recording.append(samples)

    def recent_audio(self, seconds: float) -> np.ndarray:
        return self._ring.slice(self._ring.end - int(seconds * SAMPLE_RATE), self._ring.end)

    def utterance_started(self, event: SpeechStarted, state: TurnState) -> None:
        if not state.answering:
            return
        recording = self._recording_for(state.attempt_id)
        self._offset = recording.seconds
        start = int(event.start * SAMPLE_RATE)
        recording.append(self._ring.slice(start, self._ring.end))
        self._active = True

    def utterance_finished(self, event: FinalTranscript, state: TurnState) -> AnswerAudio | None:
        if not self._active or self._recording is None or state.attempt_id != self._attempt:
            self._active = False
            return None
        self._active = False
        self._partial = event.text
        words = tuple(
            {
                "word": w.text,
                "start": round(w.start + self._offset, 3),
                "end": round(w.end + self._offset, 3),
                "probability": w.probability,
            }
            for w in event.words
        )
        return AnswerAudio(
            audio_id=str(self._recording.path),
            duration=round(self._recording.seconds, 3),
            confidence=event.confidence,
            words=words,
        )

    def utterance_discarded(self) -> None:
        self._active = False

    # -- partial transcripts ---------------------------------------------------------------------

    def partial(self, text: str, state: TurnState) -> None:
        if not self._active or state.attempt_id != self._attempt:
            return
        self._partial = text
        now = time.monotonic()
        if now - self._partial_saved_at >= _PARTIAL_SAVE_EVERY_S:
            self._partial_saved_at = now
            self._save_partial_soon()

    def _save_partial_soon(self) -> None:
        attempt, text = self._attempt, self._partial
        duration = self._recording.seconds if self._recording else None
        if attempt is None:
            return
        self._spawn(asyncio.to_thread(self._deps.study.save_partial, attempt, text, duration), "save-partial")

    # -- attempts ----------------------------------------------------------------------------------

    def state_changed(self, state: TurnState) -> None:
        if state.attempt_id != self._attempt:
            self._finish_recording()

    def _recording_for(self, attempt_id: str | None) -> AnswerRecording:
        assert attempt_id is not None
        if self._recording is not None and self._attempt == attempt_id:
            return self._recording
        self._finish_recording()
        path = Path(self._deps.settings.recordings_dir) / self._learner / f"{attempt_id}.wav"
        self._recording = AnswerRecording(path)
        self._attempt = attempt_id
        self._spawn(asyncio.to_thread(self._deps.study.attach_audio, attempt_id, str(path)), "attach-audio")
        return self._recording

    def _finish_recording(self) -> None:
        if self._recording is not None:
            self._recording.close()
        self._recording, self._attempt, self._active, self._partial = None, None, False, ""

    async def open_question(self) -> TurnState | None:
        """The learner's open attempt (to resume after a reconnect), or None."""
        return await asyncio.to_thread(self._deps.study.open_turn_state, self._learner)

    async def close(self) -> None:
        """Keep what was said: the last partial transcript goes to the store, the WAV is closed."""
        if self._attempt is not None and self._partial:
            duration = self._recording.seconds if self._recording else None
            await asyncio.to_thread(self._deps.study.save_partial, self._attempt, self._partial, duration)
        self._finish_recording()
