"""Numbers that people read (信访件 XF2026-0000123, 线索 XS2026-…, later 文号): one sequence per kind and year.

A number is taken by one atomic upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``) on SQLite and PostgreSQL
alike, inside the caller's transaction: a rolled-back request gives its number back, two concurrent requests never get
the same one, and the demo generator draws from the same sequences as live intake, so the two can never collide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Integer, String, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base


class NumberSequence(Base):
    __tablename__ = "number_sequences"

    scope: Mapped[str] = mapped_column(String(40), primary_key=True)  # "petition", "clue", a document kind …
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)  # the last number handed out; 0: none yet


def _insert(session: AsyncSession) -> Callable[..., Any]:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return pg_insert if dialect == "postgresql" else sqlite_insert


async def take(session: AsyncSession, scope: str, year: int, count: int = 1) -> int:
    """Reserve ``count`` consecutive numbers of ``scope`` in ``year``; returns the first of them (1-based)."""
    if count < 1:
        raise ValueError("count must be at least 1")
    table = NumberSequence.__table__
    stmt = _insert(session)(table).values(scope=scope, year=year, last=count)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.scope, table.c.year], set_={"last": table.c.last + count}
    ).returning(table.c.last)
    last = int((await session.execute(stmt)).scalar_one())
    return last - count + 1


async def current(session: AsyncSession, scope: str, year: int) -> int:
    """The last number handed out (0 when none)."""
    value = await session.scalar(select(NumberSequence.last).where(NumberSequence.scope == scope, NumberSequence.year == year))
    return int(value or 0)


def formatted(prefix: str, year: int, n: int) -> str:
    """The printed form: prefix, year, dash, seven digits (XF2026-0000123)."""
    return f"{prefix}{year}-{n:07d}"
