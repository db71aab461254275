"""The statistics of §4.9 for a period and filters, counted over the cases the reader may see (the ledger rule).

Every figure is a ``Figure`` (a measure, optionally one category of one breakdown); the number and the list of cases
behind it come from the same conditions, so a figure and its list cannot disagree.

Measures: petitions received (信访举报) and accusations (检举控告类) by their day of receipt; clues received by theirs;
clues disposed (处置问题线索) — the clues received in the period that have left registration and 分办 — by the mode
their handling took, read from the stage they are at (talk or letter inquiry, preliminary check and anything that
followed it, shelved, closed at disposal); filed cases (立案) by the filing day; persons sanctioned (处分) = party +
government sanctions by the day the matter ended (see outcomes.decided_on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

from multidict import MultiMapping
from sqlalchemy import ColumnElement, Select, and_, false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.cases.interface import (
    Clue,
    ClueSource,
    ClueState,
    LedgerQuery,
    Petition,
    PetitionKind,
    ledger_conditions,
    stat_counts,
)
from hub.errors import Invalid
from hub.i18n import N_
from hub.reports.charts import Chart, Point, Series
from hub.reports.outcomes import (
    DIMENSIONS,
    DISCIPLINE,
    EIGHT_POINT,
    FORM,
    RANK,
    SANCTION,
    SANCTIONED,
    CaseOutcomes,
    LedgerOutcomes,
    OutcomeSource,
    decided_on,
    source_for,
)
from hub.reports.weeks import parse_week

PERIODS = ("year", "quarter", "month", "week", "range")
MAX_MONTHS = 36

# the disposal mode a clue's handling took, from the stage it is at now (§4.2)
TALK = frozenset(
    {ClueState.TALK_LETTER, ClueState.TALK_LETTER_PENDING, ClueState.TALK_LETTER_REPORTING, ClueState.FIRST_FORM_HANDLED,
     ClueState.FALSE_ACCUSATION_REFERRED}
)  # fmt: skip
SHELVED = frozenset({ClueState.SHELVED})
CLOSED = frozenset({ClueState.CLOSED})
UNDISPOSED = frozenset({ClueState.RECEIVED, ClueState.ASSIGNED})
PRELIM = frozenset(ClueState) - TALK - SHELVED - CLOSED - UNDISPOSED
MODES: dict[str, frozenset[ClueState]] = {"talk_letter": TALK, "prelim_check": PRELIM, "shelved": SHELVED, "closed": CLOSED}
MODE_LABELS = {
    "talk_letter": N_("Talk or letter inquiry"),
    "prelim_check": N_("Preliminary check"),
    "shelved": N_("Shelved pending information"),
    "closed": N_("Closed at disposal"),
}
MEASURE_LABELS = {
    "petitions": N_("Petitions and reports received"),
    "accusations": N_("of which accusations"),
    "clues": N_("Clues received"),
    "disposed": N_("Clues disposed"),
    "talk_letter": N_("Talk or letter inquiries"),
    "filed": N_("Cases filed"),
    "sanctioned": N_("Persons sanctioned"),
    "party": N_("Party sanctions"),
    "gov": N_("Government sanctions"),
    "outcome": N_("Outcomes"),
}
HEADLINE = ("petitions", "accusations", "clues", "disposed", "talk_letter", "filed", "sanctioned", "party", "gov")
PETITION_MEASURES = frozenset({"petitions", "accusations"})


@dataclass(frozen=True)
class StatsQuery:
    start: dt.date
    end: dt.date
    period: str = "year"
    anchor: str = ""  # the year, quarter, month or week chosen
    source: ClueSource | None = None
    unit_id: int | None = None
    township_id: int | None = None
    group_id: int | None = None

    def params(self) -> dict[str, str]:
        out = {"period": self.period}
        if self.period == "range":
            out.update({"from": self.start.isoformat(), "to": self.end.isoformat()})
        else:
            out["at"] = self.anchor
        for name, value in (
            ("source", self.source),
            ("unit_id", self.unit_id),
            ("township_id", self.township_id),
            ("group_id", self.group_id),
        ):
            if value is not None:
                out[name] = str(value.value if isinstance(value, ClueSource) else value)
        return out


def _bad(field: str, message: str) -> Invalid:
    return Invalid("invalid", N_("Some fields are not valid."), fields={field: message})


def _int(query: MultiMapping[str], name: str) -> int | None:
    raw = query.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise _bad(name, N_("A number."))
    return int(raw)


def stats_query(query: MultiMapping[str], today: dt.date) -> StatsQuery:
    period = query.get("period", "year") or "year"
    if period not in PERIODS:
        raise _bad("period", N_("One of year, quarter, month, week or range."))
    at = query.get("at", "").strip()
    try:
        if period == "year":
            year = int(at) if at else today.year
            start, end, anchor = dt.date(year, 1, 1), dt.date(year, 12, 31), str(year)
        elif period == "quarter":
            year, q = (int(at[:4]), int(at[-1])) if at else (today.year, (today.month - 1) // 3 + 1)
            if not 1 <= q <= 4:
                raise ValueError
            start = dt.date(year, 3 * q - 2, 1)
            end = (dt.date(year + (q == 4), (3 * q) % 12 + 1, 1)) - dt.timedelta(days=1)
            anchor = f"{year}-Q{q}"
        elif period == "month":
            year, month = (int(at[:4]), int(at[5:7])) if at else (today.year, today.month)
            start = dt.date(year, month, 1)
            end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
            anchor = f"{year}-{month:02d}"
        elif period == "week":
            week = parse_week(at) if at else parse_week(f"{today.isocalendar()[0]}-W{today.isocalendar()[1]:02d}")
            start, end, anchor = week.monday, week.sunday, week.key
        else:
            start = dt.date.fromisoformat(query.get("from", "").strip())
            end = dt.date.fromisoformat(query.get("to", "").strip())
            anchor = ""
    except (ValueError, IndexError):
        raise _bad("at", N_("A period such as 2026, 2026-Q4, 2026-12 or 2026-W49, or two dates.")) from None
    if end < start or start.year < 1990 or end.year > 2200:
        raise _bad("to", N_("The end comes after the start."))
    source_raw = query.get("source", "").strip()
    try:
        source = ClueSource(source_raw) if source_raw else None
    except ValueError:
        raise _bad("source", N_("Not a clue source.")) from None
    return StatsQuery(
        start, end, period, anchor, source, _int(query, "unit_id"), _int(query, "township_id"), _int(query, "group_id")
    )


@dataclass(frozen=True)
class Figure:
    """What one number counts: a measure, and optionally one category of one breakdown (``by`` = "source", "township",
    "month", "mode", or an outcome dimension)."""

    measure: str
    by: str = ""
    key: str = ""

    def params(self) -> dict[str, str]:
        out = {"figure": self.measure}
        if self.by:
            out["by"] = f"{self.by}:{self.key}"
        return out


def figure_from(query: MultiMapping[str]) -> Figure:
    measure = query.get("figure", "")
    if measure not in MEASURE_LABELS:
        raise _bad("figure", N_("Not a figure of the statistics."))
    by, _, key = query.get("by", "").partition(":")
    if by and by not in ("source", "township", "month", "mode", DISCIPLINE, EIGHT_POINT, FORM, SANCTION, RANK):
        raise _bad("by", N_("Not a figure of the statistics."))
    return Figure(measure, by, key)


def _month_range(key: str) -> tuple[dt.date, dt.date]:
    try:
        year, month = int(key[:4]), int(key[5:7])
        start = dt.date(year, month, 1)
    except (ValueError, IndexError):
        raise _bad("by", N_("Not a figure of the statistics.")) from None
    return start, dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


class Counter:
    """Counts figures for one reader and one query."""

    def __init__(
        self, policy: Policy, actor: Actor, query: StatsQuery, outcomes: Sequence[OutcomeSource], today: dt.date
    ) -> None:
        self.policy, self.actor, self.query, self.outcomes, self.today = policy, actor, query, outcomes, today

    # the cases in reach: the ledger rule (recusals included) and the filters, with the ledger's own meaning
    def clue_scope(self) -> list[ColumnElement[bool]]:
        q = self.query
        filters = LedgerQuery(stage="all", source=q.source, unit_id=q.unit_id, township_id=q.township_id, group_id=q.group_id)
        return [self.policy.where(self.actor, "view", Clue), *ledger_conditions(filters, self.today)]

    def petition_scope(self) -> list[ColumnElement[bool]]:
        q = self.query
        conds: list[ColumnElement[bool]] = [self.policy.where(self.actor, "view", Petition)]
        if q.township_id is not None:
            conds.append(Petition.township_id == q.township_id)
        if q.unit_id is not None:
            conds.append(Petition.unit_id == q.unit_id)
        if q.group_id is not None or (q.source is not None and q.source is not ClueSource.ACCEPTED_HERE):
            conds.append(false())  # petitions are reports accepted here, and no group handles a petition
        return conds

    def dated(self, figure: Figure) -> Any:  # a date column or expression
        if figure.measure in PETITION_MEASURES:
            return Petition.received_on
        if figure.measure == "filed":
            return Clue.filed_on
        if figure.measure in ("sanctioned", "party", "gov"):
            return decided_on()
        if figure.measure == "outcome":
            source = source_for(self.outcomes, figure.by)
            if source is None:
                return Clue.received_on
            return source.dated(figure.by)
        return Clue.received_on

    def condition(self, figure: Figure) -> ColumnElement[bool]:
        """The figure's own condition (period and measure and category; the scope aside)."""
        date = self.dated(figure)
        start, end = self.query.start, self.query.end
        if figure.by == "month":
            start, end = _month_range(figure.key)
            start, end = max(start, self.query.start), min(end, self.query.end)
        conds: list[ColumnElement[bool]] = [date >= start, date <= end]
        m = figure.measure
        if m == "accusations":
            conds.append(Petition.kind == PetitionKind.ACCUSATION)
        elif m == "disposed":
            conds.append(Clue.state.not_in(sorted(UNDISPOSED)))
        elif m == "talk_letter":
            conds.append(Clue.state.in_(sorted(TALK)))
        elif m == "sanctioned":
            conds.append(SANCTIONED)
        elif m == "party":
            conds.append(Clue.party_sanction.is_not(None))
        elif m == "gov":
            conds.append(Clue.gov_sanction.is_not(None))
        if figure.by == "source":
            conds.append(Clue.source == figure.key)
        elif figure.by == "township":
            column = Petition.township_id if m in PETITION_MEASURES else Clue.township_id
            conds.append(column == int(figure.key) if figure.key.isdigit() else false())
        elif figure.by == "mode":
            conds.append(Clue.state.in_(sorted(MODES[figure.key])) if figure.key in MODES else false())
        elif figure.by in (DISCIPLINE, EIGHT_POINT, FORM, SANCTION, RANK):
            source = source_for(self.outcomes, figure.by)
            conds.append(source.condition(figure.by, figure.key) if source is not None else false())
        return and_(*conds)

    def model(self, figure: Figure) -> type:
        return Petition if figure.measure in PETITION_MEASURES else Clue

    def scope(self, figure: Figure) -> list[ColumnElement[bool]]:
        return self.petition_scope() if figure.measure in PETITION_MEASURES else self.clue_scope()

    def pass_of(self, figure: Figure) -> str:
        """Figures counted in one pass share a model and a narrowing condition the database can use an index for."""
        if figure.measure in PETITION_MEASURES:
            return "petition"
        if figure.measure == "filed":
            return "filed"
        if figure.measure in ("sanctioned", "party", "gov"):
            return "sanction"
        if figure.measure == "outcome":
            source = source_for(self.outcomes, figure.by)
            if source is None or isinstance(source, LedgerOutcomes):
                return "sanction"
            return f"outcome:{self.outcomes.index(source)}"  # a source's figures share one pass
        return "received"

    def narrowing(self, kind: str) -> list[ColumnElement[bool]]:
        """A condition every figure of the pass implies (the figures' own conditions still decide)."""
        start, end = self.query.start, self.query.end
        if kind == "petition":
            return [Petition.received_on >= start, Petition.received_on <= end]
        if kind == "received":
            return [Clue.received_on >= start, Clue.received_on <= end]
        if kind == "filed":
            return [Clue.filed_on >= start, Clue.filed_on <= end]
        if kind == "sanction":
            return [SANCTIONED]
        if kind.startswith("outcome:"):
            return [self.outcomes[int(kind.partition(":")[2])].within(start, end)]
        return []

    def groupable(self, figure: Figure) -> bool:
        """Figures counted from grouped rows (a GROUP BY instead of a filtered count each): the flow of clues by
        received day, source, township and stage, and of filed cases by filing day."""
        if figure.measure in ("clues", "disposed", "talk_letter"):
            return figure.by in ("", "source", "township", "mode") or (figure.by == "month" and figure.measure == "clues")
        return figure.measure == "filed" and figure.by in ("", "month")

    def _in_month(self, key: str) -> tuple[dt.date, dt.date]:
        start, end = _month_range(key)
        return max(start, self.query.start), min(end, self.query.end)

    async def _grouped(self, session: AsyncSession, figures: Sequence[Figure]) -> dict[Figure, int]:
        """The groupable figures from a few GROUP BY queries, summed here with the same meaning as ``condition``."""
        found: dict[Figure, int] = {}
        received = [f for f in figures if f.measure != "filed"]
        filed = [f for f in figures if f.measure == "filed"]
        if received:
            scope = [*self.clue_scope(), *self.narrowing("received")]
            stmt = select(Clue.source, Clue.township_id, Clue.state, func.count()).where(*scope)
            rows = (await session.execute(stmt.group_by(Clue.source, Clue.township_id, Clue.state))).all()
            days: list[Any] = []
            if any(f.by == "month" for f in received):
                days = list(
                    (await session.execute(select(Clue.received_on, func.count()).where(*scope).group_by(Clue.received_on))).all()
                )
            for f in received:
                if f.by == "month":
                    lo, hi = self._in_month(f.key)
                    found[f] = sum(n for day, n in days if lo <= day <= hi)
                    continue
                total = 0
                for source, township, state, n in rows:
                    if (f.measure == "disposed" and state in UNDISPOSED) or (f.measure == "talk_letter" and state not in TALK):
                        continue
                    if f.by == "source" and source.value != f.key:
                        continue
                    if f.by == "township" and str(township) != f.key:
                        continue
                    if f.by == "mode" and state not in MODES.get(f.key, frozenset()):
                        continue
                    total += n
                found[f] = total
        if filed:
            scope = [*self.clue_scope(), *self.narrowing("filed")]
            days = list((await session.execute(select(Clue.filed_on, func.count()).where(*scope).group_by(Clue.filed_on))).all())
            for f in filed:
                lo, hi = self._in_month(f.key) if f.by == "month" else (self.query.start, self.query.end)
                found[f] = sum(n for day, n in days if lo <= day <= hi)
        return found

    async def _outcomes_grouped(self, session: AsyncSession, source: Any, figures: Sequence[Figure]) -> dict[Figure, int]:
        """A source's outcome figures from one GROUP BY per dimension (its ``grouped``), not a filtered count each."""
        found: dict[Figure, int] = {}
        for dimension in dict.fromkeys(f.by for f in figures):
            counts: dict[str, int] = {}
            for stmt in source.grouped(dimension, self.clue_scope(), self.query.start, self.query.end):
                counts.update({str(k): int(n) for k, n in (await session.execute(stmt)).all() if k is not None})
            found.update({f: counts.get(f.key, 0) for f in figures if f.by == dimension})
        return found

    def tallied(self, figure: Figure) -> bool:
        """Figures the cases part's tallies answer (per day, without the page's filters): the flow of clues by stage,
        source, township and month, filed cases, sanctioned persons, and the decisions' five dimensions."""
        m, by = figure.measure, figure.by
        if m == "clues":
            return by in ("", "source", "township", "mode", "month")
        if m in ("disposed", "talk_letter"):
            return by in ("", "mode", "month")
        if m in ("filed", "sanctioned", "party", "gov"):
            return by in ("", "month")
        return m == "outcome" and by in DIMENSIONS and isinstance(source_for(self.outcomes, by), CaseOutcomes)

    async def _from_tallies(self, session: AsyncSession, figures: Sequence[Figure]) -> dict[Figure, int]:
        q = self.query
        if not figures or any(v is not None for v in (q.source, q.unit_id, q.township_id, q.group_id)):
            return {}
        rows = await stat_counts(session, self.policy, self.actor, q.start, q.end)
        if rows is None:
            return {}
        totals: dict[tuple[str, str], int] = {}
        monthly: dict[tuple[str, str, str], int] = {}
        for kind, key, month, n in rows:
            totals[kind, key] = totals.get((kind, key), 0) + n
            monthly[kind, key, month] = monthly.get((kind, key, month), 0) + n
        states: dict[str, frozenset[ClueState]] = {
            "clues": frozenset(ClueState), "disposed": frozenset(ClueState) - UNDISPOSED, "talk_letter": TALK
        }  # fmt: skip
        found: dict[Figure, int] = {}
        for f in figures:
            m, by, key = f.measure, f.by, f.key
            month = ""
            if by == "month":
                _month_range(key)  # a malformed month is refused as on the other path
                month = f"{key[:4]}-{key[5:7]}"

            def total(kind: str, k: str, month: str = month) -> int:
                return monthly.get((kind, k, month), 0) if month else totals.get((kind, k), 0)

            if m in states:
                if by == "source":
                    found[f] = total("source", key)
                elif by == "township":
                    found[f] = total("township", str(int(key))) if key.isdigit() else 0
                else:
                    chosen = states[m] & MODES.get(key, frozenset()) if by == "mode" else states[m]
                    found[f] = sum(total("state", s.value) for s in chosen)
            elif m == "filed":
                found[f] = total("filed", "")
            elif m in ("sanctioned", "party", "gov"):
                found[f] = total("sanctioned", {"sanctioned": "any"}.get(m, m))
            elif by == SANCTION:
                prefix, _, name = key.partition(":")
                found[f] = total(f"{prefix}_sanction", name) if prefix in ("party", "gov") else 0
            else:
                found[f] = total(by, key)
        return found

    async def count_all(self, session: AsyncSession, figures: Sequence[Figure]) -> dict[Figure, int]:
        """Every figure: from the tallies where they answer it, else the flow figures from grouped rows and the others
        in one filtered-count query per pass."""
        found = await self._from_tallies(session, [f for f in dict.fromkeys(figures) if self.tallied(f)])
        unique = [f for f in dict.fromkeys(figures) if f not in found]
        found.update(await self._grouped(session, [f for f in unique if self.groupable(f)]))
        passes: dict[str, list[Figure]] = {}
        for figure in unique:
            if not self.groupable(figure):
                passes.setdefault(self.pass_of(figure), []).append(figure)
        for kind, group in passes.items():
            if kind.startswith("outcome:") and hasattr(self.outcomes[int(kind.partition(":")[2])], "grouped"):
                found.update(await self._outcomes_grouped(session, self.outcomes[int(kind.partition(":")[2])], group))
                continue
            model = self.model(group[0])
            columns = [func.count().filter(self.condition(f)).label(f"f{i}") for i, f in enumerate(group)]
            stmt = select(*columns).select_from(model).where(*self.scope(group[0]), *self.narrowing(kind))
            row = (await session.execute(stmt)).one()
            found.update({f: int(v or 0) for f, v in zip(group, row, strict=True)})
        return found

    async def count_many(self, session: AsyncSession, figures: Sequence[Figure]) -> list[int]:
        found = await self.count_all(session, figures)
        return [found[f] for f in figures]

    def rows(self, figure: Figure) -> Select[Any]:
        model = self.model(figure)
        stmt: Select[Any] = select(model).where(*self.scope(figure), self.condition(figure))
        return stmt.order_by(model.received_on.desc(), model.id.desc())  # type: ignore[attr-defined]

    def months(self) -> list[str]:
        keys: list[str] = []
        day = self.query.start.replace(day=1)
        while day <= self.query.end and len(keys) < MAX_MONTHS:
            keys.append(f"{day.year}-{day.month:02d}")
            day = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        return keys


