"""How the reports part lays out a page as PDF: a renderer the wiring gives it (the documents part's WeasyPrint
renderer, ``hub.documents.interface.render_page_pdf``), since reports may not import documents (tests/test_layers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

PagePdf = Callable[[str, Path], bytes]  # (the page's HTML, the static folder) -> PDF; blocks: call in a thread
PAGE_PDF: web.AppKey[PagePdf] = web.AppKey("report_page_pdf")

# (the report, its body as this reader may read it, "pdf" or "docx") -> the file; the wiring builds it with the same
# document builder as `hub report monday --format pdf|docx`; blocks: call in a thread
MondayFile = Callable[[Any, dict[str, Any], str], bytes]
MONDAY_FILE: web.AppKey[MondayFile] = web.AppKey("report_monday_file")
