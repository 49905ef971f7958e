"""Wiring: the study service built from Viva's settings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from drills.content_loader import load_pack
from drills.content_model import ContentPack
from drills.grading import Grader, KeyPointGrader
from drills.options import GradingOptions
from drills.service import StudyService
from drills.store import make_engine, make_session_factory, upgrade_database

if TYPE_CHECKING:
    from voicebot.settings import Settings

log = logging.getLogger("viva.grading")


def build_grader(options: GradingOptions, pack: ContentPack | None = None) -> Grader:
    """The configured grader. `semantic` starts the embedding worker process (or loads the
    model here with `worker = false`); if the model is not installed it says so in the log and
    grades with the keyword rules. Close it with `close_grader`."""
    if options.engine == "keyword":
        return KeyPointGrader()
    from drills.grading.embedder import EmbedderUnavailable
    from drills.grading.semantic import SemanticGrader

    try:
        if options.worker:
            from drills.grading.worker import WorkerEmbedder, WorkerOptions

            embedder = WorkerEmbedder(WorkerOptions(options.start_timeout_s, options.request_timeout_s))
        else:
            from drills.grading.embedder import LocalEmbedder

            embedder = LocalEmbedder()
    except EmbedderUnavailable as exc:
        log.warning("semantic grading unavailable (%s); grading with the keyword rules", exc)
        return KeyPointGrader()
    return SemanticGrader(embedder, pack=pack)


def close_grader(grader: Grader) -> None:
    """Stop the grader's worker process, if it has one."""
    close = getattr(getattr(grader, "embedder", None), "close", None)
    if close is not None:
        close()


def build_service(settings: Settings, observe_grader: Callable[[Grader], Grader] | None = None) -> StudyService:
    """Migrate the study store to head, load the content pack, and build the service.

    `observe_grader` wraps the grader (the metrics observer times it). Raises `ContentError`
    when the content is invalid. Call `service.close()` on shutdown (it also stops the
    grader's worker process)."""
    url = settings.database_url
    upgrade_database(url)
    engine = make_engine(url)
    pack = load_pack()
    grader = build_grader(settings.grading, pack)
    if observe_grader is not None:
        grader = observe_grader(grader)
    return StudyService(pack, make_session_factory(engine), grader, card_options=settings.cards)
