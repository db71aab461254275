"""Wire the reports part into the app: access rules and loaders, routes, home tiles, to-do reminders, outcome sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

import structlog
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.roles import Role
from hub.cases.interface import CASES, CLUE_PAGE_PARTS
from hub.clock import LOCAL_TZ
from hub.errors import NotFound
from hub.http.background import periodic
from hub.http.keys import CLOCK, DB, HOME_TILES, HOME_TODOS, LABELS, POLICY, HomeTile, TodoItem
from hub.i18n import N_
from hub.reports import friday, supervision
from hub.reports.models import REPORT_LABELS, MondayReport, SuperviseNotice, WeeklyReport
from hub.reports.outcomes import OUTCOMES, CaseOutcomes, LedgerOutcomes
from hub.reports.rules import MondayReportRule, SuperviseNoticeRule, WeeklyReportRule, sees_statistics
from hub.reports.views import monday, stats, weekly
from hub.reports.views import supervision as supervision_views

log = structlog.get_logger(__name__)


def setup(app: web.Application) -> None:
    """Needs the cases part wired first (its office directory and ledger rule)."""
    offices = app[CASES].offices
    policy = app[POLICY]
    policy.register(WeeklyReport, WeeklyReportRule(offices))
    policy.register(MondayReport, MondayReportRule(offices))
    policy.register(SuperviseNotice, SuperviseNoticeRule(offices))

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

    async def supervise_notice(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> SuperviseNotice:
        found = await session.get(SuperviseNotice, object_id, with_for_update=for_update)
        if found is None or not policy.may(actor, "view", found):
            raise NotFound("supervise_notice")
        return found

    policy.register_loader("supervise_notice", supervise_notice)
    policy.register_loader("weekly_report", weekly_report)
    policy.register_loader("monday_report", monday_report)
    if OUTCOMES not in app:
        app[OUTCOMES] = []
    app[OUTCOMES].insert(0, LedgerOutcomes())  # what the ledger already keeps; outcome sources added later win
    app[OUTCOMES].insert(1, CaseOutcomes())  # the decisions the cases part records (issue 10) answer every dimension
    app[LABELS].update(REPORT_LABELS)
    for module in (weekly, monday, stats, supervision_views):
        app.router.add_routes(module.routes.table)

    async def reminders(app: web.Application, s: AsyncSession, actor: Actor, now: dt.datetime) -> list[TodoItem]:
        if not actor.is_staff or actor.is_admin:
            return []
        found = await friday.reminders(s, policy, offices, actor, now)
        todos = [
            TodoItem(message, int(str(params.get("n", 1))), href, urgent=level == "red", order=50, params=params)
            for message, params, href, level in found
        ]
        if actor.is_deputy or actor.is_main_leader:
            notices = await supervision.listed(s, policy, actor, open_only=True)
            if notices:
                title = (
                    N_("Supervision notices to answer")
                    if actor.is_deputy
                    else N_("Supervision notices in copy, not answered yet")
                )
                items = tuple(
                    (f"{r.number} {r.subject}（{r.notice.due_date}）", f"/clues/{r.notice.clue_id}") for r in notices[:8]
                )
                todos.append(TodoItem(title, len(notices), "/supervision", urgent=actor.is_deputy, order=15, items=items))
        return todos

    async def clue_part(session: AsyncSession, actor: Actor, clue: Any) -> tuple[str, dict[str, Any]] | None:
        rows = await supervision.of_clue(session, policy, actor, clue.id)
        if not rows:
            return None
        answerable = {r.notice.id for r in rows if policy.may(actor, "answer", r.notice)}
        return "reports/_clue_part.html", {"rows": rows, "answerable": answerable}

    app.setdefault(CLUE_PAGE_PARTS, []).append(clue_part)

    async def raise_notices(app: web.Application) -> None:
        """Red matters get their notices at start-up and every hour (another process raising the same spell at the
        same moment fails this round; the next one finds the notice there)."""
        now = app[CLOCK].now()
        async with app[DB].transaction() as s:
            raised = await supervision.raise_notices(s, now.astimezone(LOCAL_TZ).date(), now)
        if raised:
            log.info("supervise_notices_raised", count=raised)

    every = float(supervision.RAISE_EVERY_SECONDS)
    app.cleanup_ctx.append(periodic("supervise_notices", raise_notices, lambda app: every, at_start=True))

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
