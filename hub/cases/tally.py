"""Keeping ``ledger_tallies`` in step with the clues' due dates and handlers (see LedgerTally)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, distinct, func, insert, literal, or_, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.roles import Role
from hub.auth.interface import PortfolioEntry, User
from hub.cases import counts
from hub.cases.models import Clue, LedgerTally, TallyPortfolio

Key = tuple[str, int, dt.date]


def keys_of(clue: Clue, deputies: Mapping[int, frozenset[int]] | None = None) -> frozenset[Key]:
    """The tally rows one clue counts in (none without a running deadline). ``deputies``: deputy → portfolio units,
    as in the snapshot (see ``deputies``)."""
    due = clue.due_date
    if due is None:
        return frozenset()
    keys = {("all", 0, due)}
    handlers = {clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id, clue.appeal_group_id, clue.township_id}
    handlers.discard(None)
    for unit in handlers:
        assert unit is not None
        keys.add(("unit", unit, due))
    for user_id, units in (deputies or {}).items():
        if handlers & units:
            keys.add(("deputy", user_id, due))
    if clue.trial_on is not None:
        keys.add(("trial", 0, due))
    if clue.township_trial_member_id is not None:
        keys.add(("member", clue.township_trial_member_id, due))
    return frozenset(keys)


async def deputies(session: AsyncSession) -> dict[int, frozenset[int]]:
    """The portfolio snapshot the "deputy" tallies are counted with."""
    rows = (await session.execute(select(TallyPortfolio.user_id, TallyPortfolio.units))).all()
    return {r[0]: frozenset(int(x) for x in r[1].split(",") if x) for r in rows}


def _units_text(units: Iterable[int]) -> str:
    return ",".join(str(u) for u in sorted(units))


async def portfolio_current(session: AsyncSession, actor: Actor) -> bool:
    """Whether the tallies counted this deputy with the portfolio they have now."""
    row = await session.get(TallyPortfolio, actor.user_id) if actor.user_id is not None else None
    return row is not None and row.units == _units_text(actor.portfolio)


async def shift(session: AsyncSession, before: Iterable[Key], after: Iterable[Key]) -> None:
    """Move one clue's counts from its old rows to its new ones."""
    delta: Counter[Key] = Counter(after)
    delta.subtract(Counter(before))
    changes = [
        ({"scope_kind": kind, "scope_id": scope, "due_date": due}, change) for (kind, scope, due), change in sorted(delta.items())
    ]
    await counts.add(session, LedgerTally, ("scope_kind", "scope_id", "due_date"), changes)


async def rebuild(session: AsyncSession) -> None:
    """Recount everything from the clues (after a bulk load, or to repair)."""
    live = Clue.due_date.is_not(None)
    parts: list[Any] = [select(literal("all").label("k"), literal(0).label("s"), Clue.due_date.label("d")).where(live)]
    for column in (Clue.supervisor_group_id, Clue.reviewer_unit_id, Clue.trial_group_id, Clue.appeal_group_id):
        parts.append(select(literal("unit"), column, Clue.due_date).where(live, column.is_not(None)))
    # a township commission reviews its own township's clues: count those once
    parts.append(
        select(literal("unit"), Clue.township_id, Clue.due_date).where(
            live, Clue.township_id.is_not(None), Clue.reviewer_unit_id.is_distinct_from(Clue.township_id)
        )
    )
    parts.append(select(literal("trial"), literal(0), Clue.due_date).where(live, Clue.trial_on.is_not(None)))
    parts.append(
        select(literal("member"), Clue.township_trial_member_id, Clue.due_date).where(
            live, Clue.township_trial_member_id.is_not(None)
        )
    )
    rows = union_all(*parts).subquery()
    await session.execute(delete(LedgerTally))
    await session.execute(delete(TallyPortfolio))
    portfolios: dict[int, set[int]] = {}
    stmt = select(PortfolioEntry.user_id, PortfolioEntry.org_unit_id).join(User, User.id == PortfolioEntry.user_id)
    for user_id, unit_id in (await session.execute(stmt.where(User.role == Role.DEPUTY_LEADER))).all():
        portfolios.setdefault(user_id, set()).add(unit_id)
    for user_id, units in sorted(portfolios.items()):
        session.add(TallyPortfolio(user_id=user_id, units=_units_text(units)))
    await session.flush()
    grouped = select(rows.c.k, rows.c.s, rows.c.d, func.count()).group_by(rows.c.k, rows.c.s, rows.c.d)
    await session.execute(insert(LedgerTally).from_select(["scope_kind", "scope_id", "due_date", "n"], grouped))
    # a deputy counts each clue once, however many of its handlers the portfolio holds
    handlers = (Clue.supervisor_group_id, Clue.reviewer_unit_id, Clue.trial_group_id, Clue.appeal_group_id, Clue.township_id)
    per_deputy = (
        select(literal("deputy"), PortfolioEntry.user_id, Clue.due_date, func.count(distinct(Clue.id)))
        .join(Clue, or_(*(PortfolioEntry.org_unit_id == c for c in handlers)))
        .join(User, User.id == PortfolioEntry.user_id)
        .where(User.role == Role.DEPUTY_LEADER, live)
        .group_by(PortfolioEntry.user_id, Clue.due_date)
    )
    await session.execute(insert(LedgerTally).from_select(["scope_kind", "scope_id", "due_date", "n"], per_deputy))
