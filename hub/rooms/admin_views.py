"""Rooms and devices: the administrator registers rooms, issues enrolment codes and revokes devices; staff see who is online."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.errors import Conflict, Invalid, NotFound
from hub.http.context import db_of, now_of, policy_of, require_staff
from hub.http.validation import int_param, parse_json, read_form, validate
from hub.i18n import N_
from hub.org.interface import OrgUnit, UnitKind
from hub.rooms import devices
from hub.rooms.live_calls import LIVE_CALLS
from hub.rooms.models import TOWNSHIP_KINDS, Device, Room, RoomKind

routes = web.RouteTableDef()


class RoomCreate(BaseModel):
    kind: RoomKind
    code: str = Field(min_length=1, max_length=60, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name_zh: str = Field(min_length=1, max_length=120)
    name_en: str = Field("", max_length=160)
    township_id: int | None = None


class CodeRequest(BaseModel):
    label: str = Field("", max_length=120)


class Revoke(BaseModel):
    version: int


def device_json(device: Device, room: Room, now: Any) -> dict[str, Any]:
    return {
        "id": device.id,
        "room_id": room.id,
        "room_code": room.code,
        "township_id": room.township_id,
        "label": device.label,
        "status": devices.status_of(device, now).value,
        "online": devices.is_online(device, now),
        "last_seen_at": device.last_seen_at.isoformat() if device.last_seen_at else None,
        "version": device.version,
    }


async def _context(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    policy = policy_of(request)
    now = now_of(request)
    async with db_of(request).transaction(write=False) as s:
        rooms = (await s.scalars(select(Room).where(policy.where(actor, "view", Room)).order_by(Room.kind, Room.code))).all()
        townships = (await s.scalars(select(OrgUnit).where(OrgUnit.kind == UnitKind.TOWNSHIP).order_by(OrgUnit.code))).all()
        found = await devices.list_devices(s) if policy.may(actor, "view", Device()) else []
    by_room: dict[int, list[Device]] = {}
    for device, room in found:
        by_room.setdefault(room.id, []).append(device)
    return {
        "rooms": rooms,
        "townships": {t.id: t for t in townships},
        "devices": by_room,
        "status_of": lambda d: devices.status_of(d, now),
        "online": lambda d: devices.is_online(d, now),
        "kinds": list(RoomKind),
        "may_manage_rooms": policy.may(actor, "create", Room()),
        "may_manage_devices": policy.may(actor, "create", Device()),
        "issued": None,
        "errors": {},
        "form": {},
    }


@routes.get("/rooms")
@aiohttp_jinja2.template("rooms/rooms.html")
async def rooms_page(request: web.Request) -> dict[str, Any]:
    return await _context(request)


async def create_room(request: web.Request, body: RoomCreate) -> Room:
    actor = require_staff(request)
    policy_of(request).require(actor, "create", Room(), hide=False)
    if (body.kind in TOWNSHIP_KINDS) != (body.township_id is not None):
        raise Invalid(
            "township",
            "A township room needs its township; a county room has none.",
            fields={"township_id": N_("A township room needs its township; a county room has none.")},
        )
    now = now_of(request)
    async with db_of(request).transaction() as s:
        if body.township_id is not None:
            township = await s.get(OrgUnit, body.township_id)
            if township is None or township.kind is not UnitKind.TOWNSHIP:
                raise Invalid("township", "No such township.", fields={"township_id": N_("No such township.")})
        if await s.scalar(select(Room.id).where(Room.code == body.code)) is not None:
            raise Conflict("duplicate_code", "A room with this code exists.")
        room = Room(**body.model_dump(), active=True)
        s.add(room)
        await s.flush()
        await audit.record(s, actor.audit, "room.created", "room", room.id, body.model_dump(mode="json"), at=now)
    return room


@routes.post("/rooms")
async def create_room_form(request: web.Request) -> web.StreamResponse:
    data = await read_form(request)
    data.pop("csrf_token", None)
    if data.get("township_id") == "":
        data["township_id"] = None
    try:
        await create_room(request, validate(RoomCreate, data))
    except (Invalid, Conflict) as exc:
        context = {**await _context(request), "errors": exc.fields or {"form": exc.message}, "form": data}
        return aiohttp_jinja2.render_template("rooms/rooms.html", request, context, status=exc.status)
    raise web.HTTPSeeOther("/rooms")


async def _issue(request: web.Request, label: str) -> devices.IssuedCode:
    actor = require_staff(request)
    policy_of(request).require(actor, "create", Device(), hide=False)
    room_id = int_param(request, "id")
    async with db_of(request).transaction() as s:
        room = await s.get(Room, room_id)
        if room is None:
            raise NotFound("room")
        return await devices.issue_enrolment_code(s, actor.audit, room, label, now_of(request))


@routes.post("/rooms/{id}/devices")
async def issue_code_form(request: web.Request) -> web.StreamResponse:
    data = await read_form(request)
    issued = await _issue(request, validate(CodeRequest, {"label": data.get("label", "")}).label)
    # The code is shown once, on this response; only its hash is kept.
    context = {**await _context(request), "issued": {"code": devices.format_code(issued.code), "device": issued.device}}
    response = aiohttp_jinja2.render_template("rooms/rooms.html", request, context)
    response.headers["Cache-Control"] = "no-store"
    return response


async def _revoke(request: web.Request, version: int) -> Device:
    actor = require_staff(request)
    policy_of(request).require(actor, "revoke", Device(), hide=False)
    async with db_of(request).transaction() as s:
        device = await devices.revoke(s, actor.audit, int_param(request, "id"), version, now_of(request))
    await _hang_up_device(request.app, device.id)
    return device


async def _hang_up_device(app: web.Application, device_id: int) -> None:
    """A revoked device leaves any call it is in at once (its cookie already matches nothing)."""
    calls = app.get(LIVE_CALLS)
    if calls is not None:
        for room in list(calls.rooms):
            await calls.remove_participant(room, f"device-{device_id}", "revoked")


@routes.post("/rooms/devices/{id}/revoke")
async def revoke_form(request: web.Request) -> web.StreamResponse:
    data = await read_form(request)
    await _revoke(request, validate(Revoke, {"version": data.get("version")}).version)
    raise web.HTTPSeeOther("/rooms")


# ---- JSON ------------------------------------------------------------------------------------


@routes.get("/api/v1/devices")
async def devices_api(request: web.Request) -> web.Response:
    actor = require_staff(request)
    policy_of(request).require(actor, "view", Device(), hide=False)
    now = now_of(request)
    async with db_of(request).transaction(write=False) as s:
        found = await devices.list_devices(s)
    return web.json_response({"devices": [device_json(d, r, now) for d, r in found]})


@routes.post("/api/v1/rooms")
async def create_room_api(request: web.Request) -> web.Response:
    room = await create_room(request, await parse_json(request, RoomCreate))
    return web.json_response({"id": room.id, "code": room.code}, status=201)


@routes.post("/api/v1/rooms/{id}/devices")
async def issue_code_api(request: web.Request) -> web.Response:
    issued = await _issue(request, (await parse_json(request, CodeRequest)).label)
    return web.json_response(
        {
            "device_id": issued.device.id,
            "code": devices.format_code(issued.code),
            "expires_at": issued.device.enrolment_expires_at.isoformat() if issued.device.enrolment_expires_at else None,
        },
        status=201,
        headers={"Cache-Control": "no-store"},
    )


@routes.post("/api/v1/devices/{id}/revoke")
async def revoke_api(request: web.Request) -> web.Response:
    device = await _revoke(request, (await parse_json(request, Revoke)).version)
    return web.json_response({"id": device.id, "status": "revoked", "version": device.version})


def room_json(room: Room) -> dict[str, Any]:
    return {
        "id": room.id,
        "kind": room.kind.value,
        "code": room.code,
        "name_zh": room.name_zh,
        "name_en": room.name_en,
        "township_id": room.township_id,
        "active": room.active,
    }


@routes.get("/api/v1/rooms")
async def api_rooms(request: web.Request) -> web.Response:
    actor = require_staff(request)
    policy = policy_of(request)
    async with db_of(request).transaction(write=False) as s:
        rooms = (await s.scalars(select(Room).where(policy.where(actor, "view", Room)).order_by(Room.code))).all()
    return web.json_response({"items": [room_json(r) for r in rooms]})


def org_page_rooms(policy: Policy) -> Callable[[AsyncSession, Actor], Awaitable[dict[str, Any]]]:
    """The rooms section of the organisation page (``hub.org`` asks the parts above it for their sections)."""

    async def rooms(s: AsyncSession, actor: Actor) -> dict[str, Any]:
        stmt = select(Room).where(policy.where(actor, "view", Room)).order_by(Room.kind, Room.code)
        return {"rooms": list((await s.scalars(stmt)).all())}

    return rooms
