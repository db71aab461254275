"""Kiosk mode: enrolment by one-time code, the start screen, and the heartbeat.

Enrolment is open to any browser. The start screen and the heartbeat answer only an enrolled device of a room, and
anyone else the way a kiosk's browser needs (the start screen sends it to enrolment, the heartbeat says 401, "not
enrolled", which the kiosk's script takes as the sign to enrol again), a signed-in staff member included: so they are
declared for anyone and refuse by themselves, where ``Who.KIOSK`` would answer staff 403 and strangers with sign-in.
"""

from __future__ import annotations

from typing import Annotated, Any

from aiohttp import web
from pydantic import BaseModel, BeforeValidator
from sqlalchemy import select

from hub.errors import Invalid
from hub.http.keys import POLICY
from hub.http.views import Call, Routes, Who
from hub.rooms import devices
from hub.rooms.client_page import client_config
from hub.rooms.device_actor import room_of, set_device_cookie
from hub.rooms.models import Room, RoomSession, SessionStatus
from hub.rooms.pages import form_again, page

routes = Routes()

MAX_CODE_INPUT = 40


class EnrolForm(BaseModel):
    # whatever was typed, cut short: a wrong or overlong code is the enrolment's "not valid", not a field lesson
    code: Annotated[str, BeforeValidator(lambda typed: str(typed)[:MAX_CODE_INPUT])] = ""


async def _enrol_context(call: Call[Any]) -> dict[str, Any]:
    return {"errors": {}, "enrolled_room": None}


@routes.get("/kiosk/enrol", who=Who.ANYONE, tx=False, template="kiosk/enrol.html", summary="Enrol this terminal.")
async def enrol_page(call: Call[None]) -> dict[str, Any]:
    return await _enrol_context(call)


@routes.post(
    "/kiosk/enrol",
    who=Who.ANYONE,
    form=EnrolForm,
    back_on=(Invalid,),
    again=form_again("kiosk/enrol.html", _enrol_context, refill=False),
    summary="Trade a one-time enrolment code for the device's credential (an HttpOnly cookie).",
)
async def enrol_form(call: Call[EnrolForm]) -> web.Response:
    enrolled = await devices.enrol(call.db, call.body.code, call.now)
    response = web.Response(status=303, headers={"Location": "/kiosk"})
    set_device_cookie(call.request, response, enrolled.credential)
    return response


@routes.get("/kiosk", who=Who.ANYONE, summary="The kiosk's start screen (anyone else is sent to enrolment).")
async def kiosk_page(call: Call[None]) -> web.StreamResponse | str:
    room_id = room_of(call.actor)
    if room_id is None:
        return "/kiosk/enrol"
    context = {
        "room": await call.db.get(Room, room_id),
        "kiosk": True,
        "config": client_config(call.request, mode="kiosk", session_id=None),
        "heartbeat_seconds": devices.HEARTBEAT_SECONDS,
    }
    return page(call, "kiosk/kiosk.html", context, no_store=True)


@routes.post("/kiosk/heartbeat", who=Who.ANYONE, summary="The kiosk is alive; the open sessions of its room.")
async def heartbeat(call: Call[None]) -> web.Response:
    """The kiosk says it is alive; the answer lists the open sessions of its room (a call it may join). The body
    carries nothing yet, so it is not read."""
    actor = call.actor
    if room_of(actor) is None or actor.device_id is None:
        return web.json_response({"error": {"code": "device", "message": "not enrolled"}}, status=401)
    await devices.heartbeat(call.db, actor.device_id, call.now)
    open_sessions = (
        await call.db.scalars(
            select(RoomSession)
            .where(call.app[POLICY].where(actor, "join", RoomSession), RoomSession.status == SessionStatus.OPEN)
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
