"""Key-model metadata from the FIDO Metadata Service (MDS3 BLOB): each import, and per AAGUID the attestation roots
and status reports that enrolment checks (issue 14).

Revision ID: auth_0003
Revises: auth_0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "auth_0003"
down_revision = "auth_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_metadata_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blob_number", sa.Integer(), nullable=False),
        sa.Column("next_update", sa.Date(), nullable=False),
        sa.Column("imported_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("models", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_metadata_imports")),
    )
    op.create_table(
        "key_model_metadata",
        sa.Column("aaguid", sa.String(length=36), nullable=False),
        sa.Column("description", sa.String(length=400), nullable=False),
        sa.Column("root_certificates", sa.Text(), nullable=False),
        sa.Column("status_reports", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["key_metadata_imports.id"],
            name=op.f("fk_key_model_metadata_import_id_key_metadata_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("aaguid", name=op.f("pk_key_model_metadata")),
    )
    with op.batch_alter_table("key_model_metadata", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_key_model_metadata_import_id"), ["import_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("key_model_metadata", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_key_model_metadata_import_id"))
    op.drop_table("key_model_metadata")
    op.drop_table("key_metadata_imports")
