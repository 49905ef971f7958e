"""Rubric review: a person's key-point labels and competency scores, comments pinned to the
audio, mentor share links (hashed tokens), mock interview scorecards.

Revision ID: 0004_review
Revises: 0003_cards
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_review"
down_revision: str | None = "0003_cards"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _owners() -> list[sa.ForeignKeyConstraint]:
    return [
        sa.ForeignKeyConstraint(["attempt_id"], ["attempts.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
    ]


def upgrade() -> None:
    op.create_table(
        "point_reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.String(32), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("point_index", sa.Integer(), nullable=False),
        sa.Column("point", sa.Text(), nullable=False),
        sa.Column("auto_label", sa.String(10), nullable=False),
        sa.Column("label", sa.String(10), nullable=False),
        sa.Column("reviewer", sa.String(80), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        *_owners(),
        sa.UniqueConstraint("attempt_id", "point_index", name="uq_point_review"),
    )
    op.create_index("ix_point_reviews_learner", "point_reviews", ["learner_id"])
    op.create_table(
        "competency_scores",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.String(32), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("competency", sa.String(30), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(80), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        *_owners(),
        sa.UniqueConstraint("attempt_id", "competency", name="uq_competency_score"),
    )
    op.create_table(
        "review_comments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("attempt_id", sa.String(32), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("at_seconds", sa.Float(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        *_owners(),
    )
    op.create_index("ix_review_comments_attempt", "review_comments", ["attempt_id"])
    op.create_table(
        "share_links",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("note", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
    )
    op.create_table(
        "mock_scorecards",
        sa.Column("learner_id", sa.String(64), primary_key=True),
        sa.Column("day", sa.Integer(), primary_key=True),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("red_zones", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE"),
    )


def downgrade() -> None:
    op.drop_table("mock_scorecards")
    op.drop_table("share_links")
    op.drop_index("ix_review_comments_attempt", "review_comments")
    op.drop_table("review_comments")
    op.drop_table("competency_scores")
    op.drop_index("ix_point_reviews_learner", "point_reviews")
    op.drop_table("point_reviews")
