"""Numbers people read come from one sequence per kind and year: never twice, not even under concurrency, and an
old database keeps numbering above what it already gave out."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from hub import numbering
from hub.db import Database
from hub.migrate import upgrade


async def test_each_kind_and_year_counts_on_its_own(database: Database) -> None:
    async with database.transaction() as s:
        assert await numbering.take(s, "petition", 2026) == 1
        assert await numbering.take(s, "petition", 2026) == 2
        assert await numbering.take(s, "petition", 2027) == 1
        assert await numbering.take(s, "clue", 2026) == 1
        assert await numbering.take(s, "petition", 2026, count=10) == 3  # a block: 3..12
        assert await numbering.current(s, "petition", 2026) == 12
    assert numbering.formatted("XF", 2026, 87) == "XF2026-0000087"


async def test_a_rolled_back_transaction_gives_its_number_back(database: Database) -> None:
    with pytest.raises(RuntimeError):
        async with database.transaction() as s:
            assert await numbering.take(s, "petition", 2026) == 1
            raise RuntimeError("the request failed after taking its number")
    async with database.transaction() as s:
        assert await numbering.take(s, "petition", 2026) == 1


async def test_concurrent_takers_never_share_a_number(database: Database) -> None:
    async def one() -> int:
        async with database.transaction() as s:
            n = await numbering.take(s, "petition", 2026)
            await asyncio.sleep(0.01)  # hold the transaction open while the others try
            return n

    got = await asyncio.gather(*(one() for _ in range(12)))
    assert sorted(got) == list(range(1, 13))


async def test_an_old_database_numbers_above_what_it_already_gave(tmp_path: Path) -> None:
    """Before the sequences, numbers were XF{year}-{row id}; the migration starts each year's sequence above them."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    await upgrade(url, "cases_0003")
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        for number in ("XF2025-0000900", "XF2026-0000087", "XF2026-0000012"):
            await conn.execute(
                text(
                    "INSERT INTO petitions (number, channel, kind, state, petitioner_contact, accused_name, summary, "
                    "received_at, received_on, reported_up, intake_ref, version) VALUES (:n, 'visit', 'accusation', "
                    "'registered', '', '', '', '2026-01-05 01:00:00', '2026-01-05', 0, '', 1)"
                ),
                {"n": number},
            )
    await engine.dispose()
    await upgrade(url)
    db = Database(url)
    try:
        async with db.transaction() as s:
            assert await numbering.take(s, "petition", 2026) == 88
            assert await numbering.take(s, "petition", 2025) == 901
            assert await numbering.take(s, "clue", 2026) == 1
    finally:
        await db.dispose()
