"""Who may see and schedule conferences: whoever may see its room session (its host, the people invited, the main
leader; a room's device for its own room) sees the conference and its attendance; county staff schedule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.access.roles import Role
from hub.conferences.models import Conference
from hub.rooms.interface import RoomSession


@dataclass
class ConferenceRule:
    policy: Policy
    object_type: str = "conference"

    def allows(self, actor: Actor, action: str, obj: Any) -> bool:
        if action == "create":
            return actor.is_staff and not actor.is_admin and actor.role is not Role.TOWNSHIP_STAFF
        session = getattr(obj, "session", None)
        if session is None:
            return False
        if action in ("view", "attendance"):
            return self.policy.may(actor, "view", session)
        return False

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if action not in ("view", "attendance"):
            return false()
        seen = select(RoomSession.id).where(self.policy.where(actor, "view", RoomSession))
        return Conference.session_id.in_(seen)
