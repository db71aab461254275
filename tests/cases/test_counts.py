"""Adding to counted rows: created at their first count, summed after, deleted when a decrement brings them to zero —
and only those (another empty row is none of this write's business)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import insert, select

from hub.cases import counts
from hub.cases.models import LedgerTally

KEY = ("scope_kind", "scope_id", "due_date")
DAY = dt.date(2026, 12, 1)


def row(scope: int) -> dict[str, object]:
    return {"scope_kind": "unit", "scope_id": scope, "due_date": DAY}


async def rows(database) -> dict[int, int]:
    async with database.transaction(write=False) as s:
        found = await s.execute(select(LedgerTally.scope_id, LedgerTally.n).where(LedgerTally.due_date == DAY))
        return {r[0]: r[1] for r in found.all()}


async def test_counts_are_summed_and_a_row_brought_to_zero_is_deleted(database):
    async with database.transaction() as s:
        await counts.add(s, LedgerTally, KEY, [(row(1), 1), (row(2), 2)])
    async with database.transaction() as s:
        await counts.add(s, LedgerTally, KEY, [(row(1), 2), (row(2), -1), (row(3), 0)])
    assert await rows(database) == {1: 3, 2: 1}
    async with database.transaction() as s:
        await s.execute(insert(LedgerTally).values(**row(9), n=0))  # somebody else's empty row
        await counts.add(s, LedgerTally, KEY, [(row(1), -3), (row(2), -1)])
    assert await rows(database) == {9: 0}
