"""Wire the reports part into the app: access rules and loaders, routes, home tiles, to-do reminders, outcome sources."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.roles import Role
from hub.cases.interface import CASES
from hub.errors import NotFound
from hub.http.keys import HOME_TILES, HOME_TODOS, LABELS, POLICY, HomeTile, TodoItem
from hub.i18n import N_
from hub.reports import friday
from hub.reports.models import REPORT_LABELS, MondayReport, WeeklyReport
from hub.reports.outcomes import OUTCOMES, CaseOutcomes, LedgerOutcomes
from hub.reports.rules import MondayReportRule, WeeklyReportRule, sees_statistics
from hub.reports.views import monday, stats, weekly


def setup(app: web.Application) -> None:
    """Needs the cases part wired first (its office directory and ledger rule)."""
    offices = app[CASES].offices
    policy = app[POLICY]
    policy.register(WeeklyReport, WeeklyReportRule(offices))
    policy.register(MondayReport, MondayReportRule(offices))

    async def weekly_report(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> WeeklyReport:
        found = await session.get(WeeklyReport, object_id, with_for_update=for_update)
        if found is None:
            raise NotFound("weekly_report")
        policy.require(actor, "view", found)
        return found

    async def monday_report(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> MondayReport:
        found = await session.get(MondayReport, object_id, with_for_update=for_update)
        if found is None:
            raise NotFound("monday_report")
        policy.require(actor, "view", found)
        return found

    policy.register_loader("weekly_report", weekly_report)
    policy.register_loader("monday_report", monday_report)
    if OUTCOMES not in app:
        app[OUTCOMES] = []
    app[OUTCOMES].insert(0, LedgerOutcomes())  # what the ledger already keeps; outcome sources added later win
    app[OUTCOMES].insert(1, CaseOutcomes())  # the decisions the cases part records (issue 10) answer every dimension
    app[LABELS].update(REPORT_LABELS)
    for module in (weekly, monday, stats):
        app.router.add_routes(module.routes.table)

    async def reminders(app: web.Application, s: AsyncSession, actor: Actor, now: dt.datetime) -> list[TodoItem]:
        if not actor.is_staff or actor.is_admin:
            return []
        found = await friday.reminders(s, policy, offices, actor, now)
        return [
            TodoItem(message, int(str(params.get("n", 1))), href, urgent=level == "red", order=50, params=params)
            for message, params, href, level in found
        ]

    app[HOME_TODOS].append(reminders)
    sees_cases = lambda actor: actor.is_staff and actor.role is not None and actor.role is not Role.ADMIN  # noqa: E731
    app[HOME_TILES].append(
        HomeTile(
            N_("Weekly reports"),
            "/reports",
            N_("Friday progress reports, the Monday report for the leaders, and the printable ledger."),
            sees_cases,
            order=22,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Statistics"),
            "/statistics",
            N_("Petitions, clues, filed cases and sanctions for a period, with charts; every figure opens its cases."),
            lambda actor: sees_statistics(offices, actor),
            order=23,
        )
    )
