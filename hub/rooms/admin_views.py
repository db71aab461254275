"""Rooms and devices: the administrator registers rooms, issues enrolment codes and revokes devices; staff see who is online."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.errors import Conflict, Invalid
from hub.http.keys import POLICY
from hub.http.views import Call, Routes, in_transaction
from hub.i18n import N_
from hub.org.interface import OrgUnit, UnitKind
from hub.rooms import devices
from hub.rooms.live_calls import LIVE_CALLS
from hub.rooms.models import TOWNSHIP_KINDS, Device, Room, RoomKind
from hub.rooms.pages import form_again, page

routes = Routes()


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


async def _rooms_context(call: Call[Any]) -> dict[str, Any]:
    actor, policy, now, s = call.actor, call.app[POLICY], call.now, call.db
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


@routes.get("/rooms", template="rooms/rooms.html", summary="Rooms and their devices, with who is online.")
async def rooms_page(call: Call[None]) -> dict[str, Any]:
    return await _rooms_context(call)


async def _create_room(call: Call[RoomCreate]) -> Room:
    """Only the administrator registers rooms (the room rule's "create")."""
    body, s = call.body, call.db
    call.app[POLICY].require(call.actor, "create", Room(), hide=False)
    if (body.kind in TOWNSHIP_KINDS) != (body.township_id is not None):
        raise Invalid(
            "township",
            "A township room needs its township; a county room has none.",
            fields={"township_id": N_("A township room needs its township; a county room has none.")},
        )
    if body.township_id is not None:
        township = await s.get(OrgUnit, body.township_id)
        if township is None or township.kind is not UnitKind.TOWNSHIP:
            raise Invalid("township", "No such township.", fields={"township_id": N_("No such township.")})
    if await s.scalar(select(Room.id).where(Room.code == body.code)) is not None:
        raise Conflict("duplicate_code", "A room with this code exists.")
    room = Room(**body.model_dump(), active=True)
    s.add(room)
    await s.flush()
    await audit.record(s, call.actor.audit, "room.created", "room", room.id, body.model_dump(mode="json"), at=call.now)
    return room


@routes.post("/rooms", form=RoomCreate, again=form_again("rooms/rooms.html", _rooms_context), summary="Register a room.")
async def create_room_form(call: Call[RoomCreate]) -> str:
    await _create_room(call)
    return "/rooms"


async def _issue(call: Call[CodeRequest]) -> devices.IssuedCode:
    """Enrolling is the device rule's "create": anyone else is refused before the room is looked up, so that the
    answer says nothing about which rooms exist."""
    policy = call.app[POLICY]
    policy.require(call.actor, "create", Device(), hide=False)
    room = await policy.load(call.db, call.actor, "room", call.int("id"))
    return await devices.issue_enrolment_code(call.db, call.actor.audit, room, call.body.label, call.now)


@routes.post("/rooms/{id}/devices", form=CodeRequest, summary="Issue a one-time enrolment code for a room's kiosk.")
async def issue_code_form(call: Call[CodeRequest]) -> web.Response:
    issued = await _issue(call)
    # The code is shown once, on this response; only its hash is kept.
    context = {**await _rooms_context(call), "issued": {"code": devices.format_code(issued.code), "device": issued.device}}
    return page(call, "rooms/rooms.html", context, no_store=True)


async def _revoke(call: Call[Revoke]) -> Device:
    """Revoking is the device rule's "revoke" (refused before the lookup, as enrolling); the device is hung up after
    the commit, so the view opens its unit itself."""
    call.app[POLICY].require(call.actor, "revoke", Device(), hide=False)

    async def work(s: AsyncSession) -> Device:
        return await devices.revoke(s, call.actor.audit, call.int("id"), call.body.version, call.now)

    device = await in_transaction(call.request, work)
    await _hang_up_device(call.app, device.id)
    return device


async def _hang_up_device(app: web.Application, device_id: int) -> None:
    """A revoked device leaves any call it is in at once (its cookie already matches nothing)."""
    calls = app.get(LIVE_CALLS)
    if calls is not None:
        for room in list(calls.rooms):
            await calls.remove_participant(room, f"device-{device_id}", "revoked")


@routes.post("/rooms/devices/{id}/revoke", form=Revoke, tx=False, summary="Revoke a device and hang it up.")
async def revoke_form(call: Call[Revoke]) -> str:
    await _revoke(call)
    return "/rooms"


# ---- JSON ------------------------------------------------------------------------------------


@routes.get("/api/v1/devices", summary="Every device with its room, status and whether it is online.")
async def devices_api(call: Call[None]) -> web.Response:
    call.app[POLICY].require(call.actor, "view", Device(), hide=False)
    found = await devices.list_devices(call.db)
    return web.json_response({"devices": [device_json(d, r, call.now) for d, r in found]})


@routes.post("/api/v1/rooms", body=RoomCreate, summary="Register a room.")
async def create_room_api(call: Call[RoomCreate]) -> web.Response:
    room = await _create_room(call)
    return web.json_response({"id": room.id, "code": room.code}, status=201)


@routes.post("/api/v1/rooms/{id}/devices", body=CodeRequest, summary="Issue a one-time enrolment code for a room's kiosk.")
async def issue_code_api(call: Call[CodeRequest]) -> web.Response:
    issued = await _issue(call)
    return web.json_response(
        {
            "device_id": issued.device.id,
            "code": devices.format_code(issued.code),
            "expires_at": issued.device.enrolment_expires_at.isoformat() if issued.device.enrolment_expires_at else None,
        },
        status=201,
        headers={"Cache-Control": "no-store"},
    )


@routes.post("/api/v1/devices/{id}/revoke", body=Revoke, tx=False, summary="Revoke a device and hang it up.")
async def revoke_api(call: Call[Revoke]) -> web.Response:
    device = await _revoke(call)
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


@routes.get("/api/v1/rooms", summary="The rooms, by code.")
async def api_rooms(call: Call[None]) -> web.Response:
    stmt = select(Room).where(call.app[POLICY].where(call.actor, "view", Room)).order_by(Room.code)
    return web.json_response({"items": [room_json(r) for r in (await call.db.scalars(stmt)).all()]})


def org_page_rooms(policy: Policy) -> Callable[[AsyncSession, Actor], Awaitable[dict[str, Any]]]:
    """The rooms section of the organisation page (``hub.org`` asks the parts above it for their sections)."""

    async def rooms(s: AsyncSession, actor: Actor) -> dict[str, Any]:
        stmt = select(Room).where(policy.where(actor, "view", Room)).order_by(Room.kind, Room.code)
        return {"rooms": list((await s.scalars(stmt)).all())}

    return rooms
