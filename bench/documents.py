"""Documents benchmark (not a test): render documents, and search the full text of many.

    .venv/bin/python bench/documents.py                                  # 100,000 documents on SQLite, 1,000,000 on PostgreSQL
    .venv/bin/python bench/documents.py --sqlite 20000 --postgres 0      # a quick run, SQLite only

Measured:
  pdf    — a 谈话笔录 generated to PDF (WeasyPrint, Noto CJK embedded), 50 runs
  docx   — a 审理报告 generated to DOCX (python-docx), 50 runs
  search — ``hub.documents.search.search`` for a three- or four-character Chinese phrase (a person's name, or words of
           the documents), as the main leader (sees everything) and joint group 3 (filtered by the clue rule in SQL),
           over N documents of 1,000 clues: SQLite FTS5 trigram, PostgreSQL pg_trgm GIN
Targets: search p95 <= 100 ms. The last line printed is a JSON object with the figures.
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
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ledger import fresh_database, pct
from hub.app import offline_app
from hub.cases.models import Clue
from hub.clock import LOCAL_TZ
from hub.db import Database
from hub.demo import cases as demo
from hub.demo.case_walks import actor_of
from hub.documents.kinds import KINDS, CaseFacts, Filled, RecordingRef
from hub.documents.models import Document, DocumentKind, DocumentStatus, DocumentVersion
from hub.documents.search import search
from hub.documents.service import render
from hub.http.keys import POLICY
from hub.settings import Settings
from hub.store.models import FileKind, FileStatus, StoredFile

NOW = dt.datetime(2026, 11, 27, 9, 0, tzinfo=LOCAL_TZ)
SCHEMA = "bench_documents"
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = "建国明华军伟芳丽强磊洋艳勇杰娟涛超秀霞平刚桂英文辉力斌波宇浩凯鹏飞鑫俊峰亮红梅玉兰云海燕宁静春晓东雪松林"
PHRASES = [
    "违规收受礼金",
    "工程款去向不明",
    "接受管理和服务对象宴请",
    "违规发放津贴补贴",
    "公款旅游",
    "违规操办婚丧喜庆",
    "超标准接待",
    "违规使用公车",
    "侵占集体资金",
    "优亲厚友",
    "虚报冒领",
    "截留挪用",
]
SENTENCES = 12
ENDING = "。经审理查明，以上事实清楚，证据确凿。"
FACTS = CaseFacts(
    "XS2026-0000042", "王建国", "男", "1975年3月8日", "副局长", "旗交通运输局", True, "反映其在工程招标中收受礼金。"
)


def figures(samples: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(samples), 2), "p95_ms": round(pct(samples, 95), 2), "n": len(samples)}


def timed_sync(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    fn()  # the first run loads Pango and the fonts
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return figures(samples)


def rendering(runs: int) -> dict[str, Any]:
    fingerprint = " ".join(uuid.uuid4().hex[i : i + 4] for i in range(0, 32, 4)) * 2
    interview = Filled(FACTS, {
        "started": "2026-11-27 09:00", "ended": "2026-11-27 10:30", "place": "锡尼镇谈话室", "interviewers": "李明、赵刚",
        "recorder": "孙丽", "content": "\n".join(f"问：第{i}个问题？\n答：关于收受礼金的情况如实说明。" for i in range(30)),
    }, "旗纪谈〔2026〕1号", "2026年11月27日", RecordingRef("第7号谈话录音录像", "09:00", "10:30", (fingerprint,)))  # fmt: skip
    fields = {
        "facts": "违规接受管理和服务对象宴请。" * 40,
        "qualification": "违反廉洁纪律。",
        "opinion": "给予党内严重警告处分。",
    }
    trial = Filled(FACTS, fields, "旗纪审理〔2026〕1号", "2026年11月27日")
    from hub.documents import content
    from hub.documents.kinds import build

    pdf = timed_sync(lambda: content.render_pdf(build(KINDS[DocumentKind.INTERVIEW_RECORD], interview), "谈话笔录"), runs)
    docx = timed_sync(lambda: content.render_docx(build(KINDS[DocumentKind.TRIAL_REPORT], trial), "审理报告"), runs)
    assert render(KINDS[DocumentKind.INTERVIEW_RECORD], interview).pdf.startswith(b"%PDF")
    return {"pdf": pdf, "docx": docx}


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def python_batch(rng: random.Random, clue_ids: list[int], first: int, last: int) -> tuple[list[Any], list[Any], list[Any]]:
    """Rows ``first`` .. ``last - 1`` (0-based) of the three tables, made in Python (SQLite, and PostgreSQL's templates)."""
    files, docs, versions = [], [], []
    for i in range(first, last):
        file_id = str(uuid.UUID(int=i + 1))
        files.append({"id": file_id, "kind": FileKind.DOCUMENT, "media_type": "application/pdf", "status": FileStatus.CLOSED,
                      "case_id": None, "created_at": NOW})  # fmt: skip
        docs.append({"id": i + 1, "clue_id": rng.choice(clue_ids), "kind": DocumentKind.TRIAL_REPORT, "number": f"B{i + 1}",
                     "title": "审理报告", "status": DocumentStatus.DRAFT, "approval_step": 0, "created_at": NOW,
                     "updated_at": NOW, "version": 1})  # fmt: skip
        body = "。".join(f"{_name(rng)}{rng.choice(PHRASES)}" for _ in range(SENTENCES)) + ENDING
        versions.append({"id": i + 1, "document_id": i + 1, "number": 1, "file_id": file_id, "media_type": "application/pdf",
                         "filename": "x.pdf", "text": body, "note": "", "created_at": NOW})  # fmt: skip
    return files, docs, versions


def _copied(columns: list[str], made: dict[str, str]) -> tuple[str, str]:
    """The column list and the SELECT list of an INSERT … SELECT that copies a template row ``t`` but for ``made``."""
    return ", ".join(columns), ", ".join(made.get(c, f"t.{c}") for c in columns)


# PostgreSQL: the same texts as python_batch (SENTENCES "name + matter" sentences from the same word lists, uniform
# choices), made by the server with INSERT … SELECT generate_series instead of sent row by row
_PICK = "(CAST(:{0} AS text[]))[1 + floor(random() * cardinality(CAST(:{0} AS text[])))::int]"
_TEXT = (  # "i > 0" makes it a subquery per row, not one for all
    "(SELECT string_agg(" + " || ".join(_PICK.format(a) for a in ("surnames", "given", "given", "phrases")) + ", '。') "
    "FROM generate_series(1, CAST(:sentences AS int)) AS j WHERE i > 0) || CAST(:ending AS text)"
)
_CLUE = "(CAST(:clues AS int[]))[1 + floor(random() * cardinality(CAST(:clues AS int[])))::int]"
_UUID = "uuid(lpad(to_hex(i), 32, '0'))::text"  # str(uuid.UUID(int=i)), as python_batch makes it


async def bulk_postgres(db: Database, clue_ids: list[int], first: int, n: int, chunk: int = 100_000) -> None:
    """Rows ``first`` .. ``n - 1`` of the three tables, copied from row 1 (made by python_batch) with generated ids,
    clues and texts, ``chunk`` rows per transaction."""
    tables = {
        "stored_files": ([c.name for c in StoredFile.__table__.columns], {"id": _UUID}, "id = '" + str(uuid.UUID(int=1)) + "'"),
        "documents": ([c.name for c in Document.__table__.columns],
                      {"id": "i", "clue_id": _CLUE, "number": "'B' || i"},
                      "id = 1"),
        "document_versions": ([c.name for c in DocumentVersion.__table__.columns],
                              {"id": "i", "document_id": "i", "file_id": _UUID, "text": _TEXT}, "id = 1"),
    }  # fmt: skip
    params = {"surnames": list(SURNAMES), "given": list(GIVEN), "phrases": PHRASES, "sentences": SENTENCES,
              "ending": ENDING, "clues": clue_ids}  # fmt: skip
    for low in range(first + 1, n + 1, chunk):
        high = min(n, low + chunk - 1)
        async with db.transaction() as s:
            await s.execute(text("SET LOCAL synchronous_commit = off"))
            for name, (columns, made, template) in tables.items():
                into, values = _copied(columns, made)
                rows = "generate_series(CAST(:low AS int), CAST(:high AS int)) AS i"
                sql = f"INSERT INTO {name} ({into}) SELECT {values} FROM {rows}, (SELECT * FROM {name} WHERE {template}) AS t"  # noqa: S608 (constant names)
                used = {k: v for k, v in params.items() if f":{k}" in sql}
                await s.execute(text(sql), {"low": low, "high": high, **used})
        print(f"    {high:,} rows", flush=True)


async def build_backend(url: str, n: int, schema: str | None) -> tuple[Database, dict[str, float]]:
    db = await fresh_database(url, schema)
    await demo.generate(db, 1000, seed=2017, now=NOW)
    rng = random.Random(7)
    start = time.perf_counter()
    async with db.transaction(write=False) as s:
        clue_ids = list((await s.scalars(select(Clue.id))).all())
    if not db.is_sqlite:  # bulk load first, then build the trigram index once (as a restore would)
        async with db.transaction() as s:
            await s.execute(text("DROP INDEX document_fts_trgm"))
    batch = 5000
    # SQLite: every row from Python, in batches; PostgreSQL: the first batch so, the rest by the server itself
    for first in range(0, n if db.is_sqlite else min(n, batch), batch):
        files, docs, versions = python_batch(rng, clue_ids, first, min(n, first + batch))
        async with db.transaction() as s:
            await s.execute(insert(StoredFile), files)
            await s.execute(insert(Document), docs)
            await s.execute(insert(DocumentVersion), versions)
    if not db.is_sqlite and n > batch:
        await bulk_postgres(db, clue_ids, batch, n)
    loaded = time.perf_counter() - start
    async with db.transaction() as s:
        if db.is_sqlite:
            await s.execute(text("INSERT INTO document_fts(document_fts) VALUES ('rebuild')"))
        else:
            await s.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            await s.execute(text("CREATE INDEX document_fts_trgm ON document_versions USING gin (text public.gin_trgm_ops)"))
    async with db.transaction() as s:
        await s.execute(text("ANALYZE"))
    made = {"documents": n, "load_s": round(loaded, 1), "index_s": round(time.perf_counter() - start - loaded, 1)}
    print(f"  {n:,} documents: loaded in {loaded:.1f} s, indexed and analysed in {made['index_s']:.1f} s", flush=True)
    return db, made


async def measure_search(db: Database, iterations: int) -> dict[str, Any]:
    app = await offline_app(Settings(secret_key="bench-documents-" + "x" * 40), db)
    policy = app[POLICY]
    rng = random.Random(3)
    async with db.transaction(write=False) as s:
        actors = {name: await actor_of(s, name) for name in ("leader", "group3.1")}
        total = int(await s.scalar(select(func.count()).select_from(DocumentVersion)) or 0)
    out: dict[str, Any] = {"documents": total}
    for who, actor in actors.items():
        for label, make in (("name", lambda: _name(rng)), ("phrase", lambda: rng.choice(PHRASES)[:4])):
            samples, hits = [], 0
            for i in range(iterations + 5):
                phrase = make()
                start = time.perf_counter()
                async with db.transaction(write=False) as s:
                    found = await search(s, policy, actor, phrase)
                if i >= 5:
                    samples.append((time.perf_counter() - start) * 1000)
                    hits += len(found)
            out[f"{who}_{label}"] = {**figures(samples), "mean_hits": round(hits / iterations, 1)}
            print(f"  {who} {label}: {out[f'{who}_{label}']}", flush=True)
    return out


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", type=int, default=100_000, help="documents on SQLite (0: skip)")
    parser.add_argument("--postgres", type=int, default=1_000_000, help="documents on PostgreSQL (0: skip)")
    parser.add_argument("--pg-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--runs", type=int, default=50, help="renderings of each document")
    parser.add_argument("--iterations", type=int, default=100, help="searches of each kind")
    args = parser.parse_args()
    out: dict[str, Any] = {"target_search_p95_ms": 100}
    r = rendering(args.runs)
    out.update(pdf=r["pdf"], docx=r["docx"], pdf_p95_ms=r["pdf"]["p95_ms"], docx_p95_ms=r["docx"]["p95_ms"])
    print(f"  rendering: {json.dumps(r)}", flush=True)
    worst = 0.0
    if args.sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            db, made = await build_backend(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}", args.sqlite, None)
            try:
                out["sqlite"] = {"generation": made, **await measure_search(db, args.iterations)}
            finally:
                await db.dispose()
    if args.postgres:
        db, made = await build_backend(args.pg_url, args.postgres, SCHEMA)
        try:
            out["postgres"] = {"generation": made, **await measure_search(db, args.iterations)}
        finally:
            await db.dispose()
            engine = create_async_engine(args.pg_url)
            async with engine.begin() as conn:
                await conn.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            await engine.dispose()
    for backend in ("sqlite", "postgres"):
        if backend in out:
            worst = max([worst, *(v["p95_ms"] for k, v in out[backend].items() if isinstance(v, dict) and "p95_ms" in v)])
    out["search_p95_ms"] = worst
    out["ok"] = worst <= 100
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
