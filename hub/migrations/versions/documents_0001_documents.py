"""Documents: the case file's documents, their versions (files in the evidence store), approvals and transmissions,
and the full-text index (SQLite: FTS5 trigram table ``document_fts``; PostgreSQL: pg_trgm GIN index
``document_fts_trgm``). The index is no model: ``hub.schema.UNMODELLED`` names it for the drift check.

Revision ID: documents_0001
Revises: f0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from hub.db import UTCDateTime

revision = "documents_0001"
down_revision = "f0001"
branch_labels = ("documents",)
depends_on = ("cases_0004", "store_0001")

_KINDS = ("upload", "interview_record", "preliminary_report", "filing_form", "review_report", "trial_report", "sanction_decision")


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clue_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*_KINDS, name="documentkind", native_enum=False, length=40), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("draft", "pending", "approved", "rejected", name="documentstatus", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("approval_step", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["clue_id"], ["clues.id"], name=op.f("fk_documents_clue_id_clues"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_documents_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("number", name=op.f("uq_documents_number")),
    )
    op.create_index(op.f("ix_documents_clue_id"), "documents", ["clue_id"], unique=False)
    op.create_index(op.f("ix_documents_kind"), "documents", ["kind"], unique=False)
    op.create_index(op.f("ix_documents_status"), "documents", ["status"], unique=False)
    op.create_table(
        "document_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.String(length=36), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("docx_file_id", sa.String(length=36), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filled", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_document_versions_created_by_users")),
        sa.ForeignKeyConstraint(
            ["docx_file_id"], ["stored_files.id"], name=op.f("fk_document_versions_docx_file_id_stored_files")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_versions_document_id_documents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["file_id"], ["stored_files.id"], name=op.f("fk_document_versions_file_id_stored_files")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_versions")),
        sa.UniqueConstraint("document_id", "number", name="uq_document_versions_document_number"),
    )
    op.create_index(op.f("ix_document_versions_document_id"), "document_versions", ["document_id"], unique=False)
    op.create_table(
        "document_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("approver", sa.String(length=10), nullable=False),
        sa.Column("approved", sa.Boolean(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_label", sa.String(length=200), nullable=False),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["decided_by"], ["users.id"], name=op.f("fk_document_approvals_decided_by_users")),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_approvals_document_id_documents"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_approvals")),
    )
    op.create_index(op.f("ix_document_approvals_document_id"), "document_approvals", ["document_id"], unique=False)
    op.create_table(
        "document_transmissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("to_unit_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("sent_by", sa.Integer(), nullable=True),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.Integer(), nullable=True),
        sa.Column("received_label", sa.String(length=200), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_document_transmissions_document_id_documents"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["received_by"], ["users.id"], name=op.f("fk_document_transmissions_received_by_users")),
        sa.ForeignKeyConstraint(["sent_by"], ["users.id"], name=op.f("fk_document_transmissions_sent_by_users")),
        sa.ForeignKeyConstraint(["to_unit_id"], ["org_units.id"], name=op.f("fk_document_transmissions_to_unit_id_org_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_transmissions")),
    )
    op.create_index(op.f("ix_document_transmissions_document_id"), "document_transmissions", ["document_id"], unique=False)
    op.create_index(op.f("ix_document_transmissions_to_unit_id"), "document_transmissions", ["to_unit_id"], unique=False)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE document_fts USING fts5("
            "text, content='document_versions', content_rowid='id', tokenize='trigram')"
        )
    else:
        # pg_trgm lives in public (one per database), so that test schemas dropped with CASCADE do not take it along
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        op.execute("CREATE INDEX document_fts_trgm ON document_versions USING gin (text public.gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE document_fts")
    else:
        op.execute("DROP INDEX document_fts_trgm")
    op.drop_table("document_transmissions")
    op.drop_table("document_approvals")
    op.drop_table("document_versions")
    op.drop_table("documents")
