"""What rooms does when signaling reports a room event (passed to the signaling setup as hooks)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy import select

from hub import audit
from hub.http.keys import CLOCK, DB
from hub.http.validation import as_id
from hub.rooms import sessions
from hub.rooms.models import RoomSession

PREFIX = "session-"


def session_id_of(signaling_room: str) -> int | None:
    rest = signaling_room.removeprefix(PREFIX)
    return as_id(rest) if signaling_room.startswith(PREFIX) else None


def on_room_ended(app: web.Application) -> Callable[[Any], Awaitable[None]]:
    """A hook for `hub.signaling.setup(..., on_room_ended=...)`: the host ended the call in the call page."""

    async def hook(event: Any) -> None:
        session_id = session_id_of(str(event.room))
        if session_id is None:
            return
        async with app[DB].transaction() as s:
            rs = await s.scalar(select(RoomSession).where(RoomSession.id == session_id))
            if rs is not None:
                await sessions.end_session(s, audit.SYSTEM, rs, app[CLOCK].now(), str(event.reason))

    return hook
