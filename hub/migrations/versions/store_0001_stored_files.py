"""Evidence store: one row per stored file (recording, attachment, document) with its signed manifest.

case_id and room_session_id are plain integers until the cases and room sessions tables exist;
a later revision turns them into foreign keys.

Revision ID: store_0001
Revises: f0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "store_0001"
down_revision = "f0001"
branch_labels = ("store",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_files",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("recording", "attachment", "document", name="filekind", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column(
            "status",
            sa.Enum("writing", "closed", "recovered", name="filestatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("plaintext_size", sa.BigInteger(), nullable=True),
        sa.Column("ciphertext_size", sa.BigInteger(), nullable=True),
        sa.Column("plaintext_sha256", sa.String(length=64), nullable=True),
        sa.Column("ciphertext_sha256", sa.String(length=64), nullable=True),
        sa.Column("manifest", sa.Text(), nullable=True),
        sa.Column("manifest_sha256", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("room_session_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_files")),
        sa.UniqueConstraint("manifest_sha256", name=op.f("uq_stored_files_manifest_sha256")),
    )
    op.create_index(op.f("ix_stored_files_kind"), "stored_files", ["kind"], unique=False)
    op.create_index(op.f("ix_stored_files_status"), "stored_files", ["status"], unique=False)
    op.create_index(op.f("ix_stored_files_case_id"), "stored_files", ["case_id"], unique=False)
    op.create_index(op.f("ix_stored_files_room_session_id"), "stored_files", ["room_session_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_stored_files_room_session_id"), table_name="stored_files")
    op.drop_index(op.f("ix_stored_files_case_id"), table_name="stored_files")
    op.drop_index(op.f("ix_stored_files_status"), table_name="stored_files")
    op.drop_index(op.f("ix_stored_files_kind"), table_name="stored_files")
    op.drop_table("stored_files")
