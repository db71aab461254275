"""Core: number sequences, one per kind and year (hub.numbering).

Revision ID: core_0001
Revises: f0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0001"
down_revision = "f0001"
branch_labels = ("core",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_sequences",
        sa.Column("scope", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "year", name=op.f("pk_number_sequences")),
    )


def downgrade() -> None:
    op.drop_table("number_sequences")
