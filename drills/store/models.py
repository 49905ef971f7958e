"""The study store's tables (SQLAlchemy 2 typed ORM). Portable types only: SQLite and PostgreSQL.

Changing a table means a new Alembic revision under drills/migrations/versions.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class Learner(Base):
    __tablename__ = "learners"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    """Also the Rasa sender_id."""
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    """Case-folded name: creating a learner is idempotent on it."""
    start_date: Mapped[date] = mapped_column(Date)
    interview_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    double_up: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StudySession(Base):
    __tablename__ = "sessions"
    __table_args__ = (Index("ix_sessions_learner_status", "learner_id", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(20))
    """drill | eli5 | baseline."""
    plan: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    """The question plan: [{"question_id", "part", "day"}, …] in asking order."""
    days: Mapped[list[int]] = mapped_column(JSON, default=list)
    """The plan days this session covers (two when doubling up; none for eli5/baseline)."""
    position: Mapped[int] = mapped_column(Integer, default=0)
    """How many plan items have been asked so far."""
    status: Mapped[str] = mapped_column(String(20), default="active")
    """active | completed | stopped."""
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Attempt(Base):
    __tablename__ = "attempts"
    __table_args__ = (
        Index("ix_attempts_learner_question", "learner_id", "question_id"),
        Index("ix_attempts_session", "session_id", "position"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True)
    plan_day: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    """Index of the plan item in its session (a retry shares it)."""
    try_no: Mapped[int] = mapped_column(Integer, default=1)
    """1 for the first attempt at a position, 2 for its first retry…"""
    question_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    part: Mapped[str] = mapped_column(String(20), default="drill")
    """drill | quiz | review | remedial | pod | mock | moved | eli5 | baseline."""
    status: Mapped[str] = mapped_column(String(20), default="asked")
    """asked | answered | skipped | revealed."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    answer_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The confirmed answer (POST …/answer)."""
    answer_history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    """Earlier confirmed answers replaced by an ELI5 retry: [{"text", "score", "jargon_used"}]."""
    transcript: Mapped[str | None] = mapped_column(Text, nullable=True)
    """The latest final candidate from the client (POST …/transcript)."""
    transcript_grading: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    partial_transcript: Mapped[str | None] = mapped_column(Text, nullable=True)
    typed: Mapped[bool] = mapped_column(Boolean, default=False)
    confidence: Mapped[float | None] = mapped_column(Float, nullable=True)
    duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    audio_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    audio_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    words: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    grading: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    """The grading of `answer_text`."""
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    hints_used: Mapped[int] = mapped_column(Integer, default=0)
    jargon_retries: Mapped[int] = mapped_column(Integer, default=0)
    mentor_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    mentor_notes: Mapped[str | None] = mapped_column(Text, nullable=True)


class DayProgress(Base):
    __tablename__ = "day_progress"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="finished")
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)


class PlanAdjustment(Base):
    __tablename__ = "plan_adjustments"
    __table_args__ = (UniqueConstraint("learner_id", "day", "kind", "ref", name="uq_adjustment"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    day: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    """remedial_focus | pod | moved_topic."""
    ref: Mapped[str] = mapped_column(String(64))
    """unit:<n> | area:<name> | pod:<ID>."""
    source: Mapped[str] = mapped_column(String(32))
    """What caused it: baseline | quiz:<day> | mock:<day>."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BaselineResult(Base):
    """The gap matrix: one 0-5 score per baseline area."""

    __tablename__ = "baseline_results"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    area: Mapped[str] = mapped_column(String(32), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    taken_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CardDeck(Base):
    """A learner's deck of flashcards: imported (Anki, CSV) or the curriculum's (`Viva::…`)."""

    __tablename__ = "card_decks"
    __table_args__ = (UniqueConstraint("learner_id", "name", name="uq_card_deck"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(500))
    """Anki's full name, subdecks joined with "::" ("Biology::Cells")."""
    source: Mapped[str] = mapped_column(String(20))
    """anki | csv | curriculum."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Card(Base):
    """One reviewable card (a note with two templates gives two) and its FSRS state."""

    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("learner_id", "guid", name="uq_card_guid"),
        Index("ix_cards_learner_due", "learner_id", "state", "due"),
        Index("ix_cards_deck", "deck_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    deck_id: Mapped[int] = mapped_column(ForeignKey("card_decks.id", ondelete="CASCADE"))
    guid: Mapped[str] = mapped_column(String(120))
    """Stable across import and export: the Anki note guid (plus ":<ord>" for a note's later
    cards), or "viva:<flashcard id>" for the curriculum's."""
    note_guid: Mapped[str] = mapped_column(String(100))
    ord: Mapped[int] = mapped_column(Integer, default=0)
    content_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """The curriculum flashcard id (its spoken forms are read from the content pack)."""
    front: Mapped[str] = mapped_column(Text)
    """Written front for the screen (HTML from Anki is kept as rendered)."""
    back: Mapped[str] = mapped_column(Text)
    spoken_front: Mapped[str] = mapped_column(Text, default="")
    spoken_back: Mapped[str] = mapped_column(Text, default="")
    media: Mapped[list[str]] = mapped_column(JSON, default=list)
    """Media files the card refers to (not stored: Viva speaks cards)."""
    problem: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """Why the card cannot be spoken (image-only, empty, not English…); None when it can."""
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    """Order in which new cards are introduced."""
    state: Mapped[int] = mapped_column(Integer, default=0)
    """0 new, 1 learning, 2 review, 3 relearning (FSRS states; 0 = never reviewed)."""
    step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    stability: Mapped[float | None] = mapped_column(Float, nullable=True)
    difficulty: Mapped[float | None] = mapped_column(Float, nullable=True)
    due: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_review: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    reps: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CardReview(Base):
    """The review log: every rating, imported from Anki's revlog or given in Viva."""

    __tablename__ = "card_reviews"
    __table_args__ = (Index("ix_card_reviews_learner_time", "learner_id", "reviewed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id", ondelete="CASCADE"))
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    session_id: Mapped[str | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"), nullable=True)
    rating: Mapped[int] = mapped_column(Integer)
    """1 again, 2 hard, 3 good, 4 easy."""
    kind: Mapped[str] = mapped_column(String(10))
    """review (moves FSRS state) | cram (does not) | anki (imported history)."""
    was_new: Mapped[bool] = mapped_column(Boolean, default=False)
    """The card's first review: counts against the daily new-card limit."""
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    answer_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    due_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
class Device(Base):
    """A browser paired with one learner (phone mode): it holds a token, the store its hash."""

    __tablename__ = "devices"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    """Short and random: what `viva devices revoke` takes."""
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    """The only learner this device may list and act as."""
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the cookie's token (the token itself is never stored)."""
    label: Mapped[str] = mapped_column(String(200))
    """What the device said it is (browser and system, from its User-Agent), for the list."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class PairingCode(Base):
    """A one-time pairing code (stored hashed), valid until `expires_at`, used at most once."""

    __tablename__ = "pairing_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    learner_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    """The profile this code pairs with (created if new); None = chosen on the device."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
