"""The Monday report (周一汇报) for the standing committee's Monday meeting.

Compiled by the tracking office from the Friday reports of the week and the ledger as it stands on the day: counts by
source × colour (the ledger's own count, so they equal the ledger of that day), the red and yellow lists with the
reasons and measures the units gave, new and closed matters of the week, overdue 交办件, and where the Friday reports
stand. The tracking office edits the summary and approves it; from then on the main leader and the deputies read it.

What a deputy reads: the counts are the county's (the meeting hears them together, and totals name nobody), while
the lists — names, numbers, reasons — hold only the matters the ledger shows that deputy (the 分级授权 of the source
article). The main leader reads everything.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.cases.interface import COLOURS, Clue, ClueSource, Colour, LedgerQuery, ledger_counts, ledger_stream
from hub.errors import Conflict
from hub.i18n import N_
from hub.reports import friday
from hub.reports.models import MondayReport, MondayStatus, ReportStatus, WeeklyEntry, WeeklyReport
from hub.reports.weeks import Week

LIST_CAP = 300


async def _rows(session: AsyncSession, policy: Policy, actor: Actor, query: LedgerQuery, today: dt.date) -> list[dict[str, Any]]:
    out = []
    async for row in ledger_stream(session, policy, actor, query, today):
        out.append(row)
        if len(out) >= LIST_CAP:
            break
    return out


async def compile_body(session: AsyncSession, policy: Policy, actor: Actor, week: Week, today: dt.date) -> dict[str, Any]:
    counts: dict[str, dict[str, int]] = {}
    for source in ClueSource:
        counts[source.value] = await ledger_counts(session, policy, actor, LedgerQuery(source=source), today)
    totals = await ledger_counts(session, policy, actor, LedgerQuery(), today)
    red = await _rows(session, policy, actor, LedgerQuery(colour=Colour.RED), today)
    yellow = await _rows(session, policy, actor, LedgerQuery(colour=Colour.YELLOW), today)
    new = await _rows(
        session,
        policy,
        actor,
        LedgerQuery(stage="all", received_from=week.monday, received_to=week.sunday, sort="received"),
        today,
    )
    closed_stmt = (
        select(Clue.id, Clue.number, Clue.subject_name, Clue.source, Clue.state, Clue.closed_on)
        .where(policy.where(actor, "view", Clue), Clue.closed_on >= week.monday, Clue.closed_on <= week.sunday)
        .order_by(Clue.closed_on, Clue.id)
        .limit(LIST_CAP)
    )
    closed = [
        {
            "id": r.id,
            "number": r.number,
            "subject_name": r.subject_name,
            "source": r.source.value,
            "state": r.state.value,
            "closed_on": r.closed_on.isoformat(),
            "due_date": None,
            "colour": None,
        }
        for r in (await session.execute(closed_stmt)).all()
    ]
    # what the units said in their Friday reports about the red and yellow matters
    ids = [r["id"] for r in (*red, *yellow)]
    said: dict[int, dict[str, Any]] = {}
    if ids:
        stmt = (
            select(WeeklyEntry, WeeklyReport.unit_id)
            .join(WeeklyReport, WeeklyReport.id == WeeklyEntry.report_id)
            .where(WeeklyReport.week == week.key, WeeklyReport.status == ReportStatus.SUBMITTED, WeeklyEntry.clue_id.in_(ids))
            .order_by(WeeklyEntry.id)
        )
        for entry, unit_id in (await session.execute(stmt)).all():
            said.setdefault(
                entry.clue_id,
                {
                    "reason": entry.reason,
                    "progress": entry.progress,
                    "next_steps": entry.next_steps,
                    "coordination": entry.needs_coordination,
                    "unit_id": unit_id,
                },
            )
    for row in (*red, *yellow):
        row["said"] = said.get(row["id"])
    standings = await friday.overview(session, policy, actor, week, today)
    return {
        "week": week.key,
        "as_of": today.isoformat(),
        "sources": [s.value for s in ClueSource],
        "colours": [c.value for c in COLOURS],
        "counts": counts,
        "totals": totals,
        "red": red,
        "yellow": yellow,
        "upper_overdue": [r for r in red if r["source"] == ClueSource.UPPER_ASSIGNED.value],
        "new": new,
        "closed": closed,
        "fridays": [
            {
                "unit_id": s.unit.id,
                "unit": s.unit.name_zh,
                "standing": s.standing.value,
                "entries": s.entries,
                "red": s.red,
                "coordination": s.coordination,
            }
            for s in standings
        ],
    }


async def compile_report(
    session: AsyncSession, policy: Policy, actor: Actor, week: Week, now: dt.datetime, today: dt.date
) -> MondayReport:
    """Compile (or, while it is a draft, recompile) the week's Monday report."""
    report = await session.scalar(select(MondayReport).where(MondayReport.week == week.key))
    if report is not None and report.status is not MondayStatus.DRAFT:
        raise Conflict("approved", N_("This Monday report has been approved; it stays as it was."))
    body = json.dumps(await compile_body(session, policy, actor, week, today), ensure_ascii=False)
    if report is None:
        report = MondayReport(
            week=week.key, status=MondayStatus.DRAFT, as_of=today, compiled_at=now, compiled_by=actor.user_id, note="", body=body
        )
        session.add(report)
    else:
        report.as_of, report.compiled_at, report.compiled_by, report.body = today, now, actor.user_id, body
    await session.flush()
    await audit.record(session, actor.audit, "monday_report.compile", "monday_report", report.id, {"week": week.key}, at=now)
    return report


async def approve(session: AsyncSession, actor: Actor, report: MondayReport, note: str, now: dt.datetime) -> None:
    if report.status is not MondayStatus.DRAFT:
        raise Conflict("approved", N_("This Monday report has been approved; it stays as it was."))
    report.note = note
    report.status, report.approved_at, report.approved_by = MondayStatus.APPROVED, now, actor.user_id
    await audit.record(session, actor.audit, "monday_report.approve", "monday_report", report.id, {"week": report.week}, at=now)
    await session.flush()


async def for_reader(session: AsyncSession, policy: Policy, actor: Actor, report: MondayReport) -> dict[str, Any]:
    """The report as this reader may read it: lists cut to the matters the ledger shows them (see the module doc)."""
    body: dict[str, Any] = json.loads(report.body)
    ids = {r["id"] for key in ("red", "yellow", "new", "closed") for r in body[key]}
    if ids:
        visible = set(
            (await session.scalars(select(Clue.id).where(Clue.id.in_(sorted(ids)), policy.where(actor, "view", Clue)))).all()
        )
    else:
        visible = set()
    for key in ("red", "yellow", "new", "closed", "upper_overdue"):
        full = body[key]
        body[key] = [r for r in full if r["id"] in visible]
        body[f"{key}_hidden"] = len(full) - len(body[key])
    return body
