"""Kiosk mode: enrolment by one-time code, the start screen, and the heartbeat."""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy import select

from hub.errors import Invalid
from hub.http.context import actor_of, db_of, now_of, policy_of
from hub.http.validation import read_form, read_json
from hub.rooms import devices
from hub.rooms.client_page import client_config
from hub.rooms.device_actor import room_of, set_device_cookie
from hub.rooms.models import Room, RoomSession, SessionStatus

routes = web.RouteTableDef()

MAX_CODE_INPUT = 40


@routes.get("/kiosk/enrol")
@aiohttp_jinja2.template("kiosk/enrol.html")
async def enrol_page(request: web.Request) -> dict[str, Any]:
    return {"errors": {}, "enrolled_room": None}


@routes.post("/kiosk/enrol")
async def enrol_form(request: web.Request) -> web.StreamResponse:
    data = await read_form(request)
    typed = str(data.get("code", ""))[:MAX_CODE_INPUT]
    try:
        async with db_of(request).transaction() as s:
            enrolled = await devices.enrol(s, typed, now_of(request))
    except Invalid as exc:
        return aiohttp_jinja2.render_template(
            "kiosk/enrol.html", request, {"errors": exc.fields, "enrolled_room": None}, status=exc.status
        )
    response = web.Response(status=303, headers={"Location": "/kiosk"})
    set_device_cookie(request, response, enrolled.credential)
    return response


@routes.get("/kiosk")
async def kiosk_page(request: web.Request) -> web.StreamResponse:
    if room_of(actor_of(request)) is None:
        raise web.HTTPSeeOther("/kiosk/enrol")
    actor = actor_of(request)
    async with db_of(request).transaction(write=False) as s:
        room = await s.get(Room, room_of(actor))
    context = {
        "room": room,
        "kiosk": True,
        "config": client_config(request, mode="kiosk", session_id=None),
        "heartbeat_seconds": devices.HEARTBEAT_SECONDS,
    }
    response = aiohttp_jinja2.render_template("kiosk/kiosk.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


@routes.post("/kiosk/heartbeat")
async def heartbeat(request: web.Request) -> web.Response:
    """The kiosk says it is alive; the answer lists the open sessions of its room (a call it may join)."""
    actor = actor_of(request)
    room = room_of(actor)
    if room is None or actor.device_id is None:
        return web.json_response({"error": {"code": "device", "message": "not enrolled"}}, status=401)
    await read_json(request)  # the body carries nothing yet; reading it bounds its size
    now = now_of(request)
    policy = policy_of(request)
    async with db_of(request).transaction() as s:
        await devices.heartbeat(s, actor.device_id, now)
        open_sessions = (
            await s.scalars(
                select(RoomSession)
                .where(policy.where(actor, "join", RoomSession), RoomSession.status == SessionStatus.OPEN)
                .order_by(RoomSession.opened_at, RoomSession.id)
            )
        ).all()
    return web.json_response(
        {
            "sessions": [{"id": rs.id, "kind": rs.kind.value, "title": rs.title} for rs in open_sessions],
            "heartbeat_seconds": devices.HEARTBEAT_SECONDS,
        },
        headers={"Cache-Control": "no-store"},
    )
