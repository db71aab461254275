"""The holiday table's page (holidays and 调休 make-up working days), one year at a time: the system administrator edits
it, every other staff member reads it; and the to-do item that says, clearly, when next year's table is still missing
(to the system administrator, who enters it, and the case management office, which answers for the deadlines)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import extract, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases import holidays, recount
from hub.cases.keys import CASES, HOLIDAY_NOTICE
from hub.cases.models import DayKind, HolidayDay
from hub.cases.rules import CASE_SETTINGS
from hub.cases.views.admin import CHANGE
from hub.clock import to_local
from hub.http.keys import TodoItem
from hub.http.views import Call, Permission, Routes
from hub.i18n import N_
from hub.org.interface import OfficeCode

routes = Routes()
DAY_LABELS: dict[Enum, str] = {DayKind.HOLIDAY: N_("Holiday"), DayKind.MAKEUP_WORKDAY: N_("Make-up working day (调休)")}
READ = Permission("view", "case_settings", key=None)
NEXT_YEAR_MISSING = N_(
    "Next year's (%(year)s) holidays and make-up working days are not entered yet: deadlines are counted with ordinary weekends"
)


class DayForm(BaseModel):
    day: dt.date
    kind: DayKind | None = None  # left empty: the day is an ordinary one again
    note: str = Field("", max_length=200)

    @field_validator("kind", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return None if value == "" else value


def _year(call: Call[Any]) -> int:
    raw = call.query("year")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else call.today.year


@routes.get(
    "/admin/holidays", permission=READ, template="cases/holidays.html",
    summary="The holiday table of one year (?year=): the administrator adds and edits, other staff read.",
)  # fmt: skip
async def holidays_page(call: Call[None]) -> dict[str, Any]:
    year = _year(call)
    rows = (
        await call.db.scalars(select(HolidayDay).where(extract("year", HolidayDay.day) == year).order_by(HolidayDay.day))
    ).all()
    entered = await holidays.entered_years(call.db)
    return {
        "year": year,
        "rows": rows,
        "entered": year in entered,
        "full_year": holidays.FULL_YEAR,
        "holiday_count": sum(1 for r in rows if r.kind is DayKind.HOLIDAY),
        "next_missing": holidays.missing_next_year(entered, call.today),
        "next_year_missing": NEXT_YEAR_MISSING,
        "may_change": call.app[CASES].policy.may(call.actor, "change", CASE_SETTINGS),
        "kinds": list(DayKind),
        "error": call.query("error"),
        "recounted": int(raw) if (raw := call.query("recounted")).isascii() and raw.isdigit() and len(raw) < 7 else 0,
    }


@routes.post(
    "/admin/holidays", permission=CHANGE, form=DayForm, back="/admin/holidays",
    summary="Set, change or clear one day of the holiday table.",
)  # fmt: skip
async def holidays_form(call: Call[DayForm]) -> str:
    body = call.body
    before = await holidays.load(call.db)
    await holidays.set_day(call.db, call.actor.audit, body.day, body.kind, body.note.strip(), call.now)
    moved = await recount.after_holiday_change(call.db, before, body.day)
    return f"/admin/holidays?year={body.day.year}" + (f"&recounted={moved}" if moved else "")


async def holiday_todos(app: web.Application, s: AsyncSession, actor: Actor, now: dt.datetime) -> list[TodoItem]:
    """For the system administrator and the case management office: next year's table is missing."""
    if not (actor.is_system_admin or app[CASES].offices.office_of(actor) is OfficeCode.CASE_MANAGEMENT):
        return []
    today = to_local(now).date()
    if (today.month, today.day) < holidays.WARN_FROM:
        return []  # before November the table is not awaited: no query
    year = app[HOLIDAY_NOTICE].check(await holidays.entered_years(s), today)
    if year is None:
        return []
    return [TodoItem(NEXT_YEAR_MISSING, 1, f"/admin/holidays?year={year}", urgent=True, order=5, params={"year": year})]