@dataclass(frozen=True)
class Headline:
    figure: Figure
    label: str
    value: int
    href: str


@dataclass
class Statistics:
    headline: list[Headline]
    charts: list[Chart]


def link(query: StatsQuery, figure: Figure) -> str:
    return "/statistics/cases?" + urlencode({**query.params(), **figure.params()})


async def compute(
    session: AsyncSession,
    counter: Counter,
    *,
    townships: Sequence[tuple[int, str]],
    source_label: Callable[[ClueSource], str],
    translate: Callable[[str], str],
) -> Statistics:
    """The page's figures and charts: first every figure is named, then all are counted together, a pass per kind."""
    q = counter.query
    headline_figs = [Figure(m) for m in HEADLINE]
    # (key, title, kind, [(series name, [(label, figure)])]); None as the series: waiting for outcomes
    planned: list[tuple[str, str, str, list[tuple[str, list[tuple[str, Figure]]]] | None]] = []

    def one(key: str, title: str, kind: str, points: list[tuple[str, Figure]]) -> None:
        planned.append((key, translate(title), kind, [(translate(title), points)]))

    one("source", N_("Clues by source"), "bar", [(source_label(s), Figure("clues", "source", s.value)) for s in ClueSource])
    one("township", N_("Clues by township"), "bar", [(name, Figure("clues", "township", str(t))) for t, name in townships])
    one("mode", N_("Clues disposed by mode"), "pie", [(translate(MODE_LABELS[m]), Figure("disposed", "mode", m)) for m in MODES])
    months = counter.months()
    one("trend", N_("Month by month"), "bar", [(k[5:] + "月", Figure("clues", "month", k)) for k in months])
    one("trend_filed", N_("Cases filed month by month"), "bar", [(k[5:] + "月", Figure("filed", "month", k)) for k in months])
    for dimension, title, kind in (
        (DISCIPLINE, N_("Violations by the six disciplines"), "bar"),
        (EIGHT_POINT, N_("Eight-point regulation violations by category"), "bar"),
        (FORM, N_("The four forms"), "pie"),
        (SANCTION, N_("Sanctions by type"), "pie"),
        (RANK, N_("Persons sanctioned by rank"), "bar"),
    ):
        source = source_for(counter.outcomes, dimension)
        if source is None:
            planned.append((dimension, translate(title), kind, None))
        else:
            one(
                dimension,
                title,
                kind,
                [(translate(label), Figure("outcome", dimension, k)) for k, label in source.categories(dimension)],
            )
    wanted = [*headline_figs, *(f for *_x, series in planned for _n, pts in (series or []) for _l, f in pts)]
    counts = await counter.count_all(session, wanted)
    headline = [Headline(f, translate(MEASURE_LABELS[f.measure]), counts[f], link(q, f)) for f in headline_figs]
    charts = []
    for key, title, kind, series in planned:
        if series is None:
            charts.append(Chart(key, title, kind, waiting=True))
            continue
        charts.append(
            Chart(
                key,
                title,
                kind,
                [Series(name, [Point(label, counts[f], link(q, f)) for label, f in pts]) for name, pts in series],
            )
        )
    return Statistics(headline, charts)


def with_period(query: StatsQuery, **changes: object) -> StatsQuery:
    return replace(query, **changes)  # type: ignore[arg-type]


def filters_text(query: StatsQuery, names: Mapping[int, str], source_label: Callable[[ClueSource], str]) -> list[str]:
    parts = []
    if query.source is not None:
        parts.append(source_label(query.source))
    for value in (query.unit_id, query.township_id, query.group_id):
        if value is not None:
            parts.append(names.get(value, "—"))
    return parts
