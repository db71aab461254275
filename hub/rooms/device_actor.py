"""Turn an enrolled device's cookie into the acting `Actor` (registered in `app[ACTOR_RESOLVERS]`)."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from hub.access.actor import Actor
from hub.http.context import cookie_name
from hub.http.keys import DB, SETTINGS
from hub.rooms import devices

COOKIE = "hub_device"
COOKIE_MAX_AGE = 5 * 365 * 24 * 3600  # a kiosk is enrolled once; the admin revokes it, not the calendar


@dataclass(frozen=True)
class DeviceActor(Actor):
    """A kiosk actor that also knows its room (the access rules of room sessions need it)."""

    room_id: int | None = None


def room_of(actor: Actor) -> int | None:
    return actor.room_id if isinstance(actor, DeviceActor) and actor.kind == "kiosk" else None


async def resolve_device(request: web.Request) -> Actor | None:
    credential = request.cookies.get(cookie_name(request, COOKIE), "")
    if not credential:
        return None
    async with request.app[DB].transaction(write=False) as s:
        found = await devices.authenticate(s, credential)
    if found is None:
        return None
    device, room = found
    return DeviceActor(
        kind="kiosk",
        device_id=device.id,
        township_id=room.township_id,
        room_id=room.id,
        display_name=room.name_zh,
    )


def set_device_cookie(request: web.Request, response: web.StreamResponse, credential: str) -> None:
    response.set_cookie(
        cookie_name(request, COOKIE),
        credential,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Strict",
        secure=request.app[SETTINGS].secure_cookies,
        path="/",
    )
