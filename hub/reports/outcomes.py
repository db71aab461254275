"""Where the outcome-based figures come from: a small interface that the part recording case outcomes fills.

The statistics need, for each dimension of §4.9 (the six disciplines, the eight-point categories, the four forms, the
sanction types, the rank of the sanctioned), its categories and, for each category, a condition over the clues table
that selects the matters counted under it, with the day each counts on. Whoever records outcomes (hub/cases) provides
an object of this shape; the wiring adds it to ``app[OUTCOMES]`` (a later source replaces an earlier one for the
dimensions it names). Until one names a dimension, its chart says it waits for outcomes.

The reports part provides two from what the ledger already keeps: sanction types (the party and government sanction
columns) and the rank of the sanctioned (the subject's rank).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from aiohttp import web
from sqlalchemy import ColumnElement, and_, func, or_

from hub.cases.interface import Clue, RankLevel
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
