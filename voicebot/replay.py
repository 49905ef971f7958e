"""Serving logged answers for replay: the review services over the study store, and making a
recording playable before it is served.

A crash can leave a recording's header older than its audio (voicebot/wavfile.py); a player
trusts the header, so the header is repaired from the file size before the file is served,
unless the answer is still open (a writer may be appending: the file is served as it is).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from drills.keys import signing_key
from drills.review import Progress, Removal, ReviewDesk, ShareLinks
from voicebot import wavfile
from voicebot.review_routes import Review

if TYPE_CHECKING:
    from voicebot.settings import Settings


def prepare_audio(path: Path, still_recording: bool) -> Path:
    """`path`, its WAV header made to match its size first (blocking: run in a thread)."""
    if not still_recording:
        wavfile.repair(path)
    return path


def build_review(settings: Settings, service: Any) -> Review:
    """The review page's services over `service`'s store (a StudyService)."""
    desk = ReviewDesk(service.pack, service.sessions, settings.recordings_dir, settings.review)
    shares = ShareLinks(service.sessions, signing_key(settings.data_dir, "share"), settings.review)
    return Review(desk, Removal(desk), shares, Progress(desk, service.cards.due_count), prepare_audio)
