"""Loading a recording (or a case's recordings) for an actor, through the policy: the recording's own rule, then its
case or room session. A refused or unknown id answers 404 alike, so ids cannot be probed; every refusal is logged.

``load_recording`` is the policy's loader for "recording" (registered by ``setup``); a case is the cases part's "clue",
named by its object type, so rooms never imports cases.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.errors import NotFound
from hub.http.keys import POLICY
from hub.rooms.models import RoomSession
from hub.rooms.recording.models import Recording, RecordingSegment


def require_recordings_of(policy: Policy, actor: Actor, case_id: int, action: str = "view") -> None:
    """The recording rule on a case's recordings: administrators and devices stop here, logged."""
    policy.require(actor, action, Recording(case_id=case_id))


async def require_case(s: AsyncSession, app: web.Application, actor: Actor, case_id: int, action: str = "view") -> Any:
    """The case (a clue of the cases part), if the actor may see it and ``action`` its recordings."""
    policy = app[POLICY]
    require_recordings_of(policy, actor, case_id, action)
    return await policy.load(s, actor, "clue", case_id)


async def load_recording(s: AsyncSession, policy: Policy, actor: Actor, recording_id: int) -> Recording:
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
    recording: Recording = await app[POLICY].load(s, actor, "recording", recording_id)
    found = await s.scalar(
        select(RecordingSegment).where(RecordingSegment.recording_id == recording.id, RecordingSegment.position == position)
    )
    if found is None:
        raise NotFound("recording")
    return recording, found
