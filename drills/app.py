"""Wiring: the study service built from Viva's settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from drills.content_loader import load_pack
from drills.grading import Grader, KeyPointGrader
from drills.service import StudyService
from drills.store import make_engine, make_session_factory, upgrade_database

if TYPE_CHECKING:
    from voicebot.settings import Settings


def build_service(settings: Settings, observe_grader: Callable[[Grader], Grader] | None = None) -> StudyService:
    """Migrate the study store to head, load the content pack, and build the service.

    `observe_grader` wraps the grader (the metrics observer times it). Raises `ContentError`
    when the content is invalid. Call `service.close()` on shutdown."""
    url = settings.database_url
    upgrade_database(url)
    engine = make_engine(url)
    grader: Grader = KeyPointGrader()
    if observe_grader is not None:
        grader = observe_grader(grader)
    return StudyService(load_pack(), make_session_factory(engine), grader, card_options=settings.cards)
