"""Case tracking: petitions, clues and cases, clocks, approvals, timeline, case file, holidays and time limits.

Revision ID: cases_0001
Revises: f0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "cases_0001"
down_revision = "f0001"
branch_labels = ("cases",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "holiday_calendar",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.Enum("holiday", "makeup_workday", name="daykind", native_enum=False, length=40), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_holiday_calendar")),
    )
    op.create_table(
        "case_time_limits",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("extension_amount", sa.Integer(), nullable=False),
        sa.Column("max_extensions", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["users.id"], name=op.f("fk_case_time_limits_updated_by_users")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_case_time_limits")),
    )
    op.create_table(
        "clues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "accepted_here",
                "leader_instructed",
                "upper_assigned",
                "transferred",
                "self_found",
                "inspection_tour",
                "audit",
                "lower_reported",
                "surrender",
                name="cluesource",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "assigned",
                "talk_letter",
                "talk_letter_pending",
                "talk_letter_reporting",
                "prelim_check",
                "prelim_checking",
                "prelim_reported",
                "shelved",
                "to_case",
                "filing_pending",
                "filed",
                "investigating",
                "facts_confirmed",
                "transferred_to_trial",
                "trial_deferred",
                "trial_accepted",
                "returned_supplement",
                "trial_reported",
                "county_checked",
                "decided_by_cwh",
                "party_approval_pending",
                "decided",
                "announced",
                "served",
                "executed",
                "transferred_prosecution",
                "appeal_received",
                "appeal_reviewing",
                "appeal_decided",
                "effect_expired",
                "closed",
                "first_form_handled",
                "false_accusation_referred",
                "referred_to_party_org",
                "case_withdrawn",
                name="cluestate",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("subject_name", sa.String(length=80), nullable=False),
        sa.Column("subject_gender", sa.Enum("male", "female", name="gender", native_enum=False, length=40), nullable=True),
        sa.Column("subject_birth_date", sa.Date(), nullable=True),
        sa.Column("subject_party_member", sa.Boolean(), nullable=False),
        sa.Column(
            "subject_rank",
            sa.Enum(
                "provincial",
                "prefecture",
                "county",
                "section",
                "general",
                "village",
                "other",
                name="ranklevel",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column("subject_post", sa.String(length=120), nullable=False),
        sa.Column("subject_lower_leader", sa.Boolean(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("township_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_group_id", sa.Integer(), nullable=True),
        sa.Column("reviewer_unit_id", sa.Integer(), nullable=True),
        sa.Column("trial_group_id", sa.Integer(), nullable=True),
        sa.Column("appeal_group_id", sa.Integer(), nullable=True),
        sa.Column("township_trial_member_id", sa.Integer(), nullable=True),
        sa.Column("assignment_note", sa.Text(), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=True),
        sa.Column("trial_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("due_key", sa.String(length=40), nullable=True),
        sa.Column("party_sanction", sa.String(length=40), nullable=True),
        sa.Column("gov_sanction", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["appeal_group_id"], ["org_units.id"], name=op.f("fk_clues_appeal_group_id_org_units")),
        sa.ForeignKeyConstraint(["reviewer_unit_id"], ["org_units.id"], name=op.f("fk_clues_reviewer_unit_id_org_units")),
        sa.ForeignKeyConstraint(["supervisor_group_id"], ["org_units.id"], name=op.f("fk_clues_supervisor_group_id_org_units")),
        sa.ForeignKeyConstraint(["township_id"], ["org_units.id"], name=op.f("fk_clues_township_id_org_units")),
        sa.ForeignKeyConstraint(["township_trial_member_id"], ["users.id"], name=op.f("fk_clues_township_trial_member_id_users")),
        sa.ForeignKeyConstraint(["trial_group_id"], ["org_units.id"], name=op.f("fk_clues_trial_group_id_org_units")),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_clues_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clues")),
        sa.UniqueConstraint("number", name=op.f("uq_clues_number")),
    )
    op.create_index("ix_clues_due_date_id", "clues", ["due_date", "id"], unique=False)
    op.create_index(op.f("ix_clues_received_on"), "clues", ["received_on"], unique=False)
    op.create_index(op.f("ix_clues_reviewer_unit_id"), "clues", ["reviewer_unit_id"], unique=False)
    op.create_index(op.f("ix_clues_source"), "clues", ["source"], unique=False)
    op.create_index(op.f("ix_clues_state"), "clues", ["state"], unique=False)
    op.create_index(op.f("ix_clues_supervisor_group_id"), "clues", ["supervisor_group_id"], unique=False)
    op.create_index(op.f("ix_clues_township_id"), "clues", ["township_id"], unique=False)
    op.create_index(op.f("ix_clues_trial_group_id"), "clues", ["trial_group_id"], unique=False)
    op.create_index(op.f("ix_clues_unit_id"), "clues", ["unit_id"], unique=False)
    op.create_table(
        "case_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.String(length=32), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("approver", sa.String(length=10), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "approved", "rejected", name="approvalstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.Integer(), nullable=True),
        sa.Column("requested_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("request_comment", sa.Text(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_label", sa.String(length=200), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("external_ref", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_approvals_clue_id_clues"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_case_approvals_decided_by_users")),
        sa.ForeignKeyConstraint(["requested_by"], ["users.id"], name=op.f("fk_case_approvals_requested_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_approvals")),
    )
    op.create_index(op.f("ix_case_approvals_clue_id"), "case_approvals", ["clue_id"], unique=False)
    op.create_index(op.f("ix_case_approvals_request_id"), "case_approvals", ["request_id"], unique=False)
    op.create_table(
        "case_assets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=80), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column(
            "status",
            sa.Enum("seized", "frozen", "returned", "handed_over", name="assetstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_assets_clue_id_clues"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_assets")),
    )
    op.create_index(op.f("ix_case_assets_clue_id"), "case_assets", ["clue_id"], unique=False)
    op.create_table(
        "case_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("stored_file_id", sa.String(length=100), nullable=True),
        sa.Column("added_by", sa.Integer(), nullable=True),
        sa.Column("added_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["added_by"], ["users.id"], name=op.f("fk_case_documents_added_by_users")),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_documents_clue_id_clues"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_documents")),
    )
    op.create_index(op.f("ix_case_documents_clue_id"), "case_documents", ["clue_id"], unique=False)
    op.create_table(
        "case_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "duty", sa.Enum("supervise", "review", "trial", "appeal", name="duty", native_enum=False, length=40), nullable=False
        ),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_members_clue_id_clues"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_members_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_members")),
        sa.UniqueConstraint("clue_id", "user_id", name="uq_case_members_clue_user"),
    )
    op.create_table(
        "case_organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_organisations_clue_id_clues"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_organisations")),
    )
    op.create_index(op.f("ix_case_organisations_clue_id"), "case_organisations", ["clue_id"], unique=False)
    op.create_table(
        "case_recusals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("org_unit_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_recusals_clue_id_clues"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_case_recusals_created_by_users")),
        sa.ForeignKeyConstraint(["org_unit_id"], ["org_units.id"], name=op.f("fk_case_recusals_org_unit_id_org_units")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_recusals_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_recusals")),
    )
    op.create_index(op.f("ix_case_recusals_clue_id"), "case_recusals", ["clue_id"], unique=False)
    op.create_table(
        "petitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("visit", "letter", "phone", "web", "kiosk", name="petitionchannel", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum("accusation", "appeal", "suggestion", "other", name="petitionkind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "registered",
                "not_accepted_forwarded",
                "not_accepted_informed",
                "reported_up",
                "forwarded_down",
                "merged_duplicate",
                "routed_to_appeal",
                "converted_to_clue",
                "feedback_due",
                "closed",
                name="petitionstate",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("petitioner_name", sa.String(length=80), nullable=True),
        sa.Column("petitioner_contact", sa.String(length=120), nullable=False),
        sa.Column("accused_name", sa.String(length=80), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("township_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("reported_up", sa.Boolean(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("intake_ref", sa.String(length=60), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_petitions_clue_id_clues")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_petitions_created_by_users")),
        sa.ForeignKeyConstraint(["duplicate_of_id"], ["petitions.id"], name=op.f("fk_petitions_duplicate_of_id_petitions")),
        sa.ForeignKeyConstraint(["township_id"], ["org_units.id"], name=op.f("fk_petitions_township_id_org_units")),
        sa.ForeignKeyConstraint(["unit_id"], ["org_units.id"], name=op.f("fk_petitions_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_petitions")),
        sa.UniqueConstraint("number", name=op.f("uq_petitions_number")),
    )
    op.create_index(op.f("ix_petitions_clue_id"), "petitions", ["clue_id"], unique=False)
    op.create_index(op.f("ix_petitions_due_date"), "petitions", ["due_date"], unique=False)
    op.create_index(op.f("ix_petitions_received_on"), "petitions", ["received_on"], unique=False)
    op.create_index(op.f("ix_petitions_reported_up"), "petitions", ["reported_up"], unique=False)
    op.create_index(op.f("ix_petitions_state"), "petitions", ["state"], unique=False)
    op.create_index(op.f("ix_petitions_township_id"), "petitions", ["township_id"], unique=False)
    op.create_table(
        "case_clocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status", sa.Enum("open", "paused", "stopped", name="clockstatus", native_enum=False, length=40), nullable=False
        ),
        sa.Column("paused_on", sa.Date(), nullable=True),
        sa.Column("extensions", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_clocks_clue_id_clues"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_case_clocks_petition_id_petitions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_clocks")),
        sa.UniqueConstraint("clue_id", "key", name="uq_case_clocks_clue_key"),
        sa.UniqueConstraint("petition_id", "key", name="uq_case_clocks_petition_key"),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=True),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.Column("event", sa.String(length=60), nullable=False),
        sa.Column("from_state", sa.String(length=40), nullable=False),
        sa.Column("to_state", sa.String(length=40), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_case_events_actor_id_users")),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_case_events_clue_id_clues"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_case_events_petition_id_petitions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_events")),
    )
    op.create_index(op.f("ix_case_events_clue_id"), "case_events", ["clue_id"], unique=False)
    op.create_index(op.f("ix_case_events_petition_id"), "case_events", ["petition_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_events_petition_id"), table_name="case_events")
    op.drop_index(op.f("ix_case_events_clue_id"), table_name="case_events")
    op.drop_table("case_events")
    op.drop_table("case_clocks")
    op.drop_index(op.f("ix_petitions_township_id"), table_name="petitions")
    op.drop_index(op.f("ix_petitions_state"), table_name="petitions")
    op.drop_index(op.f("ix_petitions_reported_up"), table_name="petitions")
    op.drop_index(op.f("ix_petitions_received_on"), table_name="petitions")
    op.drop_index(op.f("ix_petitions_due_date"), table_name="petitions")
    op.drop_index(op.f("ix_petitions_clue_id"), table_name="petitions")
    op.drop_table("petitions")
    op.drop_index(op.f("ix_case_recusals_clue_id"), table_name="case_recusals")
    op.drop_table("case_recusals")
    op.drop_index(op.f("ix_case_organisations_clue_id"), table_name="case_organisations")
    op.drop_table("case_organisations")
    op.drop_table("case_members")
    op.drop_index(op.f("ix_case_documents_clue_id"), table_name="case_documents")
    op.drop_table("case_documents")
    op.drop_index(op.f("ix_case_assets_clue_id"), table_name="case_assets")
    op.drop_table("case_assets")
    op.drop_index(op.f("ix_case_approvals_request_id"), table_name="case_approvals")
    op.drop_index(op.f("ix_case_approvals_clue_id"), table_name="case_approvals")
    op.drop_table("case_approvals")
    op.drop_index(op.f("ix_clues_unit_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_trial_group_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_township_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_supervisor_group_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_state"), table_name="clues")
    op.drop_index(op.f("ix_clues_source"), table_name="clues")
    op.drop_index(op.f("ix_clues_reviewer_unit_id"), table_name="clues")
    op.drop_index(op.f("ix_clues_received_on"), table_name="clues")
    op.drop_index("ix_clues_due_date_id", table_name="clues")
    op.drop_table("clues")
    op.drop_table("case_time_limits")
    op.drop_table("holiday_calendar")
