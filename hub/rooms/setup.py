"""Wire rooms into the app."""

from __future__ import annotations

from aiohttp import web

from hub.http.keys import POLICY
from hub.rooms.models import Room
from hub.rooms.rules import RoomRule


def setup(app: web.Application) -> None:
    app[POLICY].register(Room, RoomRule())
