"""What the other parts use of case tracking.

Other parts import from here, never from this part's other modules (tests/test_layers.py).

Outcomes, for statistics (issue 11): ``decided_outcomes(session, start=, end=, visible=policy.where(actor, "view",
Clue))`` gives one ``OutcomeFact`` per approved decision (人次) with its form, sanctions, disciplines, violations,
eight-point items and classes, other dispositions, rank and party membership; ``tally(facts, dimension)`` counts them
per code (``DIMENSIONS``), and ``count_outcomes(session, dimension, start=, end=, visible=)`` gives the same counts
from the database (GROUP BY) for long histories; ``taxonomy`` names every code in Chinese and English
(``taxonomy.FORMS.name_of(code, locale)``). For SQL of one's own: ``CaseOutcome`` (stage "trial" with
``approved_on`` set is a decision) and ``CaseOutcomeItem`` (kind violation / eight_point / disposition; ``parent``
is the discipline, class or group).

Statistics from tallies (issue 11): ``stat_counts(session, policy, actor, start, end)`` gives (kind, key, month, n) rows
of what the actor sees, kept in step with every write (``stat_tally.py`` names the kinds), or None where the clues
must be counted instead."""

from __future__ import annotations

from hub.cases import holidays, taxonomy
from hub.cases.access import CaseContext, may_approve
from hub.cases.choices import case_choices
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
from hub.cases.outcome_models import CaseOutcome, CaseOutcomeItem
from hub.cases.outcomes import DIMENSIONS, OutcomeFact, count_outcomes, decided_outcomes, tally
from hub.cases.rules import OfficeDirectory
from hub.cases.stat_tally import counted as stat_counts
from hub.cases.workdays import HolidayCalendar
from hub.cases.workflow import CLUE_ENDINGS, LIVE_CLUE_STATES, STAGES, Approver, ClueState, PetitionState

__all__ = [
    "CASES",
    "CLUE_ENDINGS",
    "CLUE_PAGE_PARTS",
    "COLOURS",
    "DIMENSIONS",
    "EVENT_LABELS",
    "LIVE_CLUE_STATES",
    "STAGES",
    "STAGE_LABELS",
    "TIMELINE_KINDS",
    "Approver",
    "CaseContext",
    "CaseEvent",
    "CaseOutcome",
    "CaseOutcomeItem",
    "Clue",
    "CluePagePart",
    "ClueSource",
    "ClueState",
    "Colour",
    "HolidayCalendar",
    "LedgerQuery",
    "OfficeDirectory",
    "OutcomeFact",
    "Petition",
    "PetitionChannel",
    "PetitionIn",
    "PetitionKind",
    "PetitionState",
    "RankLevel",
    "case_choices",
    "colour_condition",
    "colour_of",
    "count_outcomes",
    "decided_outcomes",
    "holidays",
    "ledger_conditions",
    "ledger_counts",
    "ledger_stream",
    "may_approve",
    "register_petition",
    "stat_counts",
    "tally",
    "taxonomy",
]
