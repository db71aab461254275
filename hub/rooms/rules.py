"""Who may see and manage rooms, their devices, and room sessions.

Room sessions: the host and invited staff see and join theirs; the main leader sees and joins every
one; an administrator manages rooms and devices and sees sessions only as scheduling (times and
rooms, action "schedule"), never joins; a kiosk sees and joins only sessions that link its own room.
Only the host (or the main leader) opens, invites and ends.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select, true

from hub.access.actor import Actor
from hub.rooms.device_actor import room_of
from hub.rooms.models import Device, Invitation, Room, RoomSession, SessionRoom, SessionStatus


class RoomRule:
    object_type = "room"

    def allows(self, actor: Actor, action: str, obj: Room) -> bool:
        if action == "view":
            return actor.is_staff
        return actor.is_system_admin and action in ("create", "update")

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        return true() if self.allows(actor, action, Room()) else false()


class DeviceRule:
    """Administrators enrol and revoke; any staff member sees which devices are online (scheduling needs it)."""

    object_type = "device"

    def allows(self, actor: Actor, action: str, obj: Device) -> bool:
        if action == "view":
            return actor.is_staff
        return actor.is_system_admin and action in ("create", "revoke")

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        return true() if self.allows(actor, action, Device()) else false()


SESSION_CONTROL = frozenset({"open", "invite", "end"})
SESSION_ACCESS = frozenset({"view", "join"})


def _invited(actor: Actor, session: RoomSession) -> bool:
    return session.host_user_id == actor.user_id or any(i.user_id == actor.user_id for i in session.invitations)


class RoomSessionRule:
    object_type = "room_session"

    def allows(self, actor: Actor, action: str, obj: RoomSession) -> bool:
        if action == "create":
            return actor.is_staff and not actor.is_admin
        room = room_of(actor)
        if room is not None:
            return action in SESSION_ACCESS and room in obj.room_ids
        if not actor.is_staff:
            return False
        if action == "schedule":
            return actor.is_admin or actor.is_main_leader or _invited(actor, obj)
        if actor.is_admin:
            # an administrator sees no session content and never joins: the room-token endpoint declares "join"
            # and relies on this (a token for an administrator would be a leak)
            return False
        if action in SESSION_ACCESS:
            return actor.is_main_leader or _invited(actor, obj)
        if action in SESSION_CONTROL:
            if obj.status is SessionStatus.ENDED and action != "end":
                return False
            return obj.host_user_id == actor.user_id or actor.is_main_leader
        return False

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        room = room_of(actor)
        if room is not None:
            if action not in SESSION_ACCESS:
                return false()
            return RoomSession.id.in_(select(SessionRoom.session_id).where(SessionRoom.room_id == room))
        if not actor.is_staff:
            return false()
        invited = or_(
            RoomSession.host_user_id == actor.user_id,
            RoomSession.id.in_(select(Invitation.session_id).where(Invitation.user_id == actor.user_id)),
        )
        if action == "schedule":
            return true() if actor.is_admin or actor.is_main_leader else invited
        if actor.is_admin:
            return false()
        if action in SESSION_ACCESS:
            return true() if actor.is_main_leader else invited
        if action in SESSION_CONTROL:
            mine = true() if actor.is_main_leader else RoomSession.host_user_id == actor.user_id
            return mine if action == "end" else mine & (RoomSession.status != SessionStatus.ENDED)
        return false()
