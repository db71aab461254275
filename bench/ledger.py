"""Ledger benchmark (not a test): build N clues, then time the three reads a ledger user waits for.

    .venv/bin/python bench/ledger.py                       # full size: 100,000 on SQLite and 1,000,000 on PostgreSQL
    .venv/bin/python bench/ledger.py --sqlite 20000 --postgres 0      # a quick run, SQLite only
    .venv/bin/python bench/ledger.py --pg-url postgresql+asyncpg://postgres@127.0.0.1:5432/test

Measured, each in its own read transaction through the same service functions the handlers call:
  page   — the first ledger page (50 rows), filtered by one colour, sorted by urgency
  counts — the number of matters per colour
  detail — one case file (the clue, clocks, approvals, timeline, money, documents, petitions)
as the main leader (sees everything), one joint group and one deputy (filtered by the access policy in SQL).
Targets on the 2-core machine: p95 <= 50 ms for each. The last line printed is a JSON object with the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hub.app import offline_app
from hub.cases import ledger
from hub.cases import presenters as detail
from hub.cases.colours import ORDER
from hub.cases.interface import CASES
from hub.cases.models import Clue
from hub.clock import LOCAL_TZ
from hub.db import Database
from hub.demo import cases as demo
from hub.demo import org as demo_org
from hub.demo.case_walks import actor_of
from hub.migrate import upgrade
from hub.settings import Settings

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=LOCAL_TZ)
SCHEMA = "bench_ledger"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def timed(fn: Callable[[], Awaitable[Any]], iterations: int) -> dict[str, float]:
    for _ in range(5):  # warm the caches and the connection pool
        await fn()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(pct(samples, 95), 2), "n": iterations}


async def fresh_database(url: str, schema: str | None) -> Database:
    """A migrated database (in a schema of its own on PostgreSQL, made anew) holding the demo organisation."""
    if schema:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        await engine.dispose()
    await upgrade(url, schema=schema)
    db = Database(url, schema=schema, pool_size=4)
    async with db.transaction() as s:
        # the password hash is never checked here: a fixed string keeps the build fast
        await demo_org.load(s, password_hash="$argon2id$bench", now=NOW)  # noqa: S106 (a placeholder, verifies nothing)
    return db


async def build(url: str, n: int, schema: str | None) -> tuple[Database, float]:
    db = await fresh_database(url, schema)
    start = time.perf_counter()
    result = await demo.generate(db, n, seed=2017, now=NOW)
    seconds = time.perf_counter() - start
    print(f"  generated {n:,} clues in {seconds:.1f} s: {result}", flush=True)
    return db, seconds


async def measure(db: Database, iterations: int) -> dict[str, Any]:
    # the policy and office directory of a wired hub, built where the hub builds them
    ctx = (await offline_app(Settings(secret_key="bench-ledger-" + "x" * 40), db))[CASES]
    today = NOW.astimezone(LOCAL_TZ).date()
    async with db.transaction(write=False) as s:
        actors = {name: await actor_of(s, name) for name in ("leader", "group3.1", "deputy1")}
        top = int(await s.scalar(select(func.max(Clue.id))) or 0)
    rng = random.Random(1)
    figures: dict[str, Any] = {}
    for name, actor in actors.items():
        assert actor is not None
        colours = iter(ORDER * (iterations + 10))

        async def page(actor: Any = actor, colours: Any = colours, name: str = name) -> None:
            query = ledger.LedgerQuery(colour=next(colours))
            async with db.transaction(write=False) as s:
                rows, _more = await ledger.page(s, ctx.policy, actor, query, today)
            assert rows or name != "leader"

        async def counts(actor: Any = actor) -> None:
            async with db.transaction(write=False) as s:
                await ledger.counts(s, ctx.policy, actor, ledger.LedgerQuery(), today)

        async def one_file() -> None:
            clue_id = rng.randint(1, top)
            async with db.transaction(write=False) as s:
                await detail.clue_file(s, ctx, actors["leader"], clue_id, today)  # type: ignore[arg-type]

        figures[name] = {
            "page_by_colour": await timed(page, iterations),
            "counts_per_colour": await timed(counts, iterations),
        }
        if name == "leader":
            figures[name]["case_detail"] = await timed(one_file, iterations)
        print(f"  {name}: {json.dumps(figures[name])}", flush=True)
    return figures


async def run_backend(
    label: str, url: str, n: int, schema: str | None, iterations: int, *, reuse: bool = False
) -> dict[str, Any]:
    if reuse:  # measure again what an earlier --keep run built
        print(f"{label}: measuring the kept schema {schema} ...", flush=True)
        db, build_seconds = Database(url, schema=schema, pool_size=4), 0.0
        async with db.transaction(write=False) as s:
            n = int(await s.scalar(select(func.count()).select_from(Clue)) or 0)
    else:
        print(f"{label}: building {n:,} clues ...", flush=True)
        db, build_seconds = await build(url, n, schema)
    try:
        figures = await measure(db, iterations)
    finally:
        await db.dispose()
    worst = max(v["p95_ms"] for who in figures.values() for v in who.values())
    return {"n": n, "build_seconds": round(build_seconds, 1), "figures": figures, "worst_p95_ms": worst}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=int, default=100_000, help="clues on SQLite (0: skip)")
    parser.add_argument("--postgres", type=int, default=1_000_000, help="clues on PostgreSQL (0: skip)")
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema bench_ledger afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the kept PostgreSQL schema without rebuilding it")
    args = parser.parse_args()
    out: dict[str, Any] = {"target_p95_ms": 50}
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
            out["sqlite"] = await run_backend("sqlite", url, args.sqlite, None, args.iterations)
    if args.postgres:
        out["postgres"] = await run_backend("postgres", args.pg_url, args.postgres, SCHEMA, args.iterations, reuse=args.reuse)
        if not (args.keep or args.reuse):
            engine = create_async_engine(args.pg_url)
            async with engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            await engine.dispose()
    out["ok"] = all(out[b]["worst_p95_ms"] <= 50 for b in ("sqlite", "postgres") if b in out)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
