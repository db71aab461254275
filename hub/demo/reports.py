"""Demo weekly rhythm: last week's Friday reports (some late, red matters explained) and its approved Monday report in
the archive; this week's reports partly in (group 1's is left for the tour: `group1.1` submits it)."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy import select

from hub.auth.interface import User, staff_actor_named
from hub.clock import LOCAL_TZ
from hub.db import Database
from hub.http.keys import CATALOGS, DB, POLICY
from hub.reports import friday, monday, supervision
from hub.reports.models import ReportStatus, SuperviseNotice
from hub.reports.weeks import week_of

REASONS = [
    "被反映人长期外出学习，谈话推迟，已协调其单位本周返回。",
    "涉及外地调取银行流水，对方尚未回复，已二次发函催办。",
    "证人身体原因暂不能谈话，已申请延长并报分管领导。",
]
STEPS = ["下周完成谈话并形成情况报告。", "跟进调取材料，按期报送初核报告。", "提请审理室提前介入把关。"]
LATE_UNITS = {"jg.4", "tw.yihewusu"}  # submitted on Monday: shown as late
MISSING_UNITS = {"tw.duguitala"}  # never submitted: red
THIS_WEEK_DONE = {"tw.xini", "tw.balagong", "office.trial", "jg.3"}
THIS_WEEK_DRAFT = {"jg.2"}


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), LOCAL_TZ).astimezone(dt.UTC)


async def _fill(db: Database, app: web.Application, username: str, week_day: dt.date, at: dt.datetime, *, submit: bool) -> None:
    translate = app[CATALOGS].get("zh_CN").gettext
    async with db.transaction() as s:
        actor = await staff_actor_named(s, username)
        assert actor is not None
        report = await friday.start(s, app[POLICY], actor, week_of(week_day), min(at, _at(week_day, 9)), translate)
        if report.status is ReportStatus.SUBMITTED:
            return
        given = {}
        day = at.astimezone(LOCAL_TZ).date()
        for i, entry in enumerate(await friday.entries(s, report.id)):
            red = entry.due_date is not None and entry.due_date < day  # red on the day it is saved
            given[entry.id] = friday.EntryIn(
                progress=entry.progress,
                next_steps=STEPS[i % len(STEPS)],
                needs_coordination=red and i % 2 == 0,
                reason=REASONS[i % len(REASONS)] if red else "",
            )
        await friday.save(s, actor, report, given, submit=submit, now=at)


async def load_demo(app: web.Application, now: dt.datetime) -> dict[str, int]:
    db = app[DB]
    today = now.astimezone(LOCAL_TZ).date()
    this_week = week_of(today)
    last = this_week.previous()
    async with db.transaction(write=False) as s:
        units = await friday.reporting_units(s)
        first_user = {}
        for unit in units:
            name = await s.scalar(
                select(User.username)
                .where(User.org_unit_id == unit.id, User.disabled.is_(False))
                .order_by(User.username)
                .limit(1)
            )
            if name is not None:
                first_user[unit.code] = name
    done = 0
    for unit in units:
        user = first_user.get(unit.code)
        if user is None or unit.code in MISSING_UNITS:
            continue
        when = _at(last.next_monday, 9) if unit.code in LATE_UNITS else _at(last.friday, 16)
        await _fill(db, app, user, last.friday, when, submit=True)
        done += 1
    async with db.transaction() as s:
        tracker = await staff_actor_named(s, "tracking1")
        assert tracker is not None
        report = await monday.compile_report(s, app[POLICY], tracker, last, _at(last.next_monday, 8), last.next_monday)
        await monday.approve(
            s,
            tracker,
            report,
            "本周红色事项均已讲清原因；第四联查联审组、伊和乌素苏木纪委逾期提交周报，独贵塔拉镇纪委未报，已电话督促。",
            _at(last.next_monday, 9),
        )
    for unit in units:
        user = first_user.get(unit.code)
        if user is None or unit.code not in THIS_WEEK_DONE | THIS_WEEK_DRAFT:
            continue
        at = min(now, _at(this_week.monday + dt.timedelta(days=min(today.weekday(), 4)), 9))
        await _fill(db, app, user, this_week.monday, at, submit=unit.code in THIS_WEEK_DONE and today.weekday() >= 4)
    # 督办: the red matters get their notices; the deputy over the most overdue one has answered it
    answered = 0
    async with db.transaction() as s:
        raised = await supervision.raise_notices(s, today, _at(today, 7))
        first = await s.scalar(
            select(SuperviseNotice)
            .where(SuperviseNotice.deputy_id.is_not(None))
            .order_by(SuperviseNotice.due_date, SuperviseNotice.id)
            .limit(1)
        )
        if first is not None:
            deputy = await s.scalar(select(User.username).where(User.id == first.deputy_id))
            actor = await staff_actor_named(s, deputy) if deputy is not None else None
            if actor is not None:
                text = "已约谈承办组组长，要求本周五前报送初核报告；逾期原因系关键证人外出务工，已协调当地党委配合。"
                await supervision.answer(s, actor, first, text, first.version, min(now, _at(today, 8)))
                answered = 1
    return {"last_week_reports": done, "monday_reports": 1, "supervise_notices": raised, "answered_notices": answered}
