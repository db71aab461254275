"""Keeping ``stat_tallies`` in step with the clues and their decisions (see StatTally), and reading them.

A clue counts under a few facts (``facts_of``), each on one day, in each scope that sees it (``scopes_of``). A write
takes the clue's rows before the change (``rows_of``), changes it, and moves its counts to its new rows (``shift``),
in the same transaction. ``rebuild`` recounts everything from the clues; a test compares the two after random writes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.cases import counts, tally
from hub.cases.models import Clue, ClueSource, StatTally
from hub.cases.outcome_models import CaseOutcome, CaseOutcomeItem
from hub.cases.rules import ClueRule, recused_from
from hub.cases.workflow import ClueState

TRIAL = "trial"  # the stage whose approved outcome is the decision (outcomes.py)
BUILT = ("built", 0, dt.date(1970, 1, 1), "", "")  # the row saying the tallies hold every clue
Fact = tuple[str, str, dt.date]  # kind, key, day
Row = tuple[str, int, dt.date, str, str]  # scope kind, scope id, day, kind, key


class Counted(Protocol):
    """What of a clue the tallies read (a Clue, or a row of these columns)."""

    @property
    def id(self) -> int: ...
    @property
    def state(self) -> ClueState: ...
    @property
    def source(self) -> ClueSource: ...
    @property
    def received_on(self) -> dt.date: ...
    @property
    def township_id(self) -> int | None: ...
    @property
    def filed_on(self) -> dt.date | None: ...
    @property
    def trial_on(self) -> dt.date | None: ...
    @property
    def closed_on(self) -> dt.date | None: ...
    @property
    def party_sanction(self) -> str | None: ...
    @property
    def gov_sanction(self) -> str | None: ...
    @property
    def supervisor_group_id(self) -> int | None: ...
    @property
    def reviewer_unit_id(self) -> int | None: ...
    @property
    def trial_group_id(self) -> int | None: ...
    @property
    def appeal_group_id(self) -> int | None: ...


COLUMNS = (
    Clue.id, Clue.state, Clue.source, Clue.received_on, Clue.township_id, Clue.filed_on, Clue.trial_on, Clue.closed_on,
    Clue.party_sanction, Clue.gov_sanction, Clue.supervisor_group_id, Clue.reviewer_unit_id, Clue.trial_group_id,
    Clue.appeal_group_id,
)  # fmt: skip


@dataclass(frozen=True)
class Decision:
    """A clue's approved trial decision, as the statistics count it."""

    approved_on: dt.date
    form: str | None
    party_sanction: str | None
    gov_sanction: str | None
    rank: str | None
    disciplines: frozenset[str]
    eight_point: frozenset[str]


def facts_of(clue: Counted, decision: Decision | None) -> frozenset[Fact]:
    received = clue.received_on
    facts: set[Fact] = {
        ("state", clue.state.value, received),
        ("source", clue.source.value, received),
        ("township", str(clue.township_id) if clue.township_id is not None else "", received),
    }
    if clue.filed_on is not None:
        facts.add(("filed", "", clue.filed_on))
    if clue.party_sanction is not None or clue.gov_sanction is not None:
        ended = clue.closed_on or clue.trial_on or clue.filed_on or received
        facts.add(("sanctioned", "any", ended))
        if clue.party_sanction is not None:
            facts.add(("sanctioned", "party", ended))
        if clue.gov_sanction is not None:
            facts.add(("sanctioned", "gov", ended))
    if decision is not None:
        day = decision.approved_on
        if decision.form is not None:
            facts.add(("form", decision.form, day))
        if decision.party_sanction is not None:
            facts.add(("party_sanction", decision.party_sanction, day))
        if decision.gov_sanction is not None:
            facts.add(("gov_sanction", decision.gov_sanction, day))
        if (decision.party_sanction is not None or decision.gov_sanction is not None) and decision.rank is not None:
            facts.add(("rank", decision.rank, day))
        facts.update(("discipline", code, day) for code in decision.disciplines)
        facts.update(("eight_point", code, day) for code in decision.eight_point)
    return frozenset(facts)


