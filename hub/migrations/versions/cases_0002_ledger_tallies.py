"""Cases: per-day tallies of live matters by scope of visibility, for the ledger's colour counts.

Revision ID: cases_0002
Revises: cases_0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "cases_0002"
down_revision = "cases_0001"
branch_labels = None
depends_on = None

# the same count as hub/cases/tally.py:rebuild, for databases that already hold clues
FILL = """
INSERT INTO ledger_tallies (scope_kind, scope_id, due_date, n)
SELECT k, s, d, COUNT(*) FROM (
    SELECT 'all' AS k, 0 AS s, due_date AS d FROM clues WHERE due_date IS NOT NULL
    UNION ALL SELECT 'unit', supervisor_group_id, due_date FROM clues
        WHERE due_date IS NOT NULL AND supervisor_group_id IS NOT NULL
    UNION ALL SELECT 'unit', reviewer_unit_id, due_date FROM clues WHERE due_date IS NOT NULL AND reviewer_unit_id IS NOT NULL
    UNION ALL SELECT 'unit', trial_group_id, due_date FROM clues WHERE due_date IS NOT NULL AND trial_group_id IS NOT NULL
    UNION ALL SELECT 'unit', appeal_group_id, due_date FROM clues WHERE due_date IS NOT NULL AND appeal_group_id IS NOT NULL
    UNION ALL SELECT 'unit', township_id, due_date FROM clues WHERE due_date IS NOT NULL AND township_id IS NOT NULL
        AND (reviewer_unit_id IS NULL OR reviewer_unit_id <> township_id)
    UNION ALL SELECT 'trial', 0, due_date FROM clues WHERE due_date IS NOT NULL AND trial_on IS NOT NULL
    UNION ALL SELECT 'member', township_trial_member_id, due_date FROM clues
        WHERE due_date IS NOT NULL AND township_trial_member_id IS NOT NULL
) AS t GROUP BY k, s, d
"""


def upgrade() -> None:
    op.create_table(
        "ledger_tallies",
        sa.Column("scope_kind", sa.String(length=10), nullable=False),
        sa.Column("scope_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope_kind", "scope_id", "due_date", name=op.f("pk_ledger_tallies")),
    )
    op.execute(FILL)


def downgrade() -> None:
    op.drop_table("ledger_tallies")
