"""Where the outcome-based figures come from: a small interface that the part recording case outcomes fills.

The statistics need, for each dimension of §4.9 (the six disciplines, the eight-point categories, the four forms, the
sanction types, the rank of the sanctioned), its categories and, for each category, a condition over the clues table
that selects the matters counted under it, with the day each counts on. Whoever records outcomes (hub/cases) provides
an object of this shape; the wiring adds it to ``app[OUTCOMES]`` (a later source replaces an earlier one for the
dimensions it names). Until one names a dimension, its chart says it waits for outcomes.

The reports part provides two from what the ledger already keeps: sanction types (the party and government sanction
columns) and the rank of the sanctioned (the subject's rank); ``CaseOutcomes`` reads the outcomes the cases part records
(its ``case_outcomes`` and ``case_outcome_items``, published by hub/cases/interface.py) and answers all five, counting a
matter on the day its decision was approved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from aiohttp import web
from sqlalchemy import ColumnElement, Select, and_, distinct, func, literal, or_, select

from hub.cases.interface import CaseOutcome, CaseOutcomeItem, Clue, RankLevel, taxonomy
from hub.i18n import N_

DISCIPLINE, EIGHT_POINT, FORM, SANCTION, RANK = "discipline", "eight_point", "form", "sanction", "rank"
DIMENSIONS = (DISCIPLINE, EIGHT_POINT, FORM, SANCTION, RANK)


class OutcomeSource(Protocol):
    """What a part that records outcomes provides (structural: it need not import this module)."""

    @property
    def dimensions(self) -> Sequence[str]:
        """Which of ``DIMENSIONS`` it answers."""
        ...

    def categories(self, dimension: str) -> Sequence[tuple[str, str]]:
        """The categories in display order: (key, label: an English message id or a Chinese text)."""
        ...

    def condition(self, dimension: str, key: str) -> ColumnElement[bool]:
        """The clues counted under this category (a condition on ``clues``, e.g. an EXISTS over an outcomes table)."""
        ...

    def dated(self, dimension: str) -> ColumnElement[dt.date]:
        """The day an outcome of this dimension counts on (the period filter applies to it)."""
        ...

    def within(self, start: dt.date, end: dt.date) -> ColumnElement[bool]:
        """A condition on ``clues`` that every category of every dimension implies for the period, which the database
        can answer from an index (the statistics count all the source's figures in one pass narrowed by it)."""
        ...


OUTCOMES: web.AppKey[list[OutcomeSource]] = web.AppKey("report_outcomes")

PARTY_SANCTIONS = ("警告", "严重警告", "撤销党内职务", "留党察看", "开除党籍")  # 纪律处分条例 art. 8
GOV_SANCTIONS = ("警告", "记过", "记大过", "降级", "撤职", "开除")  # 政务处分法 art. 7

SANCTIONED = or_(Clue.party_sanction.is_not(None), Clue.gov_sanction.is_not(None))


def decided_on() -> ColumnElement[dt.date]:
    """The day a sanction counts on: the day the matter ended, else the day it reached trial, else its filing (the
    ledger keeps no decision date yet; the outcomes part will give a better one)."""
    return func.coalesce(Clue.closed_on, Clue.trial_on, Clue.filed_on, Clue.received_on)


class LedgerOutcomes:
    """Sanction types and the rank of the sanctioned, from the columns the ledger already has."""

    dimensions = (SANCTION, RANK)

    def categories(self, dimension: str) -> Sequence[tuple[str, str]]:
        if dimension == SANCTION:
            return [*((f"party:{s}", f"党纪·{s}") for s in PARTY_SANCTIONS), *((f"gov:{s}", f"政务·{s}") for s in GOV_SANCTIONS)]
        return [(r.value, RANK_LABELS[r]) for r in RankLevel]

    def condition(self, dimension: str, key: str) -> ColumnElement[bool]:
        if dimension == SANCTION:
            kind, _, name = key.partition(":")
            return Clue.party_sanction == name if kind == "party" else Clue.gov_sanction == name
        return and_(SANCTIONED, Clue.subject_rank == key)

    def dated(self, dimension: str) -> ColumnElement[dt.date]:
        return decided_on()

    def within(self, start: dt.date, end: dt.date) -> ColumnElement[bool]:
        return SANCTIONED


RANK_LABELS = {
    RankLevel.PROVINCIAL: N_("Provincial or ministerial"),
    RankLevel.PREFECTURE: N_("Prefectural or bureau"),
    RankLevel.COUNTY: N_("County or division"),
    RankLevel.SECTION: N_("Township or section"),
    RankLevel.GENERAL: N_("General cadre"),
    RankLevel.VILLAGE: N_("Village head"),
    RankLevel.OTHER: N_("Rural, enterprise and other"),
}


def source_for(sources: Sequence[OutcomeSource], dimension: str) -> OutcomeSource | None:
    """The last registered source that answers the dimension."""
    found = None
    for source in sources:
        if dimension in source.dimensions:
            found = source
    return found


TRIAL = "trial"  # the stage whose approved outcome is the decision (hub/cases/outcomes.py)


class CaseOutcomes:
    """All five dimensions from the decisions the cases part records: one approved trial outcome per matter (人次)."""

    dimensions = (DISCIPLINE, EIGHT_POINT, FORM, SANCTION, RANK)

    def categories(self, dimension: str) -> Sequence[tuple[str, str]]:
        if dimension == DISCIPLINE:
            return [(t.code, t.zh) for t in taxonomy.DISCIPLINES]
        if dimension == EIGHT_POINT:
            return [(t.code, t.zh) for t in taxonomy.EIGHT_POINT]
        if dimension == FORM:
            return [(t.code, t.zh) for t in taxonomy.FORMS]
        if dimension == SANCTION:
            return [
                *((f"party:{t.code}", f"党纪·{t.zh}") for t in taxonomy.PARTY_SANCTIONS),
                *((f"gov:{t.code}", f"政务·{t.zh}") for t in taxonomy.GOV_SANCTIONS),
            ]
        return [(t.code, t.zh) for t in taxonomy.RANKS]

    def _decision(self, *conds: ColumnElement[bool]) -> ColumnElement[bool]:
        return (
            select(CaseOutcome.id)
            .where(CaseOutcome.clue_id == Clue.id, CaseOutcome.stage == TRIAL, CaseOutcome.approved_on.is_not(None), *conds)
            .exists()
        )

    def _item(self, kind: str, column: str, key: str) -> ColumnElement[bool]:
        return (
            select(CaseOutcomeItem.outcome_id)
            .where(CaseOutcomeItem.outcome_id == CaseOutcome.id, CaseOutcomeItem.kind == kind)
            .where(getattr(CaseOutcomeItem, column) == key)
            .exists()
        )

    def condition(self, dimension: str, key: str) -> ColumnElement[bool]:
        if dimension == DISCIPLINE:
            return self._decision(self._item("violation", "parent", key))
        if dimension == EIGHT_POINT:
            return self._decision(self._item("eight_point", "code", key))
        if dimension == FORM:
            return self._decision(CaseOutcome.form == key)
        if dimension == SANCTION:
            kind, _, name = key.partition(":")
            column = CaseOutcome.party_sanction if kind == "party" else CaseOutcome.gov_sanction
            return self._decision(column == name)
        sanctioned = or_(CaseOutcome.party_sanction.is_not(None), CaseOutcome.gov_sanction.is_not(None))
        return self._decision(sanctioned, CaseOutcome.rank == key)

    def dated(self, dimension: str) -> ColumnElement[dt.date]:
        day = (
            select(CaseOutcome.approved_on)
            .where(CaseOutcome.clue_id == Clue.id, CaseOutcome.stage == TRIAL)
            .correlate(Clue)
            .scalar_subquery()
        )
        return day  # type: ignore[return-value]

    def grouped(
        self, dimension: str, scope: Sequence[ColumnElement[bool]], start: dt.date, end: dt.date
    ) -> list[Select[tuple[str, int]]]:
        """The dimension's figures for the clues in ``scope`` as (key, matters) rows: a join and a GROUP BY, the same
        counts as ``condition`` and ``dated`` give one filtered count at a time (the statistics use this when present)."""
        decided = and_(
            CaseOutcome.clue_id == Clue.id,
            CaseOutcome.stage == TRIAL,
            CaseOutcome.approved_on >= start,
            CaseOutcome.approved_on <= end,
        )
        base = select().select_from(Clue).join(CaseOutcome, decided).where(*scope)
        if dimension in (DISCIPLINE, EIGHT_POINT):
            kind, column = (
                ("violation", CaseOutcomeItem.parent) if dimension == DISCIPLINE else ("eight_point", CaseOutcomeItem.code)
            )
            joined = base.join(CaseOutcomeItem, and_(CaseOutcomeItem.outcome_id == CaseOutcome.id, CaseOutcomeItem.kind == kind))
            return [joined.add_columns(column, func.count(distinct(Clue.id))).group_by(column)]
        if dimension == FORM:
            return [base.add_columns(CaseOutcome.form, func.count()).group_by(CaseOutcome.form)]
        if dimension == SANCTION:
            found = []
            for prefix, sanction in (("party:", CaseOutcome.party_sanction), ("gov:", CaseOutcome.gov_sanction)):
                key = literal(prefix) + sanction
                found.append(base.add_columns(key, func.count()).where(sanction.is_not(None)).group_by(sanction))
            return found
        sanctioned = or_(CaseOutcome.party_sanction.is_not(None), CaseOutcome.gov_sanction.is_not(None))
        return [base.add_columns(CaseOutcome.rank, func.count()).where(sanctioned).group_by(CaseOutcome.rank)]

    def within(self, start: dt.date, end: dt.date) -> ColumnElement[bool]:
        decided = select(CaseOutcome.clue_id).where(
            CaseOutcome.stage == TRIAL, CaseOutcome.approved_on >= start, CaseOutcome.approved_on <= end
        )  # ix_case_outcomes_stage_approved_on
        return Clue.id.in_(decided)
