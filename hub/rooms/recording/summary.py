"""A case's recordings in brief, for the case file page (the cases part reads it through ``hub.rooms.interface``):
title, times, status, length, participants and each segment's fingerprint (what a 谈话笔录 cites)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.rooms.models import RoomSession
from hub.rooms.participants import ParticipantRole
from hub.rooms.recording.models import Recording, RecordingSegment, RecordingStatus, TrackKind
from hub.store.interface import StoredFile, grouped


@dataclass(frozen=True)
class RecordingBrief:
    id: int
    title: str
    status: RecordingStatus
    started_at: dt.datetime
    ended_at: dt.datetime | None
    media_seconds: int
    people: list[tuple[str, ParticipantRole | str]] = field(default_factory=list)  # (name, role) in order of appearance
    fingerprints: list[str] = field(default_factory=list)  # one per segment, grouped for reading aloud
    shared_content: list[str] = field(default_factory=list)  # names of those whose shared screen is recorded too


def role_of(value: str) -> ParticipantRole | str:
    """The role as its enum member (the ``label`` filter names it: 主持人, 记录人 …); an unknown one as it is."""
    try:
        return ParticipantRole(value)
    except ValueError:
        return value


async def case_recordings(s: AsyncSession, case_id: int) -> list[RecordingBrief]:
    return await _briefs(s, Recording.case_id == case_id)


async def petition_recordings(s: AsyncSession, petition_id: int, visible: ColumnElement[bool]) -> list[RecordingBrief]:
    """The recordings of the reception calls whose intake registered the petition, as far as ``visible`` (the
    recordings' own rule for the reader) admits."""
    return await _briefs(s, and_(Recording.petition_id == petition_id, visible))


async def session_recordings(s: AsyncSession, room_session_id: int, visible: ColumnElement[bool]) -> list[RecordingBrief]:
    """The recordings of one room session (a conference's, an interview's), as far as ``visible`` (the recordings'
    own rule for the reader) admits."""
    return await _briefs(s, and_(Recording.room_session_id == room_session_id, visible))


async def _briefs(s: AsyncSession, which: ColumnElement[bool]) -> list[RecordingBrief]:
    recordings = (await s.scalars(select(Recording).where(which).order_by(Recording.started_at))).all()
    if not recordings:
        return []
    ids = [r.id for r in recordings]
    segments = (
        await s.scalars(
            select(RecordingSegment).where(RecordingSegment.recording_id.in_(ids)).order_by(RecordingSegment.position)
        )
    ).all()
    files = dict(
        (
            await s.execute(
                select(StoredFile.id, StoredFile.manifest_sha256).where(StoredFile.id.in_([x.file_id for x in segments]))
            )
        ).all()
    )
    titles = dict(
        (
            await s.execute(
                select(RoomSession.id, RoomSession.title).where(RoomSession.id.in_([r.room_session_id for r in recordings]))
            )
        ).all()
    )
    briefs = []
    for r in recordings:
        mine = [x for x in segments if x.recording_id == r.id]
        people: dict[str, tuple[str, ParticipantRole | str]] = {}
        shared: dict[str, str] = {}
        for x in mine:
            for track in json.loads(x.tracks):
                people.setdefault(track["participant"], (track["name"], role_of(track["role"])))
                if track["kind"] == TrackKind.CONTENT:
                    shared.setdefault(track["participant"], track["name"])
        briefs.append(
            RecordingBrief(
                id=r.id,
                title=titles.get(r.room_session_id, ""),
                status=r.status,
                started_at=r.started_at,
                ended_at=r.ended_at,
                media_seconds=sum(x.duration_ms or 0 for x in mine) // 1000,
                people=list(people.values()),
                fingerprints=[grouped(str(files[x.file_id])) for x in mine if files.get(x.file_id)],
                shared_content=list(shared.values()),
            )
        )
    return briefs
