"""What the other parts use of case tracking.

Other parts import from here, never from this part's other modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.cases import holidays
from hub.cases.access import CaseContext, may_approve
from hub.cases.colours import ORDER as COLOURS
from hub.cases.colours import Colour, colour_condition, colour_of
from hub.cases.intake import PetitionIn, register_petition
from hub.cases.keys import CASES, CLUE_PAGE_PARTS, CluePagePart
from hub.cases.labels import EVENT_LABELS, STAGE_LABELS, TIMELINE_KINDS
from hub.cases.ledger import LedgerQuery
from hub.cases.ledger import conditions as ledger_conditions
from hub.cases.ledger import counts as ledger_counts
from hub.cases.ledger import stream as ledger_stream
from hub.cases.models import CaseEvent, Clue, ClueSource, Petition, PetitionChannel, PetitionKind, RankLevel
from hub.cases.rules import OfficeDirectory
from hub.cases.workdays import HolidayCalendar
from hub.cases.workflow import CLUE_ENDINGS, LIVE_CLUE_STATES, STAGES, Approver, ClueState, PetitionState

__all__ = [
    "CASES",
    "CLUE_ENDINGS",
    "CLUE_PAGE_PARTS",
    "COLOURS",
    "EVENT_LABELS",
    "LIVE_CLUE_STATES",
    "STAGES",
    "STAGE_LABELS",
    "TIMELINE_KINDS",
    "Approver",
    "CaseContext",
    "CaseEvent",
    "Clue",
    "CluePagePart",
    "ClueSource",
    "ClueState",
    "Colour",
    "HolidayCalendar",
    "LedgerQuery",
    "OfficeDirectory",
    "Petition",
    "PetitionChannel",
    "PetitionIn",
    "PetitionKind",
    "PetitionState",
    "RankLevel",
    "colour_condition",
    "colour_of",
    "holidays",
    "ledger_conditions",
    "ledger_counts",
    "ledger_stream",
    "may_approve",
    "register_petition",
]