def scopes_of(clue: Counted, deputies: Mapping[int, frozenset[int]]) -> list[tuple[str, int]]:
    """The scopes that see the clue: everyone's, and each deputy whose portfolio holds one of its handlers (the rule
    of ``ClueRule.base_where``; recusals are taken off when read)."""
    handlers = {clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id, clue.appeal_group_id, clue.township_id}
    handlers.discard(None)
    return [("all", 0), *(("deputy", user) for user, units in sorted(deputies.items()) if handlers & units)]


MONTHLY = ":m"  # a scope kind's month rows: the same counts summed per month, dated the 1st (a year reads 12 per fact)


def rows_from(clue: Counted, decision: Decision | None, deputies: Mapping[int, frozenset[int]]) -> list[Row]:
    facts = facts_of(clue, decision)
    rows: list[Row] = []
    for kind, sid in scopes_of(clue, deputies):
        for fk, key, day in facts:
            rows.append((kind, sid, day, fk, key))
            rows.append((kind + MONTHLY, sid, day.replace(day=1), fk, key))
    return rows


async def decisions(session: AsyncSession, clue_ids: Iterable[int]) -> dict[int, Decision]:
    """The approved trial decisions of these clues."""
    ids = sorted(set(clue_ids))
    found: dict[int, Decision] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        stmt = select(CaseOutcome).where(
            CaseOutcome.clue_id.in_(chunk), CaseOutcome.stage == TRIAL, CaseOutcome.approved_on.is_not(None)
        )
        outcomes = {o.id: o for o in (await session.scalars(stmt)).all()}
        items: dict[int, list[CaseOutcomeItem]] = {}
        if outcomes:
            rows = await session.scalars(select(CaseOutcomeItem).where(CaseOutcomeItem.outcome_id.in_(sorted(outcomes))))
            for item in rows.all():
                items.setdefault(item.outcome_id, []).append(item)
        for o in outcomes.values():
            assert o.approved_on is not None
            mine = items.get(o.id, [])
            found[o.clue_id] = Decision(
                o.approved_on, o.form, o.party_sanction, o.gov_sanction, o.rank,
                frozenset(i.parent for i in mine if i.kind == "violation" and i.parent is not None),
                frozenset(i.code for i in mine if i.kind == "eight_point"),
            )  # fmt: skip
    return found


async def rows_of(session: AsyncSession, clue: Clue, deputies: Mapping[int, frozenset[int]]) -> list[Row]:
    """The rows one clue counts in now (read its decision from the database: flush first)."""
    return rows_from(clue, (await decisions(session, [clue.id])).get(clue.id), deputies)


async def shift(session: AsyncSession, before: Iterable[Row], after: Iterable[Row]) -> None:
    """Move one clue's counts from its old rows to its new ones."""
    delta: Counter[Row] = Counter(after)
    delta.subtract(Counter(before))
    changes = [
        ({"scope_kind": kind, "scope_id": scope, "day": day, "kind": fact, "key": key}, change)
        for (kind, scope, day, fact, key), change in sorted(delta.items())
    ]
    await counts.add(session, StatTally, ("scope_kind", "scope_id", "day", "kind", "key"), changes)


async def count_clue(session: AsyncSession, clue: Clue, deputies: Mapping[int, frozenset[int]] | None = None) -> None:
    """A new clue: count it."""
    await shift(session, (), await rows_of(session, clue, deputies if deputies is not None else await tally.deputies(session)))


async def built(session: AsyncSession) -> bool:
    kind, scope, day, fact, key = BUILT
    found = await session.scalar(
        select(StatTally.n).where(
            StatTally.scope_kind == kind, StatTally.scope_id == scope, StatTally.day == day, StatTally.kind == fact,
            StatTally.key == key,
        )
    )  # fmt: skip
    return found is not None


async def recount(session: AsyncSession, batch: int = 5000) -> Counter[Row]:
    """Every row counted from the clues and their decisions (with the current portfolio snapshot)."""
    deputies = await tally.deputies(session)
    counted: Counter[Row] = Counter()
    last = 0
    while True:
        stmt = select(*COLUMNS).where(Clue.id > last).order_by(Clue.id).limit(batch)
        clues: list[Any] = list((await session.execute(stmt)).all())
        if not clues:
            break
        found = await decisions(session, [c.id for c in clues])
        for clue in clues:
            counted.update(rows_from(cast(Counted, clue), found.get(clue.id), deputies))
        last = clues[-1].id
    return counted


