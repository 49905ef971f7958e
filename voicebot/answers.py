"""Keeping spoken answers: audio to the attempt's file as it arrives, partials to the store.

An attempt exists from the moment its question is asked; when the learner starts speaking in
`answer` mode, the utterance (pre-roll included) is appended to that attempt's WAV by a writer
that only appends (voicebot/recorder.py). A resumed attempt (a reconnect, a takeover) appends to
the same file, so each final's word timings are shifted by everything already in it; and what
the learner said before the drop (the partial saved then) is carried into the next candidate
answer: the stored candidate is carried text + the new final (drills/attempts.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from asr.audio import SAMPLE_RATE
from asr.buffer import AudioBuffer
from asr.events import FinalTranscript, SpeechStarted
from dialogue.conversation import AnswerAudio
from dialogue.payload import TurnState
from drills.ids import BadId
from voicebot.deps import VoiceDeps
from voicebot.paths import recording_path
from voicebot.recorder import AnswerRecording
from voicebot.wavfile import BYTES_PER_SECOND

log = logging.getLogger(__name__)

_RING_S = 2.0
_PARTIAL_SAVE_EVERY_S = 2.0


@dataclass(frozen=True, eq=False)
class HeardAnswer:
    """A final transcript in `answer` mode and where its audio sits in this writer's output;
    `AnswerTaker.answer_audio` turns it into file positions once the file has been opened."""

    recording: AnswerRecording
    start: int
    """Bytes the writer had taken when the utterance (pre-roll included) started."""
    end: int
    event: FinalTranscript


class AnswerTaker:
    def __init__(
        self,
        deps: VoiceDeps,
        learner_id: str,
        spawn: Callable[[Coroutine[Any, Any, Any], str], asyncio.Task[Any]],
        notify: Callable[[str], None],
    ) -> None:
        self._deps = deps
        self._spawn = spawn
        self._notify = notify
        self._learner = learner_id
        self._ring = AudioBuffer(capacity=int(_RING_S * SAMPLE_RATE * 2))
        self._recording: AnswerRecording | None = None
        self._attempt: str | None = None
        self._finishing: list[AnswerRecording] = []
        self._active = False
        self._utterance_start = 0
        self._partial = ""
        """The current utterance's latest partial transcript."""
        self._unstored: list[HeardAnswer] = []
        """Finals handed to the session whose candidate is not stored yet."""
        self._carried = ""
        self._carried_attempt: str | None = None
        self._partial_save: asyncio.Task[Any] | None = None
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
        try:
            recording = self._recording_for(state.attempt_id)
        except BadId:  # payload ids are checked where they enter; this is the last lock
            log.error("not recording: the attempt or learner id cannot name a file")
            return
        self._utterance_start = recording.appended
        start = int(event.start * SAMPLE_RATE)
        recording.append(self._ring.slice(start, self._ring.end))
        self._active = True

    def utterance_finished(self, event: FinalTranscript, state: TurnState) -> HeardAnswer | None:
        if not self._active or self._recording is None or state.attempt_id != self._attempt:
            self._active = False
            return None
        self._active = False
        self._partial = ""
        heard = HeardAnswer(self._recording, self._utterance_start, self._recording.appended, event)
        self._unstored.append(heard)
        return heard

    def utterance_discarded(self) -> None:
        self._active = False

    async def answer_audio(self, heard: HeardAnswer) -> AnswerAudio:
        """The final's audio facts, relative to the whole file (earlier parts included).

        Called by the session's input worker just before the candidate is stored: a partial
        save still in flight lands first, so it cannot overwrite what the final stores."""
        if self._partial_save is not None:
            await asyncio.gather(self._partial_save, return_exceptions=True)
        existing = await heard.recording.existing_bytes()
        # From here the caller stores the candidate without awaiting anything else first; until
        # here a close keeps the final's text as the partial transcript.
        self._unstored = [h for h in self._unstored if h is not heard]
        event = heard.event
        if existing is None:  # the file could not be opened (reported): keep the transcript
            return AnswerAudio(confidence=event.confidence)
        offset = (existing + heard.start) / BYTES_PER_SECOND
        words = tuple(
            {
                "word": w.text,
                "start": round(w.start + offset, 3),
                "end": round(w.end + offset, 3),
                "probability": w.probability,
            }
            for w in event.words
        )
        return AnswerAudio(
            audio_id=str(heard.recording.path),
            duration=round((existing + heard.end) / BYTES_PER_SECOND, 3),
            confidence=event.confidence,
            words=words,
        )

    # -- partial transcripts and what a reconnect carries ------------------------------------------

    def partial(self, text: str, state: TurnState) -> None:
        if not self._active or state.attempt_id != self._attempt:
            return
        self._partial = text
        now = time.monotonic()
        saving = self._partial_save is not None and not self._partial_save.done()
        if now - self._partial_saved_at >= _PARTIAL_SAVE_EVERY_S and not saving:
            self._partial_saved_at = now
            # Owned here, not by the session: `close()` must wait for it (a cancelled await would
            # leave its thread running, and an older text could land after the last one).
            self._partial_save = asyncio.get_running_loop().create_task(self._save_partial())
            self._partial_save.add_done_callback(_log_failure)

    async def _save_partial(self) -> None:
        attempt, recording = self._attempt, self._recording
        text = _join(self.carried_for(attempt), *(h.event.text for h in self._unstored), self._partial)
        if attempt is None or recording is None or not text:
            return
        existing = await recording.existing_bytes() or 0
        duration = round((existing + recording.appended) / BYTES_PER_SECOND, 3)
        await asyncio.to_thread(self._deps.study.save_partial, attempt, text, duration)

    def carried_for(self, attempt_id: str | None) -> str:
        """What the learner said toward `attempt_id` before this connection (a resumed answer)."""
        return self._carried if attempt_id is not None and attempt_id == self._carried_attempt else ""

    # -- attempts ----------------------------------------------------------------------------------

    def state_changed(self, state: TurnState) -> None:
        if state.attempt_id != self._attempt:
            self._finish_recording()
        if not state.answering or state.attempt_id != self._carried_attempt:
            self._carried, self._carried_attempt = "", None

    def _recording_for(self, attempt_id: str | None) -> AnswerRecording:
        assert attempt_id is not None
        if self._recording is not None and self._attempt == attempt_id:
            return self._recording
        self._finish_recording()
        root = Path(self._deps.settings.recordings_dir)
        path = recording_path(root, self._learner, attempt_id)
        self._recording = self._deps.recorders.open(path, on_failure=self._recording_failed, inside=root)
        self._attempt = attempt_id
        self._spawn(asyncio.to_thread(self._deps.study.attach_audio, attempt_id, str(path)), "attach-audio")
        return self._recording

    def _recording_failed(self, reason: str) -> None:
        self._notify(f"Viva could not save the recording of this answer ({reason}). Your words are still transcribed.")

    def _finish_recording(self) -> None:
        """The writer drains and closes in its thread; `close()` waits for it."""
        if self._recording is not None:
            self._recording.finish()
            self._finishing = [r for r in self._finishing if not r.closed.done()] + [self._recording]
        self._recording, self._attempt, self._active, self._partial = None, None, False, ""
        self._unstored.clear()

    async def open_question(self) -> TurnState | None:
        """The learner's open attempt (to resume after a reconnect), or None. What was said toward
        it before (saved as it was spoken) is carried into its next candidate answer."""
        state = await asyncio.to_thread(self._deps.study.open_turn_state, self._learner)
        if state is not None and state.attempt_id:
            said = await asyncio.to_thread(self._deps.study.said_so_far, state.attempt_id)
            self._carried, self._carried_attempt = said, state.attempt_id
        return state

    async def close(self) -> None:
        """Keep what was said: words not yet in a stored candidate go to the store as the partial
        transcript; then the writer flushes, fixes the header, fsyncs and closes the file."""
        if self._partial_save is not None:
            await asyncio.gather(self._partial_save, return_exceptions=True)
        attempt, recording = self._attempt, self._recording
        if attempt is not None and recording is not None and (self._partial or self._unstored):
            try:
                await self._save_partial()
            except Exception:  # the audio is still closed properly below
                log.exception("saving the last partial transcript failed")
        self._finish_recording()
        await asyncio.gather(*(r.close() for r in self._finishing))


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("saving a partial transcript failed", exc_info=task.exception())


def _join(*parts: str) -> str:
    return " ".join(p.strip() for p in parts if p and p.strip())
