"""What the other parts use of case tracking.

Other parts import from here, never from this part's other modules (tests/test_layers.py).

Outcomes, for statistics (issue 11): ``decided_outcomes(session, start=, end=, visible=policy.where(actor, "view",
Clue))`` gives one ``OutcomeFact`` per approved decision (人次) with its form, sanctions, disciplines, violations,
eight-point items and classes, other dispositions, rank and party membership; ``tally(facts, dimension)`` counts them
per code (``DIMENSIONS``), and ``count_outcomes(session, dimension, start=, end=, visible=)`` gives the same counts
from the database (GROUP BY) for long histories; ``taxonomy`` names every code in Chinese and English
(``taxonomy.FORMS.name_of(code, locale)``). For SQL of one's own: ``CaseOutcome`` (stage "trial" with
``approved_on`` set is a decision) and ``CaseOutcomeItem`` (kind violation / eight_point / disposition; ``parent``
is the discipline, class or group)."""

from __future__ import annotations

from hub.cases import holidays, taxonomy
from hub.cases.access import CaseContext
from hub.cases.choices import case_choices
from hub.cases.intake import PetitionIn, register_petition
from hub.cases.keys import CASES
from hub.cases.models import Clue, Petition, PetitionChannel, PetitionKind
from hub.cases.outcome_models import CaseOutcome, CaseOutcomeItem
from hub.cases.outcomes import DIMENSIONS, OutcomeFact, count_outcomes, decided_outcomes, tally
from hub.cases.rules import OfficeDirectory
from hub.cases.workdays import HolidayCalendar
from hub.cases.workflow import ClueState, PetitionState

__all__ = [
    "CASES",
    "DIMENSIONS",
    "CaseContext",
    "CaseOutcome",
    "CaseOutcomeItem",
    "Clue",
    "ClueState",
    "HolidayCalendar",
    "OfficeDirectory",
    "OutcomeFact",
    "Petition",
    "PetitionChannel",
    "PetitionIn",
    "PetitionKind",
    "PetitionState",
    "case_choices",
    "count_outcomes",
    "decided_outcomes",
    "holidays",
    "register_petition",
    "tally",
    "taxonomy",
]