async def stored(session: AsyncSession) -> Counter[Row]:
    rows = await session.execute(
        select(StatTally.scope_kind, StatTally.scope_id, StatTally.day, StatTally.kind, StatTally.key, StatTally.n)
    )
    return Counter({(r[0], r[1], r[2], r[3], r[4]): r[5] for r in rows.all() if (r[0], r[1], r[2], r[3], r[4]) != BUILT})


async def rebuild(session: AsyncSession) -> None:
    """Recount everything from the clues (after a bulk load, or to repair); run after ``tally.rebuild``, which takes
    the portfolio snapshot both use."""
    counted = await recount(session)
    await session.execute(delete(StatTally))
    values = [
        {"scope_kind": k, "scope_id": s, "day": d, "kind": f, "key": key, "n": n}
        for (k, s, d, f, key), n in sorted(counted.items())
        if n
    ]
    kind, scope, day, fact, key = BUILT
    values.append({"scope_kind": kind, "scope_id": scope, "day": day, "kind": fact, "key": key, "n": 1})
    for i in range(0, len(values), 5000):
        await session.execute(insert(StatTally), values[i : i + 5000])


def month_of(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


async def read(session: AsyncSession, scope: tuple[str, int], start: dt.date, end: dt.date) -> list[tuple[str, str, str, int]]:
    """(kind, key, month "YYYY-MM", n) of one scope for the days from start to end, summed in the database per month:
    the month rows for the whole months of the period, the day rows for the days before and after them."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        month: Any = func.to_char(StatTally.day, "YYYY-MM")
    else:
        month = func.strftime("%Y-%m", StatTally.day)
    kind, sid = scope
    whole_from = start if start.day == 1 else (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    whole_to = end if (end + dt.timedelta(days=1)).day == 1 else end.replace(day=1) - dt.timedelta(days=1)
    days = and_(StatTally.scope_kind == kind, StatTally.day >= start, StatTally.day <= end)
    if whole_from < whole_to:
        months = and_(
            StatTally.scope_kind == kind + MONTHLY, StatTally.day >= whole_from, StatTally.day <= whole_to.replace(day=1)
        )
        outside = or_(StatTally.day < whole_from, StatTally.day > whole_to)
        days = or_(months, and_(days, outside))
    stmt = (
        select(StatTally.kind, StatTally.key, month, func.sum(StatTally.n))
        .where(StatTally.scope_id == sid, days)
        .group_by(StatTally.kind, StatTally.key, month)
    )
    return [(r[0], r[1], r[2], int(r[3])) for r in (await session.execute(stmt)).all()]


async def facts_of_clues(session: AsyncSession, clue_ids: Iterable[int]) -> list[tuple[int, frozenset[Fact]]]:
    """Each clue's facts (for taking recused clues off a scope's tallies)."""
    ids = sorted(set(clue_ids))
    if not ids:
        return []
    clues: list[Any] = list((await session.execute(select(*COLUMNS).where(Clue.id.in_(ids)))).all())
    found = await decisions(session, ids)
    return [(c.id, facts_of(cast(Counted, c), found.get(c.id))) for c in clues]


async def counted(
    session: AsyncSession, policy: Policy, actor: Actor, start: dt.date, end: dt.date
) -> list[tuple[str, str, str, int]] | None:
    """(kind, key, month, n) of what the actor sees from start to end, recusals taken off; None where the tallies cannot
    say it (a scope other than everyone's or a deputy's, a portfolio changed since the snapshot, tallies not built):
    then count the clues themselves."""
    rule = policy.rule_for(Clue)
    if not isinstance(rule, ClueRule):
        return None
    scopes = rule.tally_scopes(actor)
    if not scopes or len(scopes) != 1 or scopes[0][0] not in ("all", "deputy"):
        return None
    if scopes[0][0] == "deputy" and not await tally.portfolio_current(session, actor):
        return None
    if not await built(session):
        return None
    rows = await read(session, scopes[0], start, end)
    hidden = select(Clue.id).where(Clue.id.in_(recused_from(actor)), rule.base_where(actor, "view"))
    for _id, facts in await facts_of_clues(session, (await session.scalars(hidden)).all()):
        rows.extend((kind, key, month_of(day), -1) for kind, key, day in facts if start <= day <= end)
    return rows
