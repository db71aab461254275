"""Two writers of one clue at once on PostgreSQL: the loser gets 409 (a stale write), never 500, 100 rounds.

Both send the version they read. Whoever comes second waits on the row the first one holds (the unit of work loads
it FOR UPDATE), then finds the version moved: 409. Had it slipped past that check, its UPDATE would match no row and
SQLAlchemy would raise StaleDataError at flush, which the unit of work turns into the same 409 (hub/db.py; that path
is driven directly in tests/test_db_errors.py). The figure printed says which path each round took."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from prometheus_client import REGISTRY

from hub.db import Database
from tests.cases.http_support import Staff

ROUNDS = 100


def stale_count() -> float:
    return REGISTRY.get_sample_value("hub_database_errors_total", {"kind": "stale"}) or 0.0


async def test_two_writers_of_one_clue_one_wins_the_other_gets_409(new_browser, kit, database: Database) -> None:  # type: ignore[no-untyped-def]
    if database.is_sqlite:
        pytest.skip("SQLite queues writers (BEGIN IMMEDIATE): the race is PostgreSQL's")
    clue = await kit.register_clue(township_id=kit.unit("tw.xini"))
    first, second = Staff(new_browser), Staff(new_browser)
    await first("casemgmt1")
    await second("casemgmt1")
    statuses: Counter[int] = Counter()
    before = stale_count()
    version = clue.version
    for round_ in range(ROUNDS):

        async def patch(staff: Staff, who: str, version: int = version) -> int:
            browser = await staff("casemgmt1")
            resp = await browser.send_json("PATCH", f"/api/v1/clues/{clue.id}", {"version": version, "subject_post": who})
            body = await resp.json()
            if resp.status == 409:
                assert body["error"]["code"] == "stale", body
            return resp.status

        results = await asyncio.gather(patch(first, f"甲{round_}"), patch(second, f"乙{round_}"))
        statuses.update(results)
        assert sorted(results) == [200, 409], results  # exactly one wins, the other is told: never 500, never both
        version = (await kit.clue(clue.id)).version
    raced = stale_count() - before
    print(f"statuses {dict(statuses)}; of the 409s, {raced:.0f} came from StaleDataError at flush, the rest from the check")
    assert statuses[500] == 0 and statuses[200] == ROUNDS
