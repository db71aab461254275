"""What the other parts use of case tracking.

Other parts import from here, never from this part's other modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.cases import holidays
from hub.cases.access import CaseContext, may_approve
from hub.cases.intake import PetitionIn, register_petition
from hub.cases.keys import CASES, CLUE_PAGE_PARTS, CluePagePart
from hub.cases.models import Petition, PetitionChannel, PetitionKind
from hub.cases.rules import OfficeDirectory
from hub.cases.workdays import HolidayCalendar
from hub.cases.workflow import Approver, PetitionState

__all__ = [
    "CASES",
    "CLUE_PAGE_PARTS",
    "Approver",
    "CaseContext",
    "CluePagePart",
    "HolidayCalendar",
    "OfficeDirectory",
    "Petition",
    "PetitionChannel",
    "PetitionIn",
    "PetitionKind",
    "PetitionState",
    "holidays",
    "may_approve",
    "register_petition",
]
