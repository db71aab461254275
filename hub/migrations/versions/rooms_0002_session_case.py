"""Rooms: a room session may name the case (the cases part's clue) it serves; its recording lands in that case file.

Revision ID: rooms_0002
Revises: rooms_0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "rooms_0002"
down_revision = "rooms_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("room_sessions", sa.Column("case_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_room_sessions_case_id"), "room_sessions", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_room_sessions_case_id"), table_name="room_sessions")
    op.drop_column("room_sessions", "case_id")
