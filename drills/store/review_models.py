"""The review tables (migration 0004_review): a person's judgements of logged answers, comments
pinned to the audio, share links for mentors (tokens stored hashed), and mock scorecards.

Every row names its learner (for the one-learner views a share link gives) and cascades with
its attempt or learner: deleting an answer deletes what was said about it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from drills.store.models import Base, utcnow


class PointReview(Base):
    """A person's label for one key point of an answer: agreeing with the grader or overriding it."""

    __tablename__ = "point_reviews"
    __table_args__ = (
        UniqueConstraint("attempt_id", "point_index", name="uq_point_review"),
        Index("ix_point_reviews_learner", "learner_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    point_index: Mapped[int] = mapped_column(Integer)
    point: Mapped[str] = mapped_column(Text)
    """The key point's text as it was graded (what an exported disagreement names)."""
    auto_label: Mapped[str] = mapped_column(String(10))
    """The grader's label when the person judged: label != auto_label is a disagreement."""
    label: Mapped[str] = mapped_column(String(10))
    reviewer: Mapped[str] = mapped_column(String(80))
    """learner | mentor:<share link id>."""
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CompetencyScore(Base):
    """A person's 1-4 score of an answer on one competency (concept accuracy, depth, …)."""

    __tablename__ = "competency_scores"
    __table_args__ = (UniqueConstraint("attempt_id", "competency", name="uq_competency_score"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    competency: Mapped[str] = mapped_column(String(30))
    score: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(80))
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReviewComment(Base):
    """A comment on an answer, pinned to a moment of its audio (or to the answer as a whole)."""

    __tablename__ = "review_comments"
    __table_args__ = (Index("ix_review_comments_attempt", "attempt_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    attempt_id: Mapped[str] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    at_seconds: Mapped[float | None] = mapped_column(Float, nullable=True)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ShareLink(Base):
    """A mentor's link to one learner's answers: the token is signed and stored only hashed."""

    __tablename__ = "share_links"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 of the token (the token itself is shown once, never stored)."""
    note: Mapped[str] = mapped_column(String(200), default="")
    """Who it is for, as the learner wrote it."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class MockScorecard(Base):
    """A mock interview day's scorecard: per domain, the share of the rubric met (bar: 70 %)."""

    __tablename__ = "mock_scorecards"

    learner_id: Mapped[str] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True)
    areas: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Domain → score 0..1 (the mean of its questions' scores; skipped counts as 0)."""
    red_zones: Mapped[list[str]] = mapped_column(JSON)
    """Domains under the bar; after mock 1 they are the buffer day's remedial focus."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
