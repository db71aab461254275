"""Pages of the Friday progress reports: the week's standing of every unit, a unit's report, submit and return."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, Field

from hub.access.policy import Policy
from hub.clock import LOCAL_TZ
from hub.errors import HubError
from hub.http.keys import LOCALE, POLICY
from hub.http.views import Call, Permission, Routes
from hub.reports import friday
from hub.reports.friday import STANDING_COLOURS, STANDING_LABELS
from hub.reports.models import ReportStatus, WeeklyReport
from hub.reports.rules import is_tracking, sees_statistics
from hub.reports.views.shared import TEMPLATE_HELPERS, offices_of, unit_names, zh
from hub.reports.weeks import parse_week, reporting_week

routes = Routes()
SEE_REPORT = Permission("view", "weekly_report")
EDIT_REPORT = Permission("edit", "weekly_report")
RETURN_REPORT = Permission("return", "weekly_report")


class WeekForm(BaseModel):
    week: str = Field(min_length=1, max_length=10)


class EntriesForm(BaseModel):
    action: str = Field(pattern="^(save|submit)$")


class ReturnForm(BaseModel):
    note: str = Field(min_length=1, max_length=2000)


@routes.get("/reports", template="reports/index.html", summary="Analysis and weekly reports: what is due, and the pages.")
async def index(call: Call[None]) -> dict[str, Any]:
    offices = offices_of(call.app)
    todo = await friday.reminders(call.db, _policy(call), offices, call.actor, call.now)
    units = {u.id for u in await friday.reporting_units(call.db)}
    return {
        "todo": todo,
        "week": reporting_week(call.today),
        "reports_here": call.actor.org_unit_id in units,
        "tracking": is_tracking(offices, call.actor),
        "statistics": sees_statistics(offices, call.actor),
        "leader": call.actor.is_main_leader or call.actor.is_deputy,
    }


@routes.get("/reports/weekly", template="reports/weekly.html", summary="Where every unit's Friday report of a week stands.")
async def weekly_page(call: Call[None]) -> dict[str, Any]:
    raw = call.query("week")
    week = parse_week(raw) if raw else reporting_week(call.today)
    rows = await friday.overview(call.db, _policy(call), call.actor, week, call.today)
    units = {u.id for u in await friday.reporting_units(call.db)}
    mine = await friday.report_of(call.db, call.actor.org_unit_id, week) if call.actor.org_unit_id in units else None
    return {
        "week": week,
        "rows": rows,
        "labels": STANDING_LABELS,
        "colours": STANDING_COLOURS,
        "reports_here": call.actor.org_unit_id in units,
        "mine": mine,
        "today": call.today,
    }


def _policy(call: Call[Any]) -> Policy:
    return call.app[POLICY]


@routes.post("/reports/weekly/start", form=WeekForm, back="/reports/weekly", summary="Start (or open) the unit's report.")
async def start_report(call: Call[WeekForm]) -> str:
    week = parse_week(call.body.week)
    report = await friday.start(call.db, _policy(call), call.actor, week, call.now, zh(call.app))
    return f"/reports/weekly/{report.id}"


async def _report_context(call: Call[Any]) -> dict[str, Any]:
    report = call.target
    if report is None:  # shown again after a refused submission: the failed unit has rolled back
        report = await _policy(call).load(call.db, call.actor, "weekly_report", call.int("id"))
    policy = _policy(call)
    names = await unit_names(call.db, call.request.get(LOCALE, "zh_CN"))
    week = parse_week(report.week)
    return {
        "report": report,
        "week": week,
        "unit": names.get(report.unit_id, "—"),
        "entries": await friday.entries(call.db, report.id),
        "editable": policy.may(call.actor, "edit", report) and report.status is not ReportStatus.SUBMITTED,
        "may_return": policy.may(call.actor, "return", report) and report.status is ReportStatus.SUBMITTED,
        "standing": friday.standing(report, week, call.today),
        "labels": STANDING_LABELS,
        "colours": STANDING_COLOURS,
        "submitted_local": report.submitted_at.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M") if report.submitted_at else "",
        "form": {},
        "errors": {},
        "error": call.query("error"),
        **TEMPLATE_HELPERS,
    }


@routes.get(
    "/reports/weekly/{id}", permission=SEE_REPORT, template="reports/weekly_report.html", summary="A unit's Friday report."
)
async def report_page(call: Call[None]) -> dict[str, Any]:
    return await _report_context(call)


async def _again(call: Call[Any], exc: HubError) -> web.StreamResponse:
    context = await _report_context(call)
    context.update(
        form={k: v for k, v in call.raw.items() if k != "csrf_token"},
        errors=exc.fields or {"form": exc.message},
        error=exc.message,
    )
    return aiohttp_jinja2.render_template("reports/weekly_report.html", call.request, context, status=exc.status)


@routes.post(
    "/reports/weekly/{id}", permission=EDIT_REPORT, form=EntriesForm, again=_again, summary="Save or submit a Friday report."
)
async def save_report(call: Call[EntriesForm]) -> str:
    report: WeeklyReport = call.target
    given = friday.entries_from_form(call.raw)
    await friday.save(call.db, call.actor, report, given, submit=call.body.action == "submit", now=call.now)
    return f"/reports/weekly/{report.id}"


@routes.post(
    "/reports/weekly/{id}/return",
    permission=RETURN_REPORT,
    form=ReturnForm,
    back="/reports/weekly/{id}",
    summary="Return a report for correction.",
)
async def return_report(call: Call[ReturnForm]) -> str:
    await friday.give_back(call.db, call.actor, call.target, call.body.note.strip(), call.now)
    return f"/reports/weekly?week={call.target.week}"
