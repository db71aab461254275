"""What the other parts (and the wiring) use of the reports part.

Other parts import from here, never from this part's other modules (tests/test_layers.py). The part that records case
outcomes fills ``OutcomeSource`` (structurally) and the wiring appends it to ``app[OUTCOMES]``."""

from __future__ import annotations

from hub.reports.outcomes import DIMENSIONS, OUTCOMES, OutcomeSource

__all__ = ["DIMENSIONS", "OUTCOMES", "OutcomeSource"]
