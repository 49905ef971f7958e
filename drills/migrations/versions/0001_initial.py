"""Initial study store: learners, sessions, attempts, day progress, adjustments, gap matrix.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at(name: str = "created_at") -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _learner_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "learners",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False, unique=True),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("interview_date", sa.Date(), nullable=True),
        sa.Column("double_up", sa.Boolean(), nullable=False),
        _created_at(),
    )
    op.create_table(
        "baseline_results",
        sa.Column("learner_id", sa.String(64), primary_key=True),
        sa.Column("area", sa.String(32), primary_key=True),
        sa.Column("score", sa.Integer(), nullable=False),
        _created_at("taken_at"),
        _learner_fk(),
    )
    op.create_table(
        "day_progress",
        sa.Column("learner_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.Integer(), primary_key=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        _learner_fk(),
    )
    op.create_table(
        "plan_adjustments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        _created_at(),
        _learner_fk(),
        sa.UniqueConstraint("learner_id", "day", "kind", "ref", name="uq_adjustment"),
    )
    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _created_at("started_at"),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        _learner_fk(),
    )
    op.create_index("ix_sessions_learner_status", "sessions", ["learner_id", "status"])
    op.create_table(
        "attempts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.Column("plan_day", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("try_no", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("part", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        _created_at(),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answer_history", sa.JSON(), nullable=False),
        sa.Column("transcript", sa.Text(), nullable=True),
        sa.Column("transcript_grading", sa.JSON(), nullable=True),
        sa.Column("partial_transcript", sa.Text(), nullable=True),
        sa.Column("typed", sa.Boolean(), nullable=False),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("duration", sa.Float(), nullable=True),
        sa.Column("audio_id", sa.String(200), nullable=True),
        sa.Column("audio_path", sa.String(500), nullable=True),
        sa.Column("words", sa.JSON(), nullable=True),
        sa.Column("grading", sa.JSON(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("hints_used", sa.Integer(), nullable=False),
        sa.Column("jargon_retries", sa.Integer(), nullable=False),
        sa.Column("mentor_score", sa.Float(), nullable=True),
        sa.Column("mentor_notes", sa.Text(), nullable=True),
        _learner_fk(),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="SET NULL"),
    )
    op.create_index("ix_attempts_learner_question", "attempts", ["learner_id", "question_id"])
    op.create_index("ix_attempts_session", "attempts", ["session_id", "position"])


def downgrade() -> None:
    op.drop_index("ix_attempts_session", "attempts")
    op.drop_index("ix_attempts_learner_question", "attempts")
    op.drop_table("attempts")
    op.drop_index("ix_sessions_learner_status", "sessions")
    op.drop_table("sessions")
    op.drop_table("plan_adjustments")
    op.drop_table("day_progress")
    op.drop_table("baseline_results")
    op.drop_table("learners")
