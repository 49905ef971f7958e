"""The study store: learners, sessions, attempts, day progress, plan adjustments, the gap matrix,
flashcard decks, cards and their review log; the review tables (a person's judgements,
comments, share links, mock scorecards)."""

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
from drills.store.review_models import CompetencyScore, MockScorecard, PointReview, ReviewComment, ShareLink

__all__ = [
    "Attempt",
    "Base",
    "BaselineResult",
    "Card",
    "CardDeck",
    "CardReview",
    "CompetencyScore",
    "DayProgress",
    "Device",
    "Learner",
    "MockScorecard",
    "PairingCode",
    "PlanAdjustment",
    "PointReview",
    "ReviewComment",
    "ShareLink",
    "StudySession",
    "make_engine",
    "make_session_factory",
    "upgrade_database",
]
