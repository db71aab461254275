"""Administrators change the time limits and the holiday table (they see no case content)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import extract, select

from hub import audit
from hub.cases import holidays
from hub.cases.clocks import effective_limits
from hub.cases.limits import BY_KEY
from hub.cases.models import DayKind, HolidayDay, TimeLimit
from hub.cases.workdays import PeriodUnit
from hub.errors import Forbidden, Invalid, NotFound
from hub.http.context import db_of, now_of, require_staff
from hub.http.validation import parse_json

routes = web.RouteTableDef()


class LimitIn(BaseModel):
    amount: int = Field(ge=1, le=3650)
    unit: PeriodUnit
    extension_amount: int = Field(0, ge=0, le=3650)
    max_extensions: int = Field(0, ge=0, le=20)


class DayIn(BaseModel):
    kind: DayKind | None  # None removes the day
    note: str = Field("", max_length=200)


def _admin_or_leader(request: web.Request, *, write: bool) -> Any:
    actor = require_staff(request)
    if not (actor.is_admin or (actor.is_main_leader and not write)):
        raise Forbidden("not_allowed", "Only administrators change time limits and holidays.")
    return actor


@routes.get("/api/v1/cases/limits")
async def limits_get(request: web.Request) -> web.Response:
    require_staff(request)
    async with db_of(request).transaction(write=False) as s:
        limits = await effective_limits(s)
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


@routes.put("/api/v1/cases/limits/{key}")
async def limits_put(request: web.Request) -> web.Response:
    actor = _admin_or_leader(request, write=True)
    key = request.match_info["key"]
    if key not in BY_KEY:
        raise NotFound("time limit")
    body = await parse_json(request, LimitIn)
    now = now_of(request)
    async with db_of(request).transaction() as s:
        row = await s.get(TimeLimit, key)
        if row is None:
            row = TimeLimit(key=key)
            s.add(row)
        row.amount, row.unit = body.amount, body.unit.value
        row.extension_amount, row.max_extensions = body.extension_amount, body.max_extensions
        row.updated_at, row.updated_by = now, actor.user_id
        await s.flush()
        await audit.record(s, actor.audit, "time_limit.set", "time_limit", key, body.model_dump(mode="json"), at=now)
    return web.json_response({"key": key, **body.model_dump(mode="json")})


@routes.get("/api/v1/cases/holidays")
async def holidays_get(request: web.Request) -> web.Response:
    require_staff(request)
    raw = request.query.get("year", str(now_of(request).year))
    if not raw.isdigit() or len(raw) != 4:
        raise Invalid("invalid", "Some fields are not valid.", fields={"year": "A four-digit year."})
    async with db_of(request).transaction(write=False) as s:
        rows = (
            await s.scalars(select(HolidayDay).where(extract("year", HolidayDay.day) == int(raw)).order_by(HolidayDay.day))
        ).all()
        calendar = await holidays.load(s)
    return web.json_response(
        {
            "year": int(raw),
            "covered": int(raw) in calendar.covered_years,
            "items": [{"day": r.day.isoformat(), "kind": r.kind.value, "note": r.note} for r in rows],
        }
    )


@routes.put("/api/v1/cases/holidays/{day}")
async def holidays_put(request: web.Request) -> web.Response:
    actor = _admin_or_leader(request, write=True)
    try:
        day = dt.date.fromisoformat(request.match_info["day"])
    except ValueError:
        raise Invalid("invalid", "Some fields are not valid.", fields={"day": "Must be a date (YYYY-MM-DD)."}) from None
    body = await parse_json(request, DayIn)
    async with db_of(request).transaction() as s:
        await holidays.set_day(s, actor.audit, day, body.kind, body.note, now_of(request))
    return web.json_response({"day": day.isoformat(), "kind": body.kind.value if body.kind else None, "note": body.note})
