"""The published rotation for everyone: a public page, a printable sheet for the notice board, iCalendar feeds, JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub.auth.interface import User
from hub.http.views import Call, Routes, Who
from hub.schedule import ical, rotations
from hub.schedule.rotations import DutyView
from hub.schedule.views.shared import by_day

routes = Routes()
HORIZON = dt.timedelta(days=62)  # what the public page shows ahead
FEED_PAST = dt.timedelta(days=31)  # what a calendar feed keeps of the past


async def _published(call: Call[Any]) -> dict[str, Any]:
    s, today = call.db, call.today
    published = await rotations.published_rotations(s, today)
    return {
        "days": by_day(await rotations.duties(s, start=today, end=today + HORIZON, published_only=True)),
        "rotations": published,
        "changes": await rotations.changes(s, [r.id for r in published]),
        "today": today,
        "now": call.now,
    }


@routes.get("/reception", who=Who.ANYONE, template="public/reception.html", summary="The published rotation.")
async def public_page(call: Call[None]) -> dict[str, Any]:
    return await _published(call)


@routes.get("/reception/print", who=Who.ANYONE, template="public/reception_print.html", summary="The sheet to post.")
async def print_sheet(call: Call[None]) -> dict[str, Any]:
    return await _published(call)


def _ics(call: Call[Any], duties: list[DutyView], name: str, filename: str) -> web.Response:
    return web.Response(
        body=ical.feed(duties, name=name, host=call.request.host.split(":")[0] or "hub", now=call.now),
        headers={
            "Content-Type": "text/calendar; charset=utf-8",
            "Content-Disposition": f'inline; filename="{filename}"',
            "Cache-Control": "public, max-age=300",
        },
    )


@routes.get("/reception/calendar.ics", who=Who.ANYONE, summary="Every published duty as an iCalendar feed.")
async def roster_feed(call: Call[None]) -> web.Response:
    duties = await rotations.duties(call.db, start=call.today - FEED_PAST, published_only=True)
    return _ics(call, duties, "领导干部轮流接访日程", "reception.ics")


@routes.get("/reception/officials/{id}.ics", who=Who.ANYONE, summary="One official's published duties (iCalendar).")
async def official_feed(call: Call[None]) -> web.Response:
    user_id = call.int("id")
    name = await call.db.scalar(select(User.display_name).where(User.id == user_id))
    duties = await rotations.duties(call.db, start=call.today - FEED_PAST, published_only=True, user_id=user_id)
    if name is None or not duties:
        raise web.HTTPNotFound()
    return _ics(call, duties, f"接访日程：{name}", f"reception-{user_id}.ics")


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


@routes.get("/api/v1/reception", who=Who.ANYONE, summary="The published rotation as JSON: duties, free places, changes.")
async def published_api(call: Call[None]) -> web.Response:
    context = await _published(call)
    return web.json_response(
        {
            "duties": [duty_json(d) for _day, duties in context["days"] for d in duties],
            "changes": [
                {"at": c.at.isoformat(), "day": c.day.isoformat(), "zh": c.summary_zh, "en": c.summary_en}
                for c in context["changes"]
            ],
        }
    )
