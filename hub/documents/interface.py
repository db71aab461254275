"""What the other parts (and the wiring) use of the documents part.

Other parts import from here, never from this part's other modules (tests/test_layers.py). ``render_pdf(blocks,
title)`` and ``render_docx(blocks, title)`` lay out any content made of the blocks (Title, Line, Heading, Paragraphs,
Facts, Picture: an SVG figure) with the documents' fonts and page; they block, call them in a thread.
``render_page_pdf(html, static_dir)`` lays out a page of the hub with its own print stylesheet (the printable ledger:
A4 landscape, colours kept)."""

from __future__ import annotations

from hub.documents import service
from hub.documents.content import (
    Block,
    Facts,
    Heading,
    Line,
    Paragraphs,
    Picture,
    Title,
    render_docx,
    render_page_pdf,
    render_pdf,
)
from hub.documents.kinds import KINDS
from hub.documents.models import Document, DocumentKind, DocumentStatus, DocumentVersion
from hub.documents.waiting import Waiting, waiting

__all__ = [
    "KINDS",
    "Block",
    "Document",
    "DocumentKind",
    "DocumentStatus",
    "DocumentVersion",
    "Facts",
    "Heading",
    "Line",
    "Paragraphs",
    "Picture",
    "Title",
    "Waiting",
    "render_docx",
    "render_page_pdf",
    "render_pdf",
    "service",
    "waiting",
]
