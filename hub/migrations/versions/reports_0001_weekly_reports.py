"""Friday progress reports with their entries, and the Monday reports.

Revision ID: reports_0001
Revises: f0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "reports_0001"
down_revision = "f0001"
branch_labels = ("reports",)
depends_on = ("cases_0001",)


def upgrade() -> None:
    op.create_table(
        "weekly_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column(
            "status", sa.Enum("draft", "submitted", "returned", name="reportstatus", native_enum=False, length=40), nullable=False
        ),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("submitted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("returned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("returned_by", sa.Integer(), nullable=True),
        sa.Column("return_note", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_weekly_reports_unit_id_org_units")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_weekly_reports_created_by_users")),
        sa.ForeignKeyConstraint(["submitted_by"], ["users.id"], name=op.f("fk_weekly_reports_submitted_by_users")),
        sa.ForeignKeyConstraint(["returned_by"], ["users.id"], name=op.f("fk_weekly_reports_returned_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_reports")),
        sa.UniqueConstraint("unit_id", "week", name="uq_weekly_reports_unit_week"),
    )
    op.create_index(op.f("ix_weekly_reports_week"), "weekly_reports", ["week"], unique=False)
    op.create_table(
        "weekly_report_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("subject_name", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=40), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("colour", sa.String(length=10), nullable=True),
        sa.Column("week_events", sa.Text(), nullable=False),
        sa.Column("progress", sa.Text(), nullable=False),
        sa.Column("next_steps", sa.Text(), nullable=False),
        sa.Column("needs_coordination", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["weekly_reports.id"],
            name=op.f("fk_weekly_report_entries_report_id_weekly_reports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["clue_id"], ["clues.id"], name=op.f("fk_weekly_report_entries_clue_id_clues"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weekly_report_entries")),
    )
    op.create_index(op.f("ix_weekly_report_entries_report_id"), "weekly_report_entries", ["report_id"], unique=False)
    op.create_index(op.f("ix_weekly_report_entries_clue_id"), "weekly_report_entries", ["clue_id"], unique=False)
    op.create_table(
        "monday_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=8), nullable=False),
        sa.Column("status", sa.Enum("draft", "approved", name="mondaystatus", native_enum=False, length=40), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("compiled_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("compiled_by", sa.Integer(), nullable=True),
        sa.Column("approved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("approved_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["compiled_by"], ["users.id"], name=op.f("fk_monday_reports_compiled_by_users")),
        sa.ForeignKeyConstraint(["approved_by"], ["users.id"], name=op.f("fk_monday_reports_approved_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monday_reports")),
        sa.UniqueConstraint("week", name=op.f("uq_monday_reports_week")),
    )


def downgrade() -> None:
    op.drop_table("monday_reports")
    op.drop_index(op.f("ix_weekly_report_entries_clue_id"), table_name="weekly_report_entries")
    op.drop_index(op.f("ix_weekly_report_entries_report_id"), table_name="weekly_report_entries")
    op.drop_table("weekly_report_entries")
    op.drop_index(op.f("ix_weekly_reports_week"), table_name="weekly_reports")
    op.drop_table("weekly_reports")
