"""Flashcards: decks, cards with their FSRS state, and the review log.

Revision ID: 0003_cards
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_cards"
down_revision: str | None = "0002_devices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _learner_fk() -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["learner_id"], ["learners.id"], ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "card_decks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _learner_fk(),
        sa.UniqueConstraint("learner_id", "name", name="uq_card_deck"),
    )
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("deck_id", sa.Integer(), nullable=False),
        sa.Column("guid", sa.String(120), nullable=False),
        sa.Column("note_guid", sa.String(100), nullable=False),
        sa.Column("ord", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.String(64), nullable=True),
        sa.Column("front", sa.Text(), nullable=False),
        sa.Column("back", sa.Text(), nullable=False),
        sa.Column("spoken_front", sa.Text(), nullable=False),
        sa.Column("spoken_back", sa.Text(), nullable=False),
        sa.Column("media", sa.JSON(), nullable=False),
        sa.Column("problem", sa.String(200), nullable=True),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        sa.Column("due", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_review", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=False),
        sa.Column("lapses", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _learner_fk(),
        sa.ForeignKeyConstraint(["deck_id"], ["card_decks.id"], ondelete="CASCADE"),
        sa.UniqueConstraint("learner_id", "guid", name="uq_card_guid"),
    )
    op.create_index("ix_cards_learner_due", "cards", ["learner_id", "state", "due"])
    op.create_index("ix_cards_deck", "cards", ["deck_id"])
    op.create_table(
        "card_reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.String(64), nullable=False),
        sa.Column("session_id", sa.String(32), nullable=True),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("was_new", sa.Boolean(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("due_after", sa.DateTime(timezone=True), nullable=True),
        _learner_fk(),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["session_id"], ["sessions.id"], ondelete="SET NULL"),
    )
    op.create_index("ix_card_reviews_learner_time", "card_reviews", ["learner_id", "reviewed_at"])


def downgrade() -> None:
    op.drop_index("ix_card_reviews_learner_time", "card_reviews")
    op.drop_table("card_reviews")
    op.drop_index("ix_cards_deck", "cards")
    op.drop_index("ix_cards_learner_due", "cards")
    op.drop_table("cards")
    op.drop_table("card_decks")
