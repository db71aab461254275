"""Who may see and manage rooms (sessions and devices come with the video-rooms issue)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from hub.auth.actor import Actor
from hub.rooms.models import Room


class RoomRule:
    object_type = "room"

    def allows(self, actor: Actor, action: str, obj: Room) -> bool:
        if action == "view":
            return actor.is_staff
        return actor.is_admin and action in ("create", "update")

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        return true() if self.allows(actor, action, Room()) else false()
