"""Outcome statistics benchmark (not a test): a demo history of N clues, then the counts a report needs.

    .venv/bin/python bench/outcomes.py                          # 20,000 clues on SQLite and 100,000 on PostgreSQL
    .venv/bin/python bench/outcomes.py --sqlite 20000 --postgres 0

Measured, each in its own read transaction, as the main leader (the policy's SQL filter applied):
  facts  — ``decided_outcomes`` + ``tally`` over all ten dimensions (the baseline: every decision read into Python)
  counts — ``count_outcomes`` for the same ten dimensions (GROUP BY in the database)
The two must agree; the last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ledger import build, timed

from hub.cases.interface import DIMENSIONS, Clue, count_outcomes, decided_outcomes, tally
from hub.db import Database
from hub.http.keys import POLICY

SCHEMA = "bench_outcomes"


async def measure(db: Database, iterations: int) -> dict[str, Any]:
    from hub.app import offline_app
    from hub.auth.interface import staff_actor_named
    from hub.settings import Settings

    app = await offline_app(Settings(secret_key="bench-outcomes-" + "x" * 40), db)
    async with db.transaction(write=False) as s:
        leader = await staff_actor_named(s, "leader")
    assert leader is not None
    visible = app[POLICY].where(leader, "view", Clue)
    found: dict[str, Any] = {}

    async def facts() -> None:
        async with db.transaction(write=False) as s:
            rows = await decided_outcomes(s, visible=visible)
        found["facts"] = {d: tally(rows, d) for d in DIMENSIONS}
        found["decisions"] = len(rows)

    async def counts() -> None:
        async with db.transaction(write=False) as s:
            found["counts"] = {d: await count_outcomes(s, d, visible=visible) for d in DIMENSIONS}

    out = {"facts": await timed(facts, iterations), "counts": await timed(counts, iterations)}
    out["decisions"] = found["decisions"]
    out["agree"] = found["facts"] == found["counts"]
    return out


async def run(url: str, n: int, schema: str | None, iterations: int) -> dict[str, Any]:
    db, seconds = await build(url, n, schema)
    try:
        return {"clues": n, "build_s": round(seconds, 1), **await measure(db, iterations)}
    finally:
        await db.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=int, default=20_000)
    parser.add_argument("--postgres", type=int, default=100_000)
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--iterations", type=int, default=20)
    args = parser.parse_args()
    out: dict[str, Any] = {}
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            out["sqlite"] = await run(f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", args.sqlite, None, args.iterations)
            print("sqlite:", out["sqlite"], flush=True)
    if args.postgres:
        out["postgres"] = await run(args.pg_url, args.postgres, SCHEMA, args.iterations)
        print("postgres:", out["postgres"], flush=True)
        engine = create_async_engine(args.pg_url)
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        await engine.dispose()
    out["ok"] = all(v["agree"] for v in out.values() if isinstance(v, dict))
    print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
