"""Cases: the deputy portfolios the "deputy" ledger tallies were counted with.

Empty after this migration: deputies are counted from the clues until ``hub.cases.tally.rebuild`` runs (the demo
generator runs it; so can an operator after changing a portfolio).

Revision ID: cases_0003
Revises: cases_0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "cases_0003"
down_revision = "cases_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_tally_portfolios",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("units", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ledger_tally_portfolios_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_ledger_tally_portfolios")),
    )


def downgrade() -> None:
    op.drop_table("ledger_tally_portfolios")
