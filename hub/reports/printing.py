"""How the reports part prints: pages through the core's ``PAGE_PDF`` renderer (the documents part's, set by the wiring,
since reports may not import documents: tests/test_layers.py), the Monday report through ``MONDAY_FILE``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from hub.http.keys import PAGE_PDF, PagePdf

__all__ = ["MONDAY_FILE", "PAGE_PDF", "MondayFile", "PagePdf"]

# (the report, its body as this reader may read it, "pdf" or "docx") -> the file; the wiring builds it with the same
# document builder as `hub report monday --format pdf|docx`; blocks: call in a thread
MondayFile = Callable[[Any, dict[str, Any], str], bytes]
MONDAY_FILE: web.AppKey[MondayFile] = web.AppKey("report_monday_file")
