"""Recordings: a reception call's recording names the petition its intake registered.

Revision ID: recordings_0002
Revises: recordings_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "recordings_0002"
down_revision = "recordings_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN: a batch copy of the table would drop it, cascading to its segments on SQLite
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE recordings ADD COLUMN petition_id INTEGER REFERENCES petitions (id)")
    else:
        op.add_column("recordings", sa.Column("petition_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_recordings_petition_id_petitions"), "recordings", "petitions", ["petition_id"], ["id"])
    op.create_index(op.f("ix_recordings_petition_id"), "recordings", ["petition_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_recordings_petition_id"), table_name="recordings")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f("fk_recordings_petition_id_petitions"), "recordings", type_="foreignkey")
    op.drop_column("recordings", "petition_id")
