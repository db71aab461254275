"""Rooms: kiosk and room devices (enrolment, credential hashes, heartbeat), room sessions, their rooms and invitations.

Generated with Alembic's autogenerate API against a database at f0001 (only this part's tables).

Revision ID: rooms_0001
Revises: f0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "rooms_0001"
down_revision = "f0001"
branch_labels = ("rooms",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "room_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("enrolment_code_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolment_expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("credential_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolled_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_room_devices_created_by_users")),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_room_devices_room_id_rooms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_devices")),
        sa.UniqueConstraint("credential_hash", name=op.f("uq_room_devices_credential_hash")),
        sa.UniqueConstraint("enrolment_code_hash", name=op.f("uq_room_devices_enrolment_code_hash")),
    )
    op.create_index(op.f("ix_room_devices_room_id"), "room_devices", ["room_id"], unique=False)
    op.create_table(
        "room_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("reception", "interview", "conference", name="sessionkind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status", sa.Enum("planned", "open", "ended", name="sessionstatus", native_enum=False, length=40), nullable=False
        ),
        sa.Column("host_user_id", sa.Integer(), nullable=False),
        sa.Column("planned_start", UTCDateTime(timezone=True), nullable=True),
        sa.Column("planned_end", UTCDateTime(timezone=True), nullable=True),
        sa.Column("opened_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["host_user_id"], ["users.id"], name=op.f("fk_room_sessions_host_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_sessions")),
    )
    op.create_index(op.f("ix_room_sessions_host_user_id"), "room_sessions", ["host_user_id"], unique=False)
    op.create_index(op.f("ix_room_sessions_kind"), "room_sessions", ["kind"], unique=False)
    op.create_index(op.f("ix_room_sessions_planned_start"), "room_sessions", ["planned_start"], unique=False)
    op.create_index(op.f("ix_room_sessions_status"), "room_sessions", ["status"], unique=False)
    op.create_table(
        "room_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "host",
                "interviewer",
                "clerk",
                "interviewee",
                "petitioner",
                "witness",
                "kiosk",
                name="participantrole",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_room_invitations_room_id_rooms")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["room_sessions.id"], name=op.f("fk_room_invitations_session_id_room_sessions"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_room_invitations_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_invitations")),
        sa.UniqueConstraint("session_id", "room_id", name="uq_room_invitations_session_room"),
        sa.UniqueConstraint("session_id", "user_id", name="uq_room_invitations_session_user"),
    )
    op.create_index(op.f("ix_room_invitations_room_id"), "room_invitations", ["room_id"], unique=False)
    op.create_index(op.f("ix_room_invitations_session_id"), "room_invitations", ["session_id"], unique=False)
    op.create_index(op.f("ix_room_invitations_user_id"), "room_invitations", ["user_id"], unique=False)
    op.create_table(
        "room_session_rooms",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_room_session_rooms_room_id_rooms")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["room_sessions.id"], name=op.f("fk_room_session_rooms_session_id_room_sessions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("session_id", "room_id", name=op.f("pk_room_session_rooms")),
    )
    op.create_index(op.f("ix_room_session_rooms_room_id"), "room_session_rooms", ["room_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_room_session_rooms_room_id"), table_name="room_session_rooms")
    op.drop_table("room_session_rooms")
    op.drop_index(op.f("ix_room_invitations_user_id"), table_name="room_invitations")
    op.drop_index(op.f("ix_room_invitations_session_id"), table_name="room_invitations")
    op.drop_index(op.f("ix_room_invitations_room_id"), table_name="room_invitations")
    op.drop_table("room_invitations")
    op.drop_index(op.f("ix_room_sessions_status"), table_name="room_sessions")
    op.drop_index(op.f("ix_room_sessions_planned_start"), table_name="room_sessions")
    op.drop_index(op.f("ix_room_sessions_kind"), table_name="room_sessions")
    op.drop_index(op.f("ix_room_sessions_host_user_id"), table_name="room_sessions")
    op.drop_table("room_sessions")
    op.drop_index(op.f("ix_room_devices_room_id"), table_name="room_devices")
    op.drop_table("room_devices")
