"""How the reports part lays out a page as PDF: a renderer the wiring gives it (the documents part's WeasyPrint
renderer, ``hub.documents.interface.render_page_pdf``), since reports may not import documents (tests/test_layers.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from aiohttp import web

PagePdf = Callable[[str, Path], bytes]  # (the page's HTML, the static folder) -> PDF; blocks: call in a thread
PAGE_PDF: web.AppKey[PagePdf] = web.AppKey("report_page_pdf")
