"""The administrator's page of the holiday table (holidays and 调休 make-up working days), one year at a time, and the
to-do item that says, clearly, when next year's table is still missing."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import extract, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases import holidays
from hub.cases.models import DayKind, HolidayDay
from hub.cases.views.admin import CHANGE
from hub.clock import to_local
from hub.http.keys import TodoItem
from hub.http.views import Call, Routes
from hub.i18n import N_

routes = Routes()
DAY_LABELS: dict[Enum, str] = {DayKind.HOLIDAY: N_("Holiday"), DayKind.MAKEUP_WORKDAY: N_("Make-up working day (调休)")}
WARN_FROM_MONTH = 10  # the 国务院办公厅 notice comes around November: from October on, a missing next year is said


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
    "/admin/holidays", permission=CHANGE, template="cases/holidays.html",
    summary="The holiday table of one year (?year=), for the administrator to add and edit.",
)  # fmt: skip
async def holidays_page(call: Call[None]) -> dict[str, Any]:
    year = _year(call)
    rows = (
        await call.db.scalars(select(HolidayDay).where(extract("year", HolidayDay.day) == year).order_by(HolidayDay.day))
    ).all()
    calendar = await holidays.load(call.db)
    return {
        "year": year,
        "rows": rows,
        "covered": year in calendar.covered_years,
        "next_missing": call.today.year + 1 not in calendar.covered_years,
        "next_year": call.today.year + 1,
        "kinds": list(DayKind),
        "error": call.query("error"),
    }


@routes.post(
    "/admin/holidays", permission=CHANGE, form=DayForm, back="/admin/holidays",
    summary="Set, change or clear one day of the holiday table.",
)  # fmt: skip
async def holidays_form(call: Call[DayForm]) -> str:
    body = call.body
    await holidays.set_day(call.db, call.actor.audit, body.day, body.kind, body.note.strip(), call.now)
    return f"/admin/holidays?year={body.day.year}"


async def holiday_todos(app: web.Application, s: AsyncSession, actor: Actor, now: dt.datetime) -> list[TodoItem]:
    """For administrators: next year's holidays are missing (deadlines there would count weekends only)."""
    if not actor.is_admin:
        return []
    today = to_local(now).date()
    if today.month < WARN_FROM_MONTH:
        return []
    calendar = await holidays.load(s)
    if today.year + 1 in calendar.covered_years:
        return []
    return [
        TodoItem(
            N_("Next year's holiday and 调休 table is missing: add it from the State Council notice"),
            1,
            f"/admin/holidays?year={today.year + 1}",
            urgent=True,
            order=5,
        )
    ]
