"""The study store: learners, sessions, attempts, day progress, plan adjustments, the gap matrix."""

from drills.store.database import make_engine, make_session_factory, upgrade_database
from drills.store.models import (
    Attempt,
    Base,
    BaselineResult,
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
