"""What the other parts use of the organisation.

Other parts import from here, never from this part's other modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.org import services
from hub.org.keys import ORG_PAGE_PARTS
from hub.org.models import OfficeCode, OrgUnit, UnitKind

__all__ = [
    "ORG_PAGE_PARTS",
    "OfficeCode",
    "OrgUnit",
    "UnitKind",
    "services",
]
