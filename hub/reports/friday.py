"""Friday progress reports (周五进展报告): one entry per open matter of a unit, prefilled from the week's events.

A unit's matters are the live clues its staff see in the ledger (the ledger rule, asked for a member of the unit), the
case management office's being those still waiting for 分办 and disposal. A red matter cannot be submitted without its
explanation (讲清原因). The tracking office sees who has submitted and who is late, and returns a report for
correction. A report is late when it is submitted after its Friday; an unsubmitted one turns red on Monday.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.access.roles import Role
from hub.cases.interface import (
    EVENT_LABELS,
    LIVE_CLUE_STATES,
    STAGES,
    CaseEvent,
    Clue,
    Colour,
    LedgerQuery,
    OfficeDirectory,
    colour_of,
    ledger_counts,
)
from hub.clock import LOCAL_TZ, to_local
from hub.errors import Conflict, Forbidden, Invalid, NotFound
from hub.i18n import N_
from hub.org.interface import OfficeCode, OrgUnit, UnitKind
from hub.reports.models import ReportStatus, WeeklyEntry, WeeklyReport
from hub.reports.weeks import Week

MAX_ENTRIES = 500
# offices that report on Fridays (the tracking office collects, it does not report)
REPORTING_OFFICES = (OfficeCode.PETITION, OfficeCode.CASE_MANAGEMENT, OfficeCode.TRIAL)
ROLE_OF_KIND = {
    UnitKind.OFFICE: Role.OFFICE_STAFF,
    UnitKind.JOINT_GROUP: Role.GROUP_STAFF,
    UnitKind.TOWNSHIP: Role.TOWNSHIP_STAFF,
}

Translate = Callable[[str], str]


class Standing(StrEnum):
    """Where a unit's report of a week stands, as the tracking office sees it."""

    ON_TIME = "on_time"  # 按时提交
    LATE = "late"  # 逾期提交
    RETURNED = "returned"  # 已退回
    PENDING = "pending"  # 待提交 (until Sunday)
    MISSING = "missing"  # 未提交 (red from Monday)


STANDING_LABELS = {
    Standing.ON_TIME: N_("Submitted on time"),
    Standing.LATE: N_("Submitted late"),
    Standing.RETURNED: N_("Returned for correction"),
    Standing.PENDING: N_("Not yet submitted"),
    Standing.MISSING: N_("Not submitted (overdue)"),
}
STANDING_COLOURS = {
    Standing.ON_TIME: "green",
    Standing.LATE: "yellow",
    Standing.RETURNED: "yellow",
    Standing.PENDING: "blue",
    Standing.MISSING: "red",
}


async def reporting_units(session: AsyncSession) -> list[OrgUnit]:
    """The offices, joint groups and township commissions that report every Friday, in the order of the org chart."""
    rows = (
        await session.scalars(
            select(OrgUnit).where(
                OrgUnit.active.is_(True), OrgUnit.kind.in_([UnitKind.OFFICE, UnitKind.JOINT_GROUP, UnitKind.TOWNSHIP])
            )
        )
    ).all()
    kinds = [UnitKind.OFFICE, UnitKind.JOINT_GROUP, UnitKind.TOWNSHIP]
    units = [u for u in rows if u.kind is not UnitKind.OFFICE or u.office in REPORTING_OFFICES]
    return sorted(units, key=lambda u: (kinds.index(u.kind), u.ordinal or 0, u.code))


def member_of(unit: OrgUnit) -> Actor:
    """A staff member of the unit, as the ledger rule sees them (no person: nobody's recusals apply)."""
    return Actor(kind="staff", user_id=0, username=f"unit:{unit.code}", role=ROLE_OF_KIND[unit.kind], org_unit_id=unit.id)


def matters_of(policy: Policy, unit: OrgUnit) -> list[ColumnElement[bool]]:
    """The open matters a unit reports on, through the ledger rule (never a hand check of the handler columns)."""
    conds = [policy.where(member_of(unit), "view", Clue), Clue.state.in_(sorted(LIVE_CLUE_STATES))]
    if unit.office is OfficeCode.CASE_MANAGEMENT:
        conds.append(Clue.state.in_(sorted(STAGES["clue"])))
    return conds


