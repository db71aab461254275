"""Adding to counted rows in one statement each, on SQLite and PostgreSQL (the tallies' shared step)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession


async def add(session: AsyncSession, model: Any, key: Sequence[str], changes: Sequence[tuple[Mapping[str, Any], int]]) -> None:
    """Add each change to the `n` of its row (the row named by the `key` columns, created when missing), then delete
    the rows a decrement brought to zero: only those, not every empty row of the table (a whole-table delete on every
    write made each write scan the tallies). Callers pass the changes in a fixed order, so that two transactions
    touching the same rows lock them in the same order."""
    postgres = session.bind is not None and session.bind.dialect.name == "postgresql"
    insert = pg_insert if postgres else sqlite_insert
    n = model.n
    lowered: list[tuple[Any, ...]] = []
    for values, change in changes:
        if change == 0:
            continue
        stmt = insert(model).values(**values, n=change)
        await session.execute(stmt.on_conflict_do_update(index_elements=list(key), set_={"n": n + change}))
        if change < 0:
            lowered.append(tuple(values[k] for k in key))
    for i in range(0, len(lowered), 200):
        columns = tuple_(*(getattr(model, k) for k in key))
        await session.execute(delete(model).where(n == 0, columns.in_(lowered[i : i + 200])))
