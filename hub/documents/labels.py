"""Words for the documents part's codes (pages show words, never codes)."""

from __future__ import annotations

from enum import Enum

from hub.documents.kinds import KINDS
from hub.documents.models import DocumentStatus
from hub.i18n import N_

DOCUMENT_LABELS: dict[Enum, str] = {
    **{kind: spec.label for kind, spec in KINDS.items()},
    DocumentStatus.DRAFT: N_("Draft"),
    DocumentStatus.PENDING: N_("Waiting for approval"),
    DocumentStatus.APPROVED: N_("Approved"),
    DocumentStatus.REJECTED: N_("Sent back"),
}

MEDIA_LABELS = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "image/png": N_("Image"),
    "image/jpeg": N_("Image"),
    "image/tiff": N_("Scan"),
}
