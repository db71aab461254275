"""督办 notices: a red matter's notice to its deputy leader (main leader in copy), and the answer.

Revision ID: reports_0002
Revises: reports_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "reports_0002"
down_revision = "reports_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "supervise_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("due_key", sa.String(length=40), nullable=False),
        sa.Column("deputy_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_supervise_notices_clue_id_clues"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["deputy_id"], ["users.id"], name=op.f("fk_supervise_notices_deputy_id_users")),
        sa.ForeignKeyConstraint(["answered_by"], ["users.id"], name=op.f("fk_supervise_notices_answered_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervise_notices")),
        sa.UniqueConstraint("clue_id", "due_date", "due_key", name="uq_supervise_notices_spell"),
    )
    op.create_index(op.f("ix_supervise_notices_clue_id"), "supervise_notices", ["clue_id"])
    op.create_index(op.f("ix_supervise_notices_deputy_id"), "supervise_notices", ["deputy_id"])


def downgrade() -> None:
    op.drop_table("supervise_notices")
