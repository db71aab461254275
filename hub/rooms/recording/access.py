"""Who may see a recording: whoever may see its case (recusals included), or, for a recording without a case,
whoever may see its room session. Administrators never see recordings (they see no case content).

A refused or unknown id answers 404 alike, so ids cannot be probed.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.actor import Actor
from hub.cases.access import load_clue
from hub.cases.keys import CASES
from hub.cases.models import Clue
from hub.errors import NotFound
from hub.http.keys import POLICY
from hub.rooms.models import RoomSession
from hub.rooms.recording.models import Recording, RecordingSegment


async def require_case(s: AsyncSession, app: web.Application, actor: Actor, case_id: int) -> Clue:
    if not actor.is_staff or actor.is_admin:
        raise NotFound("clue")
    return await load_clue(s, app[CASES], actor, case_id)


async def require_recording(s: AsyncSession, app: web.Application, actor: Actor, recording_id: int) -> Recording:
    if not actor.is_staff or actor.is_admin:
        raise NotFound("recording")
    recording = await s.get(Recording, recording_id)
    if recording is None:
        raise NotFound("recording")
    if recording.case_id is not None:
        await load_clue(s, app[CASES], actor, recording.case_id)
    else:
        room_session = await s.get(RoomSession, recording.room_session_id)
        if room_session is None or not app[POLICY].may(actor, "view", room_session):
            raise NotFound("recording")
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
