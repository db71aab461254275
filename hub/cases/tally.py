"""Keeping ``ledger_tallies`` in step with the clues' due dates and handlers (see LedgerTally)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases.models import Clue, LedgerTally

Key = tuple[str, int, dt.date]


def keys_of(clue: Clue) -> frozenset[Key]:
    """The tally rows one clue counts in (none without a running deadline)."""
    due = clue.due_date
    if due is None:
        return frozenset()
    keys = {("all", 0, due)}
    for unit in {clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id, clue.appeal_group_id, clue.township_id}:
        if unit is not None:
            keys.add(("unit", unit, due))
    if clue.trial_on is not None:
        keys.add(("trial", 0, due))
    if clue.township_trial_member_id is not None:
        keys.add(("member", clue.township_trial_member_id, due))
    return frozenset(keys)


async def shift(session: AsyncSession, before: Iterable[Key], after: Iterable[Key]) -> None:
    """Move one clue's counts from its old rows to its new ones."""
    delta: Counter[Key] = Counter()
    for key in before:
        delta[key] -= 1
    for key in after:
        delta[key] += 1
    # a fixed order, so that two transactions touching the same rows lock them in the same order
    for (kind, scope, due), change in sorted(delta.items()):
        if change == 0:
            continue
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            stmt = pg_insert(LedgerTally).values(scope_kind=kind, scope_id=scope, due_date=due, n=change)
            stmt = stmt.on_conflict_do_update(
                index_elements=["scope_kind", "scope_id", "due_date"], set_={"n": LedgerTally.n + change}
            )
            await session.execute(stmt)
        else:
            lite = sqlite_insert(LedgerTally).values(scope_kind=kind, scope_id=scope, due_date=due, n=change)
            lite = lite.on_conflict_do_update(
                index_elements=["scope_kind", "scope_id", "due_date"], set_={"n": LedgerTally.n + change}
            )
            await session.execute(lite)
    await session.execute(delete(LedgerTally).where(LedgerTally.n == 0))


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
    grouped = select(rows.c.k, rows.c.s, rows.c.d, func.count()).group_by(rows.c.k, rows.c.s, rows.c.d)
    await session.execute(insert(LedgerTally).from_select(["scope_kind", "scope_id", "due_date", "n"], grouped))
