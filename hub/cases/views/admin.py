"""Administrators change the time limits and the holiday table (they see no case content)."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import extract, select

from hub import audit
from hub.cases import holidays, recount
from hub.cases.clocks import effective_limits
from hub.cases.limits import BY_KEY
from hub.cases.models import DayKind, HolidayDay, TimeLimit
from hub.cases.workdays import PeriodUnit
from hub.errors import Invalid, NotFound
from hub.http.views import Call, Permission, Routes

routes = Routes()
CHANGE = Permission("change", "case_settings", key=None)


class LimitIn(BaseModel):
    amount: int = Field(ge=1, le=3650)
    unit: PeriodUnit
    extension_amount: int = Field(0, ge=0, le=3650)
    max_extensions: int = Field(0, ge=0, le=20)


class DayIn(BaseModel):
    kind: DayKind | None  # None removes the day
    note: str = Field("", max_length=200)


@routes.get("/api/v1/cases/limits", summary="The time limits in force, with their defaults.")
async def limits_get(call: Call[None]) -> web.Response:
    limits = await effective_limits(call.db)
    return web.json_response(
        {
            "items": [
                {
                    "key": lim.key,
                    "amount": lim.amount,
                    "unit": lim.unit.value,
                    "extension_amount": lim.extension_amount,
                    "max_extensions": lim.max_extensions,
                    "label": lim.label,
                    "rule": lim.rule,
                    "default": {"amount": BY_KEY[lim.key].amount, "unit": BY_KEY[lim.key].unit.value},
                }
                for lim in limits.values()
            ]
        }
    )


@routes.put("/api/v1/cases/limits/{key}", permission=CHANGE, body=LimitIn, summary="Change one time limit.")
async def limits_put(call: Call[LimitIn]) -> web.Response:
    key, body, s = call.request.match_info["key"], call.body, call.db
    if key not in BY_KEY:
        raise NotFound("time limit")
    row = await s.get(TimeLimit, key)
    if row is None:
        row = TimeLimit(key=key)
        s.add(row)
    row.amount, row.unit = body.amount, body.unit.value
    row.extension_amount, row.max_extensions = body.extension_amount, body.max_extensions
    row.updated_at, row.updated_by = call.now, call.actor.user_id
    await s.flush()
    await audit.record(s, call.actor.audit, "time_limit.set", "time_limit", key, body.model_dump(mode="json"), at=call.now)
    return web.json_response({"key": key, **body.model_dump(mode="json")})


@routes.get("/api/v1/cases/holidays", summary="One year of the holiday table (holidays and 调休 make-up days).")
async def holidays_get(call: Call[None]) -> web.Response:
    raw = call.query("year", str(call.now.year))
    if not (raw.isascii() and raw.isdigit()) or len(raw) != 4:  # isdigit alone takes "²", which int() refuses
        raise Invalid("invalid", "Some fields are not valid.", fields={"year": "A four-digit year."})
    stmt = select(HolidayDay).where(extract("year", HolidayDay.day) == int(raw)).order_by(HolidayDay.day)
    rows = (await call.db.scalars(stmt)).all()
    calendar = await holidays.load(call.db)
    return web.json_response(
        {
            "year": int(raw),
            "covered": int(raw) in calendar.covered_years,
            "items": [{"day": r.day.isoformat(), "kind": r.kind.value, "note": r.note} for r in rows],
        }
    )


@routes.put("/api/v1/cases/holidays/{day}", permission=CHANGE, body=DayIn, summary="Set or clear one day of the table.")
async def holidays_put(call: Call[DayIn]) -> web.Response:
    try:
        day = dt.date.fromisoformat(call.request.match_info["day"])
    except ValueError:
        raise Invalid("invalid", "Some fields are not valid.", fields={"day": "Must be a date (YYYY-MM-DD)."}) from None
    body = call.body
    before = await holidays.load(call.db)
    await holidays.set_day(call.db, call.actor.audit, day, body.kind, body.note, call.now)
    moved = await recount.after_holiday_change(call.db, before, day)
    kind = body.kind.value if body.kind else None
    return web.json_response({"day": day.isoformat(), "kind": kind, "note": body.note, "deadlines_recounted": moved})
