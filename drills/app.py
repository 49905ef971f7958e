"""Wiring: the study service built from Viva's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from drills.content_loader import load_pack
from drills.grading import KeyPointGrader
from drills.service import StudyService
from drills.store import make_engine, make_session_factory, upgrade_database

if TYPE_CHECKING:
    from voicebot.settings import Settings


def build_service(settings: Settings) -> StudyService:
    """Migrate the study store to head, load the content pack, and build the service.

    Raises `ContentError` when the content is invalid. Call `service.close()` on shutdown."""
    url = settings.database_url
    upgrade_database(url)
    engine = make_engine(url)
    return StudyService(load_pack(), make_session_factory(engine), KeyPointGrader(), card_options=settings.cards)