def _event_line(event: CaseEvent, translate: Translate) -> str:
    name = event.event
    prefix = ""
    if ":" in name:
        kind, _, rest = name.partition(":")
        name = rest.split(":")[0]
        prefix = {
            "request": translate(N_("Requested")),
            "approve": translate(N_("Approved")),
            "reject": translate(N_("Refused")),
        }.get(kind, "")
        prefix = f"{prefix}：" if prefix else ""
    label = translate(EVENT_LABELS.get(name, name))
    day = to_local(event.at).strftime("%m-%d")
    comment = f"（{event.comment}）" if event.comment and event.comment != "演示数据" else ""
    return f"{day} {prefix}{label}{comment}"


def start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), LOCAL_TZ).astimezone(dt.UTC)


async def week_events(session: AsyncSession, clue_ids: list[int], week: Week, now: dt.datetime) -> dict[int, list[CaseEvent]]:
    found: dict[int, list[CaseEvent]] = {}
    if not clue_ids:
        return found
    stmt = (
        select(CaseEvent)
        .where(
            CaseEvent.clue_id.in_(clue_ids),
            CaseEvent.at >= start_of(week.monday),
            CaseEvent.at < start_of(week.next_monday),
            CaseEvent.at <= now,
        )
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    for event in (await session.scalars(stmt)).all():
        assert event.clue_id is not None
        found.setdefault(event.clue_id, []).append(event)
    return found


async def unit_named(session: AsyncSession, unit_id: int) -> OrgUnit:
    unit = await session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("org_unit")
    return unit


async def report_of(session: AsyncSession, unit_id: int, week: Week) -> WeeklyReport | None:
    return await session.scalar(select(WeeklyReport).where(WeeklyReport.unit_id == unit_id, WeeklyReport.week == week.key))


async def start(
    session: AsyncSession, policy: Policy, actor: Actor, week: Week, now: dt.datetime, translate: Translate
) -> WeeklyReport:
    """The actor's unit's report of the week, created and prefilled on first use (one entry per open matter)."""
    if actor.org_unit_id is None:
        raise Forbidden("no_unit", N_("Only the staff of a reporting office, group or township fill a Friday report."))
    unit = await unit_named(session, actor.org_unit_id)
    if unit.id not in {u.id for u in await reporting_units(session)}:
        raise Forbidden("no_unit", N_("Only the staff of a reporting office, group or township fill a Friday report."))
    existing = await report_of(session, unit.id, week)
    if existing is not None:
        return existing
    report = WeeklyReport(unit_id=unit.id, week=week.key, status=ReportStatus.DRAFT, created_at=now, created_by=actor.user_id)
    session.add(report)
    await session.flush()
    today = now.astimezone(LOCAL_TZ).date()
    stmt = select(Clue).where(*matters_of(policy, unit)).order_by(Clue.due_date.asc().nulls_last(), Clue.id).limit(MAX_ENTRIES)
    clues = list((await session.scalars(stmt)).all())
    events = await week_events(session, [c.id for c in clues], week, now)
    for clue in clues:
        lines = [_event_line(e, translate) for e in events.get(clue.id, [])]
        colour = colour_of(clue.due_date, today)
        session.add(
            WeeklyEntry(
                report_id=report.id,
                clue_id=clue.id,
                number=clue.number,
                subject_name=clue.subject_name,
                state=clue.state.value,
                due_date=clue.due_date,
                colour=colour.value if colour else None,
                week_events="\n".join(lines),
                progress="；".join(lines) if lines else translate(N_("No new step this week.")),
                next_steps="",
                needs_coordination=False,
                reason="",
            )
        )
    await audit.record(
        session, actor.audit, "weekly_report.start", "weekly_report", report.id, {"week": week.key, "entries": len(clues)}, at=now
    )
    await session.flush()
    return report


async def entries(session: AsyncSession, report_id: int) -> list[WeeklyEntry]:
    stmt = select(WeeklyEntry).where(WeeklyEntry.report_id == report_id).order_by(WeeklyEntry.id)
    return list((await session.scalars(stmt)).all())


@dataclass
class EntryIn:
    progress: str = ""
    next_steps: str = ""
    needs_coordination: bool = False
    reason: str = ""


LIMIT = 4000


def entries_from_form(raw: Mapping[str, object]) -> dict[int, EntryIn]:
    """``progress_12``, ``next_steps_12``, ``coordination_12``, ``reason_12`` → entry 12's fields."""
    found: dict[int, EntryIn] = {}
    for name, value in raw.items():
        field, _, number = name.rpartition("_")
        if field not in ("progress", "next_steps", "coordination", "reason") or not number.isdigit():
            continue
        text = str(value)
        if len(text) > LIMIT:
            raise Invalid("invalid", N_("Some fields are not valid."), fields={name: N_("At most 4000 characters.")})
        entry = found.setdefault(int(number), EntryIn())
        if field == "coordination":
            entry.needs_coordination = text in ("1", "on", "true", "yes")
        else:
            setattr(entry, field, text.strip())
    return found


async def save(
    session: AsyncSession, actor: Actor, report: WeeklyReport, given: Mapping[int, EntryIn], *, submit: bool, now: dt.datetime
) -> list[int]:
    """Keep what was typed; with ``submit``, refuse while a red matter has no explanation. Returns the entries that
    still need one (empty on success)."""
    if report.status is ReportStatus.SUBMITTED:
        raise Conflict("submitted", N_("This report has been submitted; the tracking office may return it for correction."))
    rows = await entries(session, report.id)
    today = now.astimezone(LOCAL_TZ).date()
    dues = dict((await session.execute(select(Clue.id, Clue.due_date).where(Clue.id.in_([e.clue_id for e in rows])))).all())
    for entry in rows:
        typed = given.get(entry.id)
        if typed is not None:
            entry.progress, entry.next_steps, entry.reason = typed.progress, typed.next_steps, typed.reason
            entry.needs_coordination = typed.needs_coordination
        colour = colour_of(dues.get(entry.clue_id), today)  # the colour as of today, not as of the first fill
        entry.colour = colour.value if colour else None
    unexplained = [e for e in rows if e.colour == Colour.RED.value and not e.reason.strip()]
    if submit:
        if unexplained:
            raise Invalid(
                "red_needs_reason",
                N_("A red (overdue) matter needs its explanation before the report can be submitted."),
                fields={f"reason_{e.id}": N_("Explain why this matter is overdue.") for e in unexplained},
            )
        report.status = ReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by = now, actor.user_id
        await audit.record(
            session, actor.audit, "weekly_report.submit", "weekly_report", report.id, {"week": report.week}, at=now
        )
    await session.flush()
    return [e.id for e in unexplained]


async def give_back(session: AsyncSession, actor: Actor, report: WeeklyReport, note: str, now: dt.datetime) -> None:
    """The tracking office returns a submitted report for correction, saying what to correct."""
    if report.status is not ReportStatus.SUBMITTED:
        raise Conflict("not_submitted", N_("Only a submitted report can be returned."))
    report.status = ReportStatus.RETURNED
    report.returned_at, report.returned_by, report.return_note = now, actor.user_id, note
    await audit.record(session, actor.audit, "weekly_report.return", "weekly_report", report.id, {"note": note}, at=now)
    await session.flush()


def standing(report: WeeklyReport | None, week: Week, today: dt.date) -> Standing:
    if report is not None and report.status is ReportStatus.SUBMITTED and report.submitted_at is not None:
        late = report.submitted_at.astimezone(LOCAL_TZ).date() > week.friday
        return Standing.LATE if late else Standing.ON_TIME
    if report is not None and report.status is ReportStatus.RETURNED:
        return Standing.RETURNED if today < week.next_monday else Standing.MISSING
    return Standing.PENDING if today < week.next_monday else Standing.MISSING


@dataclass(frozen=True)
class UnitStanding:
    unit: OrgUnit
    report: WeeklyReport | None
    standing: Standing
    entries: int
    red: int
    coordination: int


async def overview(session: AsyncSession, policy: Policy, actor: Actor, week: Week, today: dt.date) -> list[UnitStanding]:
    """Every reporting unit the actor may follow, with where its report of the week stands."""
    units = await reporting_units(session)
    visible = policy.where(actor, "view", WeeklyReport)
    reports = {
        r.unit_id: r for r in (await session.scalars(select(WeeklyReport).where(WeeklyReport.week == week.key, visible))).all()
    }
    sees_all = (
        policy.may(actor, "return", WeeklyReport(unit_id=0, week=week.key, status=ReportStatus.SUBMITTED)) or actor.is_main_leader
    )
    tallies: dict[int, tuple[int, int, int]] = {}
    if reports:
        rows = (
            await session.scalars(select(WeeklyEntry).where(WeeklyEntry.report_id.in_([r.id for r in reports.values()])))
        ).all()
        for e in rows:
            n, red, co = tallies.get(e.report_id, (0, 0, 0))
            tallies[e.report_id] = (n + 1, red + (e.colour == Colour.RED.value), co + e.needs_coordination)
    out = []
    for unit in units:
        report = reports.get(unit.id)
        mine = actor.org_unit_id == unit.id or (actor.is_deputy and unit.id in actor.portfolio)
        if report is None and not (sees_all or mine):
            continue
        n, red, co = tallies.get(report.id, (0, 0, 0)) if report is not None else (0, 0, 0)
        out.append(UnitStanding(unit, report, standing(report, week, today), n, red, co))
    return out


async def reminders(
    session: AsyncSession, policy: Policy, offices: OfficeDirectory, actor: Actor, now: dt.datetime
) -> list[tuple[str, dict[str, object], str, str]]:
    """To-do items (message id, parameters, link, colour): on Friday morning a unit's report of the week is due; from
    Monday last week's unsubmitted report is red; the tracking office is told on Monday who has not submitted; the
    deputies are told of the red matters of their portfolio (督办), the main leader of all of them (in copy)."""
    today = now.astimezone(LOCAL_TZ).date()
    this_week = Week(*today.isocalendar()[:2])
    found: list[tuple[str, dict[str, object], str, str]] = []
    if actor.is_deputy or actor.is_main_leader:
        red = await ledger_counts(session, policy, actor, LedgerQuery(colour=Colour.RED), today)
        if red["red"]:
            message = (
                N_("%(n)s red (overdue) matters in your portfolio to chase.")
                if actor.is_deputy
                else N_("In copy: %(n)s red (overdue) matters are being chased by the deputies.")
            )
            found.append((message, {"n": red["red"]}, "/ledger?colour=red", "red"))
    if actor.org_unit_id is not None:
        units = {u.id for u in await reporting_units(session)}
        if actor.org_unit_id in units:
            last = this_week.previous()
            report = await report_of(session, actor.org_unit_id, last)
            if standing(report, last, today) is Standing.MISSING:
                found.append(
                    (
                        N_("The Friday report of %(week)s has not been submitted."),
                        {"week": last.key},
                        f"/reports/weekly?week={last.key}",
                        "red",
                    )
                )
            if today.weekday() >= 4:
                report = await report_of(session, actor.org_unit_id, this_week)
                if report is None or report.status is not ReportStatus.SUBMITTED:
                    found.append(
                        (
                            N_("Submit this week's Friday report (%(week)s)."),
                            {"week": this_week.key},
                            f"/reports/weekly?week={this_week.key}",
                            "yellow",
                        )
                    )
    if offices.office_of(actor) is OfficeCode.TRACKING:
        last = this_week.previous() if today.weekday() < 4 else this_week
        all_units = await reporting_units(session)
        reports = {r.unit_id: r for r in (await session.scalars(select(WeeklyReport).where(WeeklyReport.week == last.key))).all()}
        missing = sum(
            1
            for u in all_units
            if standing(reports.get(u.id), last, today) in (Standing.MISSING, Standing.PENDING, Standing.RETURNED)
        )
        if missing:
            colour = "red" if today >= last.next_monday else "yellow"
            found.append(
                (
                    N_("%(n)s Friday reports of %(week)s are not in."),
                    {"n": missing, "week": last.key},
                    f"/reports/weekly?week={last.key}",
                    colour,
                )
            )
    return found
