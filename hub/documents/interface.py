"""What the other parts (and the wiring) use of the documents part.

Other parts import from here, never from this part's other modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.documents import service
from hub.documents.kinds import KINDS
from hub.documents.models import Document, DocumentKind, DocumentStatus, DocumentVersion
from hub.documents.waiting import Waiting, waiting

__all__ = [
    "KINDS",
    "Document",
    "DocumentKind",
    "DocumentStatus",
    "DocumentVersion",
    "Waiting",
    "service",
    "waiting",
]
