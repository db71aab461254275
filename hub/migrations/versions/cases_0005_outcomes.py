"""Cases: outcomes (what the review proposes and the trial decides) and their classifications.

Revision ID: cases_0005
Revises: cases_0004
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "cases_0005"
down_revision = "cases_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("form", sa.String(length=10), nullable=False),
        sa.Column("party_membership", sa.String(length=20), nullable=False),
        sa.Column("public_employee", sa.Boolean(), nullable=False),
        sa.Column("rank", sa.String(length=20), nullable=True),
        sa.Column("party_sanction", sa.String(length=30), nullable=True),
        sa.Column("gov_sanction", sa.String(length=30), nullable=True),
        sa.Column("no_sanction_reason", sa.String(length=30), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Integer(), nullable=True),
        sa.Column("recorded_label", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_outcomes_clue_id_clues"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["recorded_by"], ["users.id"], name=op.f("fk_case_outcomes_recorded_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_outcomes")),
        sa.UniqueConstraint("clue_id", "stage", name="uq_case_outcomes_clue_stage"),
    )
    op.create_index(op.f("ix_case_outcomes_clue_id"), "case_outcomes", ["clue_id"], unique=False)
    op.create_index("ix_case_outcomes_stage_approved_on", "case_outcomes", ["stage", "approved_on"], unique=False)
    op.create_table(
        "case_outcome_items",
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("parent", sa.String(length=30), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["case_outcomes.id"], name=op.f("fk_case_outcome_items_outcome_id_case_outcomes"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("outcome_id", "kind", "code", name=op.f("pk_case_outcome_items")),
    )
    op.create_index(op.f("ix_case_outcome_items_parent"), "case_outcome_items", ["parent"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_outcome_items_parent"), table_name="case_outcome_items")
    op.drop_table("case_outcome_items")
    op.drop_index("ix_case_outcomes_stage_approved_on", table_name="case_outcomes")
    op.drop_index(op.f("ix_case_outcomes_clue_id"), table_name="case_outcomes")
    op.drop_table("case_outcomes")
