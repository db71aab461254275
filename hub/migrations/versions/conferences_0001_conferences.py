"""Conferences (会控, issue 12): the conference on its room session, venues invited, attendance, console events.

Revision ID: conferences_0001
Revises: f0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "conferences_0001"
down_revision = "f0001"
branch_labels = None
depends_on = "rooms_0002"


def upgrade() -> None:
    op.create_table(
        "conferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("main_room_id", sa.Integer(), nullable=False),
        sa.Column(
            "status", sa.Enum("planned", "open", "ended", name="conferencestatus", native_enum=False, length=40), nullable=False
        ),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["room_sessions.id"], name=op.f("fk_conferences_session_id_room_sessions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["main_room_id"], ["rooms.id"], name=op.f("fk_conferences_main_room_id_rooms")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_conferences_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conferences")),
        sa.UniqueConstraint("session_id", name=op.f("uq_conferences_session_id")),
    )
    op.create_index(op.f("ix_conferences_starts_at"), "conferences", ["starts_at"], unique=False)
    op.create_index(op.f("ix_conferences_ends_at"), "conferences", ["ends_at"], unique=False)
    op.create_index(op.f("ix_conferences_main_room_id"), "conferences", ["main_room_id"], unique=False)
    op.create_index(op.f("ix_conferences_status"), "conferences", ["status"], unique=False)
    op.create_table(
        "conference_venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_conference_venues_conference_id_conferences"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_conference_venues_room_id_rooms")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_conference_venues_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conference_venues")),
        sa.UniqueConstraint("conference_id", "room_id", name="uq_conference_venues_room"),
        sa.UniqueConstraint("conference_id", "user_id", name="uq_conference_venues_user"),
    )
    op.create_index(op.f("ix_conference_venues_conference_id"), "conference_venues", ["conference_id"], unique=False)
    op.create_index(op.f("ix_conference_venues_room_id"), "conference_venues", ["room_id"], unique=False)
    op.create_index(op.f("ix_conference_venues_user_id"), "conference_venues", ["user_id"], unique=False)
    op.create_table(
        "conference_attendance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("invited", sa.Boolean(), nullable=False),
        sa.Column("joined_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("left_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("people", sa.Integer(), nullable=True),
        sa.Column("signed_in_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("roll_call_called_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("roll_call_answered_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["conference_id"],
            ["conferences.id"],
            name=op.f("fk_conference_attendance_conference_id_conferences"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conference_attendance")),
        sa.UniqueConstraint("conference_id", "participant", name="uq_conference_attendance_participant"),
    )
    op.create_index(op.f("ix_conference_attendance_conference_id"), "conference_attendance", ["conference_id"], unique=False)
    op.create_table(
        "conference_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conference_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conference_id"], ["conferences.id"], name=op.f("fk_conference_events_conference_id_conferences"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conference_events")),
    )
    op.create_index(op.f("ix_conference_events_conference_id"), "conference_events", ["conference_id"], unique=False)


def downgrade() -> None:
    op.drop_table("conference_events")
    op.drop_table("conference_attendance")
    op.drop_table("conference_venues")
    op.drop_table("conferences")
