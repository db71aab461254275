"""Wire rooms into the app."""

from __future__ import annotations

from aiohttp import web

from hub.http.keys import LABELS, POLICY
from hub.rooms.models import ROOM_LABELS, Room
from hub.rooms.rules import RoomRule


def setup(app: web.Application) -> None:
    app[LABELS].update(ROOM_LABELS)
    app[POLICY].register(Room, RoomRule())
