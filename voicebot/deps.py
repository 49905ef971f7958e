"""What every voice session shares: models loaded once, pools, clients, settings."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from asr.pool import DecodePool
from asr.speech_gate import SpeechGate
from dialogue.client import DialogueClient
from dialogue.payload import TurnState
from tts.speaker import Speaker
from voicebot.metrics import Metrics
from voicebot.recorder import Recorders
from voicebot.settings import Settings


class VoiceStudy(Protocol):
    """The study-store calls a voice session makes (blocking; called via a thread)."""

    def record_transcript(self, attempt_id: str, text: str, **details: Any) -> Mapping[str, Any]: ...

    def attach_audio(self, attempt_id: str, path: str) -> None: ...

    def save_partial(self, attempt_id: str, text: str, duration: float | None) -> None: ...

    def said_so_far(self, attempt_id: str) -> str: ...

    def open_turn_state(self, learner_id: str) -> TurnState | None: ...

    def card_back(self, card_id: int) -> str: ...


@dataclass
class VoiceDeps:
    settings: Settings
    pool: DecodePool
    speaker: Speaker
    tts_executor: ThreadPoolExecutor
    gate: SpeechGate
    dialogue: DialogueClient
    study: VoiceStudy
    metrics: Metrics
    recorders: Recorders = field(default_factory=Recorders)
    """Answer writers, one per file at a time, across all sessions."""
    all_closed: Callable[[], None] = lambda: None
    """Called when the last live session has closed (the server gives freed memory back)."""

    async def speech_probability(self, audio: np.ndarray) -> float:
        return await asyncio.to_thread(self.gate.speech_probability, audio)
