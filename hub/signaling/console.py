"""The conference messages (会控) as signaling sees them: checked in shape, then handed to the conference hook.

Signaling sits below the conferences part, so it knows nothing of chairs, queues or roll calls: the wiring puts the
conferences part's `ConsoleHook` on `SignalingService.console`, and gives it `ConferenceControls` (the service) to
act on the room: tell people, move pictures, silence audio, let people in, end the room. Without a hook (or in a
room the hook does not know as a conference) every conference message gets `not_conference`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import structlog

from hub.rooms.interface import ParticipantRole
from hub.signaling import conference_protocol as cp
from hub.signaling.protocol_base import Reply, Request

if TYPE_CHECKING:
    from hub.signaling.connection import Connection
    from hub.signaling.service import Member, SignalingService

log = structlog.get_logger(__name__)


class ConsoleError(Exception):
    """A refused conference request: becomes an `error` with this code (declared in `conference_protocol`)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class MemberView:
    """A participant as the conference logic sees it."""

    id: str
    name: str
    role: ParticipantRole
    admitted: bool
    connected: bool  # a socket is attached now
    audio: bool  # its own microphone state (media_state)
    video: bool


class ConferenceControls(Protocol):
    """What the conference logic may do to a live room (implemented by the signaling service)."""

    def members(self, room_id: str) -> list[MemberView]: ...

    def send(self, room_id: str, message: Reply, to: str | None = None) -> None: ...

    async def admit_member(self, room_id: str, participant: str) -> bool: ...

    async def remove_participant(self, room_id: str, participant: str, reason: str) -> bool: ...

    async def end_room(self, room_id: str, reason: str) -> None: ...

    def set_broadcast(self, room_id: str, participant: str | None, pinned: list[str] | None = None) -> None: ...

    def set_watch(self, room_id: str, viewer: str, participant: str | None, pinned: list[str] | None = None) -> None: ...

    def set_silenced(self, room_id: str, silenced: set[str]) -> None: ...

    def set_content(self, room_id: str, participant: str | None) -> None: ...

    def speaking(self, room_id: str, within: float = 1.5) -> list[str]: ...

    def media_connected(self, room_id: str, participant: str) -> bool: ...


class ConsoleHook(Protocol):
    """The conferences part, as signaling calls it."""

    def is_conference(self, room_id: str) -> bool: ...

    async def handle(self, room_id: str, member: MemberView, request: Request) -> None:
        """Do one conference request (raise `ConsoleError` to refuse it); the reply `ok` is sent by signaling."""

    def may_join(self, room_id: str, participant: str, role: ParticipantRole) -> str | None:
        """None: let this join go ahead; else the error code to refuse it with (`locked`)."""

    def may_unmute(self, room_id: str, participant: str) -> bool:
        """False while the chair has muted this participant (and not given it the floor)."""

    def may_end(self, room_id: str, participant: str) -> bool:
        """The chair of a conference may `end` it whatever its role."""

    async def joined(self, room_id: str, member: MemberView) -> None:
        """Someone was admitted (or reconnected): send them the state, update the board."""

    async def left(self, room_id: str, participant: str, reason: str) -> None: ...

    async def ended(self, room_id: str, reason: str) -> None: ...


Handler = Callable[["Connection", Any], Awaitable[None]]


class RoomControls:
    """`ConferenceControls` over the signaling service (`service.controls`)."""

    def __init__(self, service: SignalingService) -> None:
        self.service = service

    def member_view(self, member: Member) -> MemberView:
        return MemberView(
            member.id, member.name, member.role, member.admitted, member.conn is not None, member.audio, member.video
        )

    def members(self, room_id: str) -> list[MemberView]:
        room = self.service.rooms.get(room_id)
        if room is None:
            return []
        ordered = sorted(room.members.values(), key=lambda m: m.order)
        return [self.member_view(m) for m in ordered]

    def send(self, room_id: str, message: Reply, to: str | None = None) -> None:
        self.service.bus.publish(room_id, message.model_dump(mode="json"), to=to)

    async def admit_member(self, room_id: str, participant: str) -> bool:
        room = self.service.rooms.get(room_id)
        target = room.members.get(participant) if room else None
        if room is None or target is None or target.admitted:
            return False
        await self.service.let_in(room, target)
        return True

    async def remove_participant(self, room_id: str, participant: str, reason: str) -> bool:
        return await self.service.remove_participant(room_id, participant, reason)

    async def end_room(self, room_id: str, reason: str) -> None:
        await self.service.end_room(room_id, reason)

    def set_broadcast(self, room_id: str, participant: str | None, pinned: list[str] | None = None) -> None:
        from hub.signaling.protocol import Presenter

        room = self.service.rooms.get(room_id)
        media = self.service.media.rooms.get(room_id)
        changed = room is not None and room.presenter != participant
        if room is not None:
            room.presenter = participant
        if media is not None:
            media.pinned = list(pinned or [])
            media.set_presenter(participant)
        if changed:
            self.send(room_id, Presenter(participant=participant))

    def set_watch(self, room_id: str, viewer: str, participant: str | None, pinned: list[str] | None = None) -> None:
        media = self.service.media.rooms.get(room_id)
        if media is not None:
            media.set_watch(viewer, participant, pinned)

    def set_silenced(self, room_id: str, silenced: set[str]) -> None:
        media = self.service.media.rooms.get(room_id)
        if media is not None:
            media.set_silenced(silenced)

    def set_content(self, room_id: str, participant: str | None) -> None:
        media = self.service.media.rooms.get(room_id)
        if media is not None:
            media.set_content(participant)

    def speaking(self, room_id: str, within: float = 1.5) -> list[str]:
        media = self.service.media.rooms.get(room_id)
        return media.speaking(within) if media is not None else []

    def media_connected(self, room_id: str, participant: str) -> bool:
        media = self.service.media.rooms.get(room_id)
        peer = media.peers.get(participant) if media is not None else None
        return peer is not None and peer.pc.connectionState == "connected"

    async def joined(self, room_id: str, member: Member) -> None:
        if self.service.console is not None and self.service.console.is_conference(room_id):
            try:
                await self.service.console.joined(room_id, self.member_view(member))
            except Exception:
                log.exception("conference_hook_failed", room=room_id, participant=member.id, what="joined")

    async def left(self, room_id: str, participant: str, reason: str) -> None:
        if self.service.console is not None and self.service.console.is_conference(room_id):
            try:
                await self.service.console.left(room_id, participant, reason)
            except Exception:
                log.exception("conference_hook_failed", room=room_id, participant=participant, what="left")

    async def ended(self, room_id: str, reason: str) -> None:
        if self.service.console is not None and self.service.console.is_conference(room_id):
            try:
                await self.service.console.ended(room_id, reason)
            except Exception:
                log.exception("conference_hook_failed", room=room_id, what="ended")


def handlers(service: SignalingService) -> dict[str, Handler]:
    """One handler per conference request type: the shape was checked; the hook decides."""

    async def handle(conn: Connection, request: Request) -> None:
        room, member = service._member(conn)
        hook = service.console
        if hook is None or not hook.is_conference(room.id):
            raise ConsoleError("not_conference", "this room is not a conference")
        await hook.handle(room.id, service.controls.member_view(member), request)
        conn.send(_ok(request))

    return {m.model_fields["type"].default: handle for m in cp.CONFERENCE_REQUESTS}


def _ok(request: Request) -> Reply:
    from hub.signaling.protocol import Ok

    return Ok(id=request.id)
