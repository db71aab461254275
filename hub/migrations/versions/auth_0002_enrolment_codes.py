"""One-time enrolment codes: the SHA-256 of the code a security administrator hands over (issue 14).

Revision ID: auth_0002
Revises: auth_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "auth_0002"
down_revision = "auth_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enrolment_grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("code_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("enrolment_grants", schema=None) as batch_op:
        batch_op.drop_column("code_hash")
