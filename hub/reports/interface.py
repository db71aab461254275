"""What the other parts (and the wiring) use of the reports part.

Other parts import from here, never from this part's other modules (tests/test_layers.py). The part that records case
outcomes fills ``OutcomeSource`` (structurally) and the wiring appends it to ``app[OUTCOMES]``. The wiring also gives it a
page-to-PDF renderer (``app[PAGE_PDF]``, the documents part's) for the printable ledger."""

from __future__ import annotations

from hub.reports.outcomes import DIMENSIONS, OUTCOMES, OutcomeSource
from hub.reports.printing import MONDAY_FILE, PAGE_PDF, MondayFile, PagePdf

__all__ = ["DIMENSIONS", "MONDAY_FILE", "OUTCOMES", "PAGE_PDF", "MondayFile", "OutcomeSource", "PagePdf"]
