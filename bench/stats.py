"""Statistics benchmark (not a test): build N clues, then time the statistics of a year with all charts and the
Monday report's compilation.

    .venv/bin/python bench/stats.py                                  # 100,000 on SQLite and 1,000,000 on PostgreSQL
    .venv/bin/python bench/stats.py --sqlite 20000 --postgres 0      # a quick run, SQLite only

Measured, each in its own read transaction through the functions the handlers call: ``stats.compute`` (every figure
and chart of the page, about 80 filtered counts in 14 queries) for the main leader and a deputy, and
``monday.compile_body`` (the ledger counts by source, the red and yellow lists, new and closed matters) for the
tracking office. Targets (issue 11): statistics p95 <= 200 ms. The last line printed is a JSON object with the figures.
``monday_pdf_s``: the Monday report compiled and laid out as a PDF with its charts (as ``hub report monday --format
pdf`` does), target <= 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ledger import NOW, build, timed
from hub.app import offline_app
from hub.cases.interface import ClueSource
from hub.cli.report import monday_blocks
from hub.clock import LOCAL_TZ
from hub.db import Database
from hub.demo.case_walks import actor_of
from hub.documents import interface as documents
from hub.http.keys import POLICY
from hub.reports import monday, stats
from hub.reports.models import MondayReport, MondayStatus
from hub.reports.outcomes import OUTCOMES
from hub.reports.weeks import week_of
from hub.settings import Settings

SCHEMA = "bench_stats"


async def measure(db: Database, iterations: int) -> dict[str, Any]:
    app = await offline_app(Settings(secret_key="bench-stats-" + "x" * 40), db)
    policy, outcomes = app[POLICY], app[OUTCOMES]
    today = NOW.astimezone(LOCAL_TZ).date()
    query = stats.StatsQuery(
        start=today.replace(month=1, day=1), end=today.replace(month=12, day=31), period="year", anchor=str(today.year)
    )
    async with db.transaction(write=False) as s:
        actors = {name: await actor_of(s, name) for name in ("leader", "deputy1", "tracking1")}
    figures: dict[str, Any] = {}
    for name in ("leader", "deputy1"):
        actor = actors[name]
        assert actor is not None

        async def page(actor: Any = actor) -> None:
            async with db.transaction(write=False) as s:
                await stats.compute(
                    s, stats.Counter(policy, actor, query, outcomes, today), townships=[], source_label=str, translate=str
                )

        figures[name] = {"statistics_year": await timed(page, iterations)}
        print(f"  {name}: {json.dumps(figures[name])}", flush=True)
    start = time.perf_counter()
    async with db.transaction(write=False) as s:
        assert actors["tracking1"] is not None
        body = await monday.compile_body(s, policy, actors["tracking1"], week_of(today), today)
    figures["monday_compile_s"] = round(time.perf_counter() - start, 2)
    print(f"  monday report compiled in {figures['monday_compile_s']} s ({len(ClueSource)} sources)", flush=True)
    # the PDF as `hub report monday --format pdf` makes it: compiled body (JSON, as stored), blocks, the renderer
    start = time.perf_counter()
    report = MondayReport(week=week_of(today).key, status=MondayStatus.APPROVED, note="")
    blocks, title = monday_blocks(report, json.loads(json.dumps(body, default=str)))
    pdf = await asyncio.to_thread(documents.render_pdf, blocks, title)
    figures["monday_pdf_s"] = round(time.perf_counter() - start + figures["monday_compile_s"], 2)
    print(f"  monday report PDF ({len(pdf):,} bytes) in {figures['monday_pdf_s']} s, compilation included", flush=True)
    return figures


async def run_backend(label: str, url: str, n: int, schema: str | None, iterations: int) -> dict[str, Any]:
    print(f"{label}: building {n:,} clues ...", flush=True)
    db, build_seconds = await build(url, n, schema)
    try:
        figures = await measure(db, iterations)
    finally:
        await db.dispose()
    worst = max(figures[w]["statistics_year"]["p95_ms"] for w in ("leader", "deputy1"))
    return {"n": n, "build_seconds": round(build_seconds, 1), "figures": figures, "worst_p95_ms": worst}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=int, default=100_000, help="clues on SQLite (0: skip)")
    parser.add_argument("--postgres", type=int, default=1_000_000, help="clues on PostgreSQL (0: skip)")
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--iterations", type=int, default=30)
    args = parser.parse_args()
    out: dict[str, Any] = {"target_p95_ms": 200}
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}"
            out["sqlite"] = await run_backend("sqlite", url, args.sqlite, None, args.iterations)
    if args.postgres:
        out["postgres"] = await run_backend("postgres", args.pg_url, args.postgres, SCHEMA, args.iterations)
        engine = create_async_engine(args.pg_url)
        async with engine.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        await engine.dispose()
    backends = [b for b in ("sqlite", "postgres") if b in out]
    out["stats_p95_ms"] = max((out[b]["worst_p95_ms"] for b in backends), default=None)
    out["monday_compile_s"] = max((out[b]["figures"]["monday_compile_s"] for b in backends), default=None)
    out["monday_pdf_s"] = max((out[b]["figures"]["monday_pdf_s"] for b in backends), default=None)
    out["ok"] = out["stats_p95_ms"] is not None and out["stats_p95_ms"] <= 200
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
