"""Recordings: one per room session, its segments (stored files) and their review copies, gaps, the legal
notices answered, and exports.

Generated with Alembic's autogenerate API (produce_migrations + render_python_code) against a database at the
other heads (only this part's tables).

Revision ID: recordings_0001
Revises: f0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "recordings_0001"
down_revision = "f0001"
branch_labels = ("recordings",)
depends_on = ("store_0001", "cases_0001", "rooms_0001")


def upgrade() -> None:
    op.create_table(
        "recording_exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("requested", "approved", "rejected", name="exportstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=False),
        sa.Column("requested_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("file_id", sa.String(length=36), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["clues.id"], name=op.f("fk_recording_exports_case_id_clues")),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_recording_exports_decided_by_users")),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_recording_exports_file_id_stored_files")),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], name=op.f("fk_recording_exports_requested_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_exports")),
    )
    op.create_index(op.f("ix_recording_exports_case_id"), "recording_exports", ["case_id"], unique=False)
    op.create_index(op.f("ix_recording_exports_status"), "recording_exports", ["status"], unique=False)
    op.create_table(
        "recording_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_session_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("notice_sha256", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=20), nullable=False),
        sa.Column(
            "decision", sa.Enum("acknowledged", "refused", name="noticedecision", native_enum=False, length=40), nullable=False
        ),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["room_session_id"], ["room_sessions.id"], name=op.f("fk_recording_notices_room_session_id_room_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_notices")),
    )
    op.create_index(op.f("ix_recording_notices_room_session_id"), "recording_notices", ["room_session_id"], unique=False)
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_session_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("signaling_room", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum("recording", "interrupted", "ended", name="recordingstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=60), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["clues.id"], name=op.f("fk_recordings_case_id_clues")),
        sa.ForeignKeyConstraint(
            ["room_session_id"], ["room_sessions.id"], name=op.f("fk_recordings_room_session_id_room_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint("room_session_id", name=op.f("uq_recordings_room_session_id")),
    )
    op.create_index(op.f("ix_recordings_case_id"), "recordings", ["case_id"], unique=False)
    op.create_index(op.f("ix_recordings_started_at"), "recordings", ["started_at"], unique=False)
    op.create_index(op.f("ix_recordings_status"), "recordings", ["status"], unique=False)
    op.create_table(
        "recording_gaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=100), nullable=True),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "cause",
            sa.Enum("media_lost", "left", "server_restart", "no_media", name="gapcause", native_enum=False, length=40),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"], name=op.f("fk_recording_gaps_recording_id_recordings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_gaps")),
    )
    op.create_index(op.f("ix_recording_gaps_recording_id"), "recording_gaps", ["recording_id"], unique=False)
    op.create_table(
        "recording_segments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column(
            "status",
            sa.Enum("writing", "closed", "recovered", name="segmentstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("tracks", sa.Text(), nullable=False),
        sa.Column("close_cause", sa.String(length=60), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_recording_segments_file_id_stored_files")),
        sa.ForeignKeyConstraint(
            ["recording_id"], ["recordings.id"], name=op.f("fk_recording_segments_recording_id_recordings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_segments")),
        sa.UniqueConstraint("file_id", name=op.f("uq_recording_segments_file_id")),
        sa.UniqueConstraint("recording_id", "position", name="uq_recording_segments_recording_position"),
    )
    op.create_index(op.f("ix_recording_segments_recording_id"), "recording_segments", ["recording_id"], unique=False)
    op.create_table(
        "recording_review_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("segment_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=100), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_recording_review_copies_file_id_stored_files")),
        sa.ForeignKeyConstraint(
            ["segment_id"],
            ["recording_segments.id"],
            name=op.f("fk_recording_review_copies_segment_id_recording_segments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_review_copies")),
        sa.UniqueConstraint("file_id", name=op.f("uq_recording_review_copies_file_id")),
        sa.UniqueConstraint("segment_id", "participant", name="uq_recording_review_copies_segment_participant"),
    )
    op.create_index(op.f("ix_recording_review_copies_segment_id"), "recording_review_copies", ["segment_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_recording_review_copies_segment_id"), table_name="recording_review_copies")
    op.drop_table("recording_review_copies")
    op.drop_index(op.f("ix_recording_segments_recording_id"), table_name="recording_segments")
    op.drop_table("recording_segments")
    op.drop_index(op.f("ix_recording_gaps_recording_id"), table_name="recording_gaps")
    op.drop_table("recording_gaps")
    op.drop_index(op.f("ix_recordings_status"), table_name="recordings")
    op.drop_index(op.f("ix_recordings_started_at"), table_name="recordings")
    op.drop_index(op.f("ix_recordings_case_id"), table_name="recordings")
    op.drop_table("recordings")
    op.drop_index(op.f("ix_recording_notices_room_session_id"), table_name="recording_notices")
    op.drop_table("recording_notices")
    op.drop_index(op.f("ix_recording_exports_status"), table_name="recording_exports")
    op.drop_index(op.f("ix_recording_exports_case_id"), table_name="recording_exports")
    op.drop_table("recording_exports")
