"""Loading a recording (or a case's recordings) for an actor, through the policy: the recording's own rule, then its
case or room session. A refused or unknown id answers 404 alike, so ids cannot be probed; every refusal is logged."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.errors import NotFound
from hub.http.keys import POLICY
from hub.rooms.models import RoomSession
from hub.rooms.recording.models import Recording, RecordingSegment


async def require_case(s: AsyncSession, app: web.Application, actor: Actor, case_id: int) -> Any:
    """The case (a clue of the cases part), if the actor may see it and its recordings."""
    policy = app[POLICY]
    policy.require(actor, "view", Recording(case_id=case_id))  # administrators and devices stop here, logged
    return await policy.load(s, actor, "clue", case_id)


async def require_recording(s: AsyncSession, app: web.Application, actor: Actor, recording_id: int) -> Recording:
    policy = app[POLICY]
    recording = await s.get(Recording, recording_id)
    if recording is None:
        raise NotFound("recording")
    policy.require(actor, "view", recording)
    if recording.case_id is not None:
        await policy.load(s, actor, "clue", recording.case_id)
    else:
        room_session = await s.get(RoomSession, recording.room_session_id)
        if room_session is None:
            raise NotFound("recording")
        policy.require(actor, "view", room_session)
    return recording


async def require_segment(
    s: AsyncSession, app: web.Application, actor: Actor, recording_id: int, position: int
) -> tuple[Recording, RecordingSegment]:
    recording = await require_recording(s, app, actor, recording_id)
    found = await s.scalar(
        select(RecordingSegment).where(RecordingSegment.recording_id == recording.id, RecordingSegment.position == position)
    )
    if found is None:
        raise NotFound("recording")
    return recording, found
