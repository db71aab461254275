"""What the rooms part needs of the live calls, as an interface that signaling implements.

Signaling sits above rooms (it imports rooms' tokens, participants and sessions), so rooms may not import it: the
signaling part puts its service under ``LIVE_CALLS`` when it is wired (``hub.signaling.setup``), and rooms' views and
recorder reach the calls only through this protocol. Where no signaling is wired (some tests), ``LIVE_CALLS`` is absent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiohttp import web

from hub.media.interface import MediaRoom

# called with the signaling layer's room event (room, participant, role, reason …); duck-typed on purpose
CallHook = Callable[[Any], Awaitable[None] | None]


class LiveCalls(Protocol):
    rooms: dict[str, Any]  # live calls by signaling room id
    ended: set[str]  # rooms that were ended and may not be joined again
    on_participant_joined: list[CallHook]
    on_participant_left: list[CallHook]
    on_room_ended: list[CallHook]
    on_recording_acknowledged: list[CallHook]

    def set_recording(self, room_id: str, active: bool, reason: str | None = None, *, acknowledge: bool = False) -> None: ...

    def media_room(self, room_id: str) -> MediaRoom | None: ...

    async def end_room(self, room_id: str, reason: str) -> None: ...

    async def remove_participant(self, room_id: str, participant: str, reason: str) -> bool: ...


LIVE_CALLS: web.AppKey[LiveCalls] = web.AppKey("live_calls")
