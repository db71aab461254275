"""`hub report weekly --week 2026-W49` (where each unit's Friday report stands) and `hub report monday --week
2026-W49 [--format text|json|pdf|docx] [-o FILE]` (the week's Monday report as compiled; PDF and DOCX through the
documents part's renderer, the PDF with the report's SVG charts), for an operator's schedule. `hub report supervise`
raises the 督办 notices of the matters that have turned red (the server does it hourly); `hub report tallies`
recounts the ledger's and the statistics' tallies from the clues (after upgrading a database that holds clues, or after
a deputy's portfolio changed)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path

from sqlalchemy import select

from hub.cases import stat_tally, tally
from hub.cases.models import ClueSource
from hub.cli.common import Subcommands, database, runs, settings
from hub.clock import LOCAL_TZ, Clock
from hub.printouts import COLOURS_ZH, monday_file, zh_labeller
from hub.reports import friday, supervision
from hub.reports.models import MondayReport, WeeklyEntry, WeeklyReport
from hub.reports.weeks import parse_week, week_of

STANDING_ZH = {
    "on_time": "按时提交",
    "late": "逾期提交",
    "returned": "退回修改",
    "pending": "待提交",
    "missing": "未提交（已逾期）",
}


async def weekly(args: argparse.Namespace) -> int:
    today = Clock().now().astimezone(LOCAL_TZ).date()
    week = parse_week(args.week) if args.week else week_of(today)
    db = database(settings())
    try:
        async with db.transaction(write=False) as s:
            units = await friday.reporting_units(s)
            reports = {r.unit_id: r for r in (await s.scalars(select(WeeklyReport).where(WeeklyReport.week == week.key))).all()}
            entries: dict[int, int] = {}
            for e in (
                await s.scalars(select(WeeklyEntry).where(WeeklyEntry.report_id.in_([r.id for r in reports.values()])))
            ).all():
                entries[e.report_id] = entries.get(e.report_id, 0) + 1
    finally:
        await db.dispose()
    print(f"{week.key}（{week.monday} – {week.sunday}），周五 {week.friday} 截止")
    late = 0
    for unit in units:
        report = reports.get(unit.id)
        standing = friday.standing(report, week, today)
        late += standing.value in ("missing", "late")
        count = entries.get(report.id, 0) if report else 0
        print(f"  {unit.name_zh:<16}\t{STANDING_ZH[standing.value]}\t{count} 项")
    print(f"{len(units)} units, {sum(1 for r in reports.values() if r.submitted_at)} submitted, {late} late or missing")
    return 0


async def monday(args: argparse.Namespace) -> int:
    week = parse_week(args.week)
    db = database(settings())
    try:
        async with db.transaction(write=False) as s:
            report = await s.scalar(select(MondayReport).where(MondayReport.week == week.key))
    finally:
        await db.dispose()
    if report is None:
        print(
            f"hub: no Monday report for {week.key} (the tracking office compiles it under 周报与汇报 → 周一汇报)", file=sys.stderr
        )
        return 1
    body = json.loads(report.body)
    if args.format in ("pdf", "docx"):
        if not args.output:
            print("hub: --format pdf or docx needs -o FILE", file=sys.stderr)
            return 2
        data = await asyncio.to_thread(monday_file, report, body, args.format)
        await asyncio.to_thread(Path(args.output).write_bytes, data)
        return 0
    if args.format == "json":
        text = json.dumps(
            {"week": report.week, "status": report.status.value, "note": report.note, **body}, ensure_ascii=False, indent=2
        )
    else:
        status = "已审定" if report.status.value == "approved" else "编辑中"
        lines = [f"案件线索办理进展情况汇报 {report.week}（台账截至 {body['as_of']}，{status}）"]
        if report.note:
            lines += ["", report.note]
        lines += ["", "来源\t" + "\t".join(COLOURS_ZH[c] for c in body["colours"]) + "\t合计"]
        label = zh_labeller()
        for source in body["sources"]:
            n = body["counts"][source]
            lines.append(f"{label(ClueSource(source))}\t" + "\t".join(str(n[c]) for c in body["colours"]) + f"\t{n['total']}")
        lines.append("合计\t" + "\t".join(str(body["totals"][c]) for c in body["colours"]) + f"\t{body['totals']['total']}")
        lines += ["", f"红色事项 {len(body['red'])} 件："]
        for r in body["red"]:
            said = (r.get("said") or {}).get("reason", "")
            lines.append(f"  {r['number']}\t{r['subject_name']}\t到期 {r['due_date']}\t{said}")
        lines += [
            "",
            f"本周新增 {len(body['new'])} 件，办结 {len(body['closed'])} 件，逾期上级交办件 {len(body['upper_overdue'])} 件",
        ]
        text = "\n".join(lines)
    if args.output:
        await asyncio.to_thread(Path(args.output).write_text, text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


async def supervise(args: argparse.Namespace) -> int:
    now = Clock().now()
    db = database(settings())
    try:
        async with db.transaction() as s:
            raised = await supervision.raise_notices(s, now.astimezone(LOCAL_TZ).date(), now)
    finally:
        await db.dispose()
    print(f"{raised} 督办 notices raised")
    return 0


async def tallies(args: argparse.Namespace) -> int:
    db = database(settings())
    try:
        async with db.transaction() as s:
            await tally.rebuild(s)
            await stat_tally.rebuild(s)  # after tally.rebuild: it takes the portfolio snapshot both count with
            rows = len(await stat_tally.stored(s))
    finally:
        await db.dispose()
    print(f"ledger and statistics tallies recounted from the clues ({rows} statistics rows)")
    return 0


def add_commands(sub: Subcommands) -> None:
    rep = sub.add_parser("report", help="weekly reports").add_subparsers(dest="report_command", required=True)
    w = rep.add_parser("weekly", help="where each unit's Friday report of a week stands")
    w.add_argument("--week", default="", help="ISO week such as 2026-W49 (default: this week)")
    w.set_defaults(func=runs(weekly))
    m = rep.add_parser("monday", help="the Monday report of a week, as compiled")
    m.add_argument("--week", required=True, help="ISO week such as 2026-W49")
    m.add_argument("--format", choices=("text", "json", "pdf", "docx"), default="text")
    m.add_argument("-o", "--output", default="", help="write to this file instead of the terminal")
    m.set_defaults(func=runs(monday))
    rep.add_parser("supervise", help="raise the 督办 notices of the matters that have turned red").set_defaults(
        func=runs(supervise)
    )
    rep.add_parser("tallies", help="recount the ledger's and the statistics' tallies from the clues").set_defaults(
        func=runs(tallies)
    )
