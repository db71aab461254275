"""The published rotation for everyone: a public page, a printable sheet for the notice board, iCalendar feeds."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import select

from hub.auth.interface import User
from hub.clock import LOCAL_TZ
from hub.http.context import db_of, now_of
from hub.http.validation import int_param
from hub.schedule import ical, rotations
from hub.schedule.rotations import DutyView

routes = web.RouteTableDef()
HORIZON = dt.timedelta(days=62)  # what the public page shows ahead


def by_day(duties: list[DutyView]) -> list[tuple[dt.date, list[DutyView]]]:
    return [(day, list(items)) for day, items in groupby(duties, key=lambda d: d.day)]


async def published_context(request: web.Request, *, days: dt.timedelta = HORIZON) -> dict[str, Any]:
    today = now_of(request).astimezone(LOCAL_TZ).date()
    async with db_of(request).transaction(write=False) as s:
        duties = await rotations.duties(start=today, end=today + days, published_only=True, session=s)
        published = await rotations.published_rotations(s, today)
        changes = await rotations.changes(s, [r.id for r in published])
    return {"days": by_day(duties), "rotations": published, "changes": changes, "today": today, "now": now_of(request)}


@routes.get("/reception")
@aiohttp_jinja2.template("public/reception.html")
async def public_page(request: web.Request) -> dict[str, Any]:
    return await published_context(request)


@routes.get("/reception/print")
@aiohttp_jinja2.template("public/reception_print.html")
async def print_sheet(request: web.Request) -> dict[str, Any]:
    return await published_context(request)


def _ics(body: bytes, filename: str) -> web.Response:
    return web.Response(
        body=body,
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "public, max-age=300",
        },
    )


@routes.get("/reception/calendar.ics")
async def roster_feed(request: web.Request) -> web.Response:
    now = now_of(request)
    today = now.astimezone(LOCAL_TZ).date()
    async with db_of(request).transaction(write=False) as s:
        duties = await rotations.duties(s, start=today - dt.timedelta(days=31), published_only=True)
    return _ics(
        ical.feed(duties, name="领导干部轮流接访日程", host=request.host.split(":")[0] or "hub", now=now), "reception.ics"
    )


@routes.get("/reception/officials/{id}.ics")
async def official_feed(request: web.Request) -> web.Response:
    user_id = int_param(request, "id")
    now = now_of(request)
    today = now.astimezone(LOCAL_TZ).date()
    async with db_of(request).transaction(write=False) as s:
        name = await s.scalar(select(User.display_name).where(User.id == user_id))
        duties = await rotations.duties(s, start=today - dt.timedelta(days=31), published_only=True, user_id=user_id)
    if name is None or not duties:
        raise web.HTTPNotFound()
    return _ics(
        ical.feed(duties, name=f"接访日程：{name}", host=request.host.split(":")[0] or "hub", now=now), f"reception-{user_id}.ics"
    )


def duty_json(duty: DutyView) -> dict[str, object]:
    return {
        "id": duty.id,
        "day": duty.day.isoformat(),
        "official": {"id": duty.user_id, "name": duty.name, "kind": duty.kind.value if duty.kind else None},
        "slots": [
            {
                "id": s.id,
                "starts_at": s.starts_at.isoformat(),
                "ends_at": s.ends_at.isoformat(),
                "capacity": s.capacity,
                "free": s.free,
            }
            for s in duty.slots
        ],
    }


@routes.get("/api/v1/reception")
async def published_api(request: web.Request) -> web.Response:
    """The published rotation as JSON (public, like the page): duties with their slots and free places."""
    context = await published_context(request)
    return web.json_response(
        {
            "duties": [duty_json(d) for _day, duties in context["days"] for d in duties],
            "changes": [
                {"at": c.at.isoformat(), "day": c.day.isoformat(), "zh": c.summary_zh, "en": c.summary_en}
                for c in context["changes"]
            ],
        }
    )
