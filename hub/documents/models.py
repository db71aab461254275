"""Tables of the documents part: a document, its versions (each a file in the evidence store), its transmissions.

``stored_files`` rows are the store's; a version names its files by id. The full text of each version is kept in
``document_versions.text`` for search (SQLite: the ``document_fts`` FTS5 trigram index over it; PostgreSQL: a pg_trgm
GIN index), both made by the migration.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.enums import enum_column


class DocumentKind(StrEnum):
    UPLOAD = "upload"  # 上传材料 (scans, photographs, documents from elsewhere)
    INTERVIEW_RECORD = "interview_record"  # 谈话笔录
    PRELIMINARY_REPORT = "preliminary_report"  # 初步核实报告
    FILING_FORM = "filing_form"  # 立案审查调查呈批表
    REVIEW_REPORT = "review_report"  # 审查调查报告
    TRIAL_REPORT = "trial_report"  # 审理报告
    SANCTION_DECISION = "sanction_decision"  # 处分决定


class DocumentStatus(StrEnum):
    DRAFT = "draft"  # 草稿
    PENDING = "pending"  # 呈批中
    APPROVED = "approved"  # 已批准
    REJECTED = "rejected"  # 退回


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    kind: Mapped[DocumentKind] = mapped_column(enum_column(DocumentKind), index=True)
    number: Mapped[str | None] = mapped_column(String(60), unique=True)  # 文号, from the kind's numbering rule
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[DocumentStatus] = mapped_column(enum_column(DocumentStatus), index=True)
    approval_step: Mapped[int] = mapped_column(Integer, default=0)  # steps of the kind's chain already signed
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DocumentVersion(Base):
    """One version: the file people read (PDF for a generated document, the upload as sent) and, for generated
    documents, the DOCX to edit in WPS or Word."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "number", name="uq_document_versions_document_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, …
    file_id: Mapped[str] = mapped_column(ForeignKey("stored_files.id"))
    media_type: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str] = mapped_column(String(200))
    docx_file_id: Mapped[str | None] = mapped_column(ForeignKey("stored_files.id"))
    text: Mapped[str] = mapped_column(Text, default="")  # the full text, for search
    filled: Mapped[str] = mapped_column(Text, default="")  # generated: what it was generated from (JSON), to print again
    note: Mapped[str] = mapped_column(String(300), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class DocumentApproval(Base):
    """One signed step of a document's 呈批 (or its refusal)."""

    __tablename__ = "document_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer)
    approver: Mapped[str] = mapped_column(String(10))  # the workflow's approver code (ZY, FG)
    approved: Mapped[bool] = mapped_column()
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_label: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text, default="")


class Transmission(Base):
    """移送: a document sent to another unit, which signs a receipt."""

    __tablename__ = "document_transmissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    to_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    sent_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    received_label: Mapped[str] = mapped_column(String(200), default="")
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
