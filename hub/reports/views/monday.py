"""Pages of the Monday report: the archive, compile, edit the summary and approve, read and print."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.cases.interface import ClueSource, Colour
from hub.errors import Forbidden
from hub.http.keys import LOCALE, POLICY
from hub.http.views import Call, Permission, Routes
from hub.i18n import N_
from hub.reports import monday
from hub.reports.charts import COLOURS, Chart, Point, Series
from hub.reports.friday import STANDING_COLOURS, STANDING_LABELS, Standing
from hub.reports.models import MondayReport, MondayStatus
from hub.reports.printing import MONDAY_FILE
from hub.reports.rules import is_tracking
from hub.reports.views.shared import TEMPLATE_HELPERS, label_of, offices_of, unit_names
from hub.reports.views.weekly import WeekForm
from hub.reports.weeks import monday_week, parse_week

routes = Routes()
SEE_MONDAY = Permission("view", "monday_report")
EDIT_MONDAY = Permission("edit", "monday_report")
APPROVE_MONDAY = Permission("approve", "monday_report")


class ApproveForm(BaseModel):
    note: str = Field("", max_length=8000)


@routes.get("/reports/monday", template="reports/monday_list.html", summary="The Monday reports: this week's and the archive.")
async def monday_list(call: Call[None]) -> dict[str, Any]:
    policy = call.app[POLICY]
    stmt = (
        select(MondayReport).where(policy.where(call.actor, "view", MondayReport)).order_by(MondayReport.week.desc()).limit(200)
    )
    return {
        "reports": (await call.db.scalars(stmt)).all(),
        "tracking": is_tracking(offices_of(call.app), call.actor),
        "week": monday_week(call.today),
        "error": call.query("error"),
    }


@routes.post("/reports/monday", form=WeekForm, back="/reports/monday", summary="Compile the Monday report of a week.")
async def monday_compile(call: Call[WeekForm]) -> str:
    if not is_tracking(offices_of(call.app), call.actor):
        raise Forbidden("not_allowed", N_("The tracking office compiles the Monday report."))
    week = parse_week(call.body.week)
    report = await monday.compile_report(call.db, call.app[POLICY], call.actor, week, call.now, call.today)
    return f"/reports/monday/{report.id}"


@routes.post(
    "/reports/monday/{id}/compile", permission=EDIT_MONDAY, back="/reports/monday/{id}", summary="Compile a draft again."
)
async def monday_recompile(call: Call[None]) -> str:
    report: MondayReport = call.target
    await monday.compile_report(call.db, call.app[POLICY], call.actor, parse_week(report.week), call.now, call.today)
    return f"/reports/monday/{report.id}"


@routes.post(
    "/reports/monday/{id}/approve",
    permission=APPROVE_MONDAY,
    form=ApproveForm,
    back="/reports/monday/{id}",
    summary="Approve and publish.",
)
async def monday_approve(call: Call[ApproveForm]) -> str:
    await monday.approve(call.db, call.actor, call.target, call.body.note.strip(), call.now)
    return f"/reports/monday/{call.target.id}"


def charts_of(body: dict[str, Any], label: Any) -> list[Chart]:
    sources = [ClueSource(s) for s in body["sources"]]
    series = [
        Series(
            label(Colour(c)),
            [Point(label(s), body["counts"][s.value][c], f"/ledger?source={s.value}&colour={c}") for s in sources],
            COLOURS[c],
        )
        for c in body["colours"]
    ]
    totals = body["totals"]
    pie = Chart(
        "colours",
        label_text(N_("Open matters by colour"), label),
        "pie",
        [Series("", [Point(label(Colour(c)), totals[c], f"/ledger?colour={c}") for c in body["colours"]])],
    )
    return [Chart("by_source", label_text(N_("Open matters by source and colour"), label), "bar", series), pie]


def label_text(message: str, label: Any) -> str:
    return str(label(message))


@routes.get("/reports/monday/{id}", permission=SEE_MONDAY, template="reports/monday.html", summary="A Monday report (printable).")
async def monday_page(call: Call[None]) -> dict[str, Any]:
    report: MondayReport = call.target
    policy = call.app[POLICY]
    body = await monday.for_reader(call.db, policy, call.actor, report)
    label = label_of(call.app)
    return {
        "report": report,
        "body": body,
        "charts": charts_of(body, label),
        "sources": [ClueSource(s) for s in body["sources"]],
        "colours": [Colour(c) for c in body["colours"]],
        "units": await unit_names(call.db, call.request.get(LOCALE, "zh_CN")),
        "may_edit": policy.may(call.actor, "edit", report),
        "approved": report.status is MondayStatus.APPROVED,
        "standing_labels": {s.value: STANDING_LABELS[s] for s in Standing},
        "standing_colours": {s.value: STANDING_COLOURS[s] for s in Standing},
        "error": call.query("error"),
        **TEMPLATE_HELPERS,
    }


MONDAY_TYPES = {"pdf": "application/pdf", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


async def _download(call: Call[None], fmt: str) -> web.Response:
    """The report as this reader may read it (a deputy's lists cut to the portfolio, as on the page), as a file."""
    report: MondayReport = call.target
    body = await monday.for_reader(call.db, call.app[POLICY], call.actor, report)
    data = await asyncio.to_thread(call.app[MONDAY_FILE], report, body, fmt)
    filename = f"monday-{report.week}.{fmt}"
    return web.Response(
        body=data, content_type=MONDAY_TYPES[fmt], headers={"Content-Disposition": f'attachment; filename="{filename}"'}
    )


@routes.get("/reports/monday/{id}/pdf", permission=SEE_MONDAY, summary="A Monday report as PDF (A4, its charts as vectors).")
async def monday_pdf(call: Call[None]) -> web.Response:
    return await _download(call, "pdf")


@routes.get("/reports/monday/{id}/docx", permission=SEE_MONDAY, summary="A Monday report as DOCX, to edit in WPS or Word.")
async def monday_docx(call: Call[None]) -> web.Response:
    return await _download(call, "docx")
