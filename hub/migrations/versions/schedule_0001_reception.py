"""Reception rotation, kiosk bookings and queue, written kiosk petitions, interview coordination.

Revision ID: schedule_0001
Revises: f0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "schedule_0001"
down_revision = "f0001"
branch_labels = ("schedule",)
depends_on = ("cases_0001", "store_0001")


def upgrade() -> None:
    op.create_table(
        "official_leave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_official_leave_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_official_leave")),
    )
    op.create_index(op.f("ix_official_leave_user_id"), "official_leave", ["user_id"], unique=False)
    op.create_table(
        "reception_rotations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Enum("draft", "published", name="rotationstatus", native_enum=False, length=40), nullable=False),
        sa.Column("slot_times", sa.String(length=400), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("leaders_per_day", sa.Integer(), nullable=False),
        sa.Column("staff_per_day", sa.Integer(), nullable=False),
        sa.Column("published_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("published_by", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_reception_rotations_created_by_users")),
        sa.ForeignKeyConstraint(["published_by"], ["users.id"], name=op.f("fk_reception_rotations_published_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception_rotations")),
    )
    op.create_index(op.f("ix_reception_rotations_status"), "reception_rotations", ["status"], unique=False)
    op.create_table(
        "schedule_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("text_zh", sa.String(length=400), nullable=False),
        sa.Column("text_en", sa.String(length=400), nullable=False),
        sa.Column("read_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_schedule_notifications_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedule_notifications")),
    )
    op.create_index(op.f("ix_schedule_notifications_user_id"), "schedule_notifications", ["user_id"], unique=False)
    op.create_table(
        "interviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("county_room_id", sa.Integer(), nullable=False),
        sa.Column("township_room_id", sa.Integer(), nullable=False),
        sa.Column("interviewee_name", sa.String(length=80), nullable=False),
        sa.Column("interviewee_ref", sa.String(length=160), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.Column(
            "status", sa.Enum("scheduled", "cancelled", name="interviewstatus", native_enum=False, length=40), nullable=False
        ),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("room_session_ref", sa.String(length=100), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_interviews_clue_id_clues")),
        sa.ForeignKeyConstraint(["county_room_id"], ["rooms.id"], name=op.f("fk_interviews_county_room_id_rooms")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_interviews_created_by_users")),
        sa.ForeignKeyConstraint(["township_room_id"], ["rooms.id"], name=op.f("fk_interviews_township_room_id_rooms")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    op.create_index(op.f("ix_interviews_county_room_id"), "interviews", ["county_room_id"], unique=False)
    op.create_index(op.f("ix_interviews_ends_at"), "interviews", ["ends_at"], unique=False)
    op.create_index(op.f("ix_interviews_starts_at"), "interviews", ["starts_at"], unique=False)
    op.create_index(op.f("ix_interviews_status"), "interviews", ["status"], unique=False)
    op.create_index(op.f("ix_interviews_township_room_id"), "interviews", ["township_room_id"], unique=False)
    op.create_table(
        "reception_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rotation_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("summary_zh", sa.String(length=400), nullable=False),
        sa.Column("summary_en", sa.String(length=400), nullable=False),
        sa.Column("by_user", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["by_user"], ["users.id"], name=op.f("fk_reception_changes_by_user_users")),
        sa.ForeignKeyConstraint(
            ["rotation_id"],
            ["reception_rotations.id"],
            name=op.f("fk_reception_changes_rotation_id_reception_rotations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception_changes")),
    )
    op.create_index(op.f("ix_reception_changes_rotation_id"), "reception_changes", ["rotation_id"], unique=False)
    op.create_table(
        "reception_duties",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rotation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"], name=op.f("fk_reception_duties_room_id_rooms")),
        sa.ForeignKeyConstraint(
            ["rotation_id"],
            ["reception_rotations.id"],
            name=op.f("fk_reception_duties_rotation_id_reception_rotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reception_duties_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception_duties")),
        sa.UniqueConstraint("rotation_id", "day", "user_id", name="uq_reception_duties_day_user"),
    )
    op.create_index(op.f("ix_reception_duties_day"), "reception_duties", ["day"], unique=False)
    op.create_index(op.f("ix_reception_duties_rotation_id"), "reception_duties", ["rotation_id"], unique=False)
    op.create_index(op.f("ix_reception_duties_user_id"), "reception_duties", ["user_id"], unique=False)
    op.create_table(
        "reception_roster",
        sa.Column("rotation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("leader", "staff", name="memberkind", native_enum=False, length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["rotation_id"],
            ["reception_rotations.id"],
            name=op.f("fk_reception_roster_rotation_id_reception_rotations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_reception_roster_user_id_users")),
        sa.PrimaryKeyConstraint("rotation_id", "user_id", name=op.f("pk_reception_roster")),
    )
    op.create_table(
        "interview_participants",
        sa.Column("interview_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role", sa.Enum("interviewer", "accompanying", name="participantrole", native_enum=False, length=40), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_participants_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_interview_participants_user_id_users")),
        sa.PrimaryKeyConstraint("interview_id", "user_id", name=op.f("pk_interview_participants")),
    )
    op.create_index(op.f("ix_interview_participants_user_id"), "interview_participants", ["user_id"], unique=False)
    op.create_table(
        "kiosk_filings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"], name=op.f("fk_kiosk_filings_petition_id_petitions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kiosk_filings")),
        sa.UniqueConstraint("code", name=op.f("uq_kiosk_filings_code")),
    )
    op.create_index(op.f("ix_kiosk_filings_petition_id"), "kiosk_filings", ["petition_id"], unique=False)
    op.create_table(
        "reception_queue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("official_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=True),
        sa.Column("kiosk_device_id", sa.Integer(), nullable=True),
        sa.Column("kiosk_room_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum("waiting", "called", "done", "left", name="ticketstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("called_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("room_session_ref", sa.String(length=100), nullable=False),
        sa.Column("join_url", sa.String(length=300), nullable=False),
        sa.Column("host_url", sa.String(length=300), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["kiosk_room_id"], ["rooms.id"], name=op.f("fk_reception_queue_kiosk_room_id_rooms")),
        sa.ForeignKeyConstraint(["official_id"], ["users.id"], name=op.f("fk_reception_queue_official_id_users")),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"], name=op.f("fk_reception_queue_petition_id_petitions")),
        sa.ForeignKeyConstraint(["township_id"], ["org_units.id"], name=op.f("fk_reception_queue_township_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception_queue")),
        sa.UniqueConstraint("token", name=op.f("uq_reception_queue_token")),
    )
    op.create_index(op.f("ix_reception_queue_official_id"), "reception_queue", ["official_id"], unique=False)
    op.create_index(op.f("ix_reception_queue_status"), "reception_queue", ["status"], unique=False)
    op.create_table(
        "reception_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duty_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["duty_id"], ["reception_duties.id"], name=op.f("fk_reception_slots_duty_id_reception_duties"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception_slots")),
        sa.UniqueConstraint("duty_id", "starts_at", name="uq_reception_slots_duty_start"),
    )
    op.create_index(op.f("ix_reception_slots_duty_id"), "reception_slots", ["duty_id"], unique=False)
    op.create_index(op.f("ix_reception_slots_starts_at"), "reception_slots", ["starts_at"], unique=False)
    op.create_table(
        "kiosk_filing_photos",
        sa.Column("filing_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_kiosk_filing_photos_file_id_stored_files")),
        sa.ForeignKeyConstraint(
            ["filing_id"], ["kiosk_filings.id"], name=op.f("fk_kiosk_filing_photos_filing_id_kiosk_filings"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("filing_id", "position", name=op.f("pk_kiosk_filing_photos")),
    )
    op.create_table(
        "reception_bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column(
            "status",
            sa.Enum("booked", "cancelled", "in_call", "received", "no_show", name="bookingstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("kiosk_device_id", sa.Integer(), nullable=True),
        sa.Column("kiosk_room_id", sa.Integer(), nullable=True),
        sa.Column("township_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("room_session_ref", sa.String(length=100), nullable=False),
        sa.Column("join_url", sa.String(length=300), nullable=False),
        sa.Column("host_url", sa.String(length=300), nullable=False),
        sa.Column("recording_ref", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["kiosk_room_id"], ["rooms.id"], name=op.f("fk_reception_bookings_kiosk_room_id_rooms")),
        sa.ForeignKeyConstraint(["petition_id"], ["petitions.id"], name=op.f("fk_reception_bookings_petition_id_petitions")),
        sa.ForeignKeyConstraint(["slot_id"], ["reception_slots.id"], name=op.f("fk_reception_bookings_slot_id_reception_slots")),
        sa.ForeignKeyConstraint(["township_id"], ["org_units.id"], name=op.f("fk_reception_bookings_township_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reception_bookings")),
        sa.UniqueConstraint("code", name=op.f("uq_reception_bookings_code")),
    )
    op.create_index(op.f("ix_reception_bookings_created_at"), "reception_bookings", ["created_at"], unique=False)
    op.create_index(op.f("ix_reception_bookings_kiosk_device_id"), "reception_bookings", ["kiosk_device_id"], unique=False)
    op.create_index("ix_reception_bookings_phone_created", "reception_bookings", ["phone", "created_at"], unique=False)
    op.create_index(op.f("ix_reception_bookings_slot_id"), "reception_bookings", ["slot_id"], unique=False)
    op.create_index(op.f("ix_reception_bookings_status"), "reception_bookings", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_reception_bookings_status"), table_name="reception_bookings")
    op.drop_index(op.f("ix_reception_bookings_slot_id"), table_name="reception_bookings")
    op.drop_index("ix_reception_bookings_phone_created", table_name="reception_bookings")
    op.drop_index(op.f("ix_reception_bookings_kiosk_device_id"), table_name="reception_bookings")
    op.drop_index(op.f("ix_reception_bookings_created_at"), table_name="reception_bookings")
    op.drop_table("reception_bookings")
    op.drop_table("kiosk_filing_photos")
    op.drop_index(op.f("ix_reception_slots_starts_at"), table_name="reception_slots")
    op.drop_index(op.f("ix_reception_slots_duty_id"), table_name="reception_slots")
    op.drop_table("reception_slots")
    op.drop_index(op.f("ix_reception_queue_status"), table_name="reception_queue")
    op.drop_index(op.f("ix_reception_queue_official_id"), table_name="reception_queue")
    op.drop_table("reception_queue")
    op.drop_index(op.f("ix_kiosk_filings_petition_id"), table_name="kiosk_filings")
    op.drop_table("kiosk_filings")
    op.drop_index(op.f("ix_interview_participants_user_id"), table_name="interview_participants")
    op.drop_table("interview_participants")
    op.drop_table("reception_roster")
    op.drop_index(op.f("ix_reception_duties_user_id"), table_name="reception_duties")
    op.drop_index(op.f("ix_reception_duties_rotation_id"), table_name="reception_duties")
    op.drop_index(op.f("ix_reception_duties_day"), table_name="reception_duties")
    op.drop_table("reception_duties")
    op.drop_index(op.f("ix_reception_changes_rotation_id"), table_name="reception_changes")
    op.drop_table("reception_changes")
    op.drop_index(op.f("ix_interviews_township_room_id"), table_name="interviews")
    op.drop_index(op.f("ix_interviews_status"), table_name="interviews")
    op.drop_index(op.f("ix_interviews_starts_at"), table_name="interviews")
    op.drop_index(op.f("ix_interviews_ends_at"), table_name="interviews")
    op.drop_index(op.f("ix_interviews_county_room_id"), table_name="interviews")
    op.drop_table("interviews")
    op.drop_index(op.f("ix_schedule_notifications_user_id"), table_name="schedule_notifications")
    op.drop_table("schedule_notifications")
    op.drop_index(op.f("ix_reception_rotations_status"), table_name="reception_rotations")
    op.drop_table("reception_rotations")
    op.drop_index(op.f("ix_official_leave_user_id"), table_name="official_leave")
    op.drop_table("official_leave")
