"""Cases: per-day tallies of the facts the statistics count, by scope of visibility (issue 11).

A database that holds no clue yet gets the "built" row at once (its tallies are complete from the first clue on);
one that holds clues is counted from the clues by the statistics until ``hub.cases.stat_tally.rebuild`` runs (the demo
generator runs it, after its bulk load).

Revision ID: cases_0006
Revises: cases_0005
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "cases_0006"
down_revision = "cases_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stat_tallies",
        sa.Column("scope_kind", sa.String(length=10), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope_kind", "scope_id", "day", "kind", "key", name=op.f("pk_stat_tallies")),
    )
    day = "DATE '1970-01-01'" if op.get_bind().dialect.name == "postgresql" else "'1970-01-01'"
    op.execute(
        "INSERT INTO stat_tallies (scope_kind, scope_id, day, kind, key, n) "  # noqa: S608 (a constant)
        f"SELECT 'built', 0, {day}, '', '', 1 WHERE NOT EXISTS (SELECT 1 FROM clues)"
    )


def downgrade() -> None:
    op.drop_table("stat_tallies")
