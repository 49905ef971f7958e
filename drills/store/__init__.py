"""The study store: learners, sessions, attempts, day progress, plan adjustments, the gap matrix,
flashcard decks, cards and their review log."""

from drills.store.database import make_engine, make_session_factory, upgrade_database
from drills.store.models import (
    Attempt,
    Base,
    BaselineResult,
    Card,
    CardDeck,
    CardReview,
    DayProgress,
    Device,
    Learner,
    PairingCode,
    PlanAdjustment,
    StudySession,
)

__all__ = [
    "Attempt",
    "Base",
    "BaselineResult",
    "Card",
    "CardDeck",
    "CardReview",
    "DayProgress",
    "Device",
    "Learner",
    "PairingCode",
    "PlanAdjustment",
    "StudySession",
    "make_engine",
    "make_session_factory",
    "upgrade_database",
]
