"""Fixtures of the recording tests: the app with this part wired, and a case holding a recording of real media."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

import pytest
from aiohttp import web
from sqlalchemy import select

from hub.app import create_app
from hub.auth.models import User
from hub.clock import FakeClock
from hub.db import Database
from hub.media.keyframes import is_keyframe
from hub.rooms.models import RoomSession, SessionKind, SessionStatus
from hub.rooms.recording import service
from hub.rooms.recording.segment import SegmentFile, TrackSpec
from hub.settings import Settings
from hub.signaling.clip import Clip, encode_clip
from hub.store.interface import STORE
from hub.store.manifest import Labels
from tests.cases.conftest import make_kit


@pytest.fixture
def app(settings: Settings, database: Database, clock: FakeClock) -> web.Application:
    return create_app(settings, clock=clock, database=database)


@pytest.fixture
def signaling_app(app: web.Application) -> web.Application:
    """The app with signaling, media and this part wired (create_app does it), with a short reconnect grace."""
    from hub.signaling.keys import SIGNALING

    app[SIGNALING].reconnect_grace = 1.0
    return app


@pytest.fixture(scope="session")
def small_clip() -> Clip:
    return encode_clip(320, 240, 30, seconds=2.0, keyframe_seconds=1.0)


@dataclass
class CaseRecording:
    case_id: int
    room_session_id: int
    recording_id: int
    file_ids: list[str]


async def write_segment(
    app: web.Application,
    db: Database,
    recording_id: int,
    position: int,
    labels: Labels,
    clip: Clip,
    previous: str | None = None,
    content: Clip | None = None,
) -> str:
    """A real segment (two tracks, 2 s; a third with `content`: 李四's shared screen), written as the recorder writes
    it, and logged in the database."""
    specs = [
        TrackSpec("user-1", "李四", "interviewer", "video", "VP8", clip.width, clip.height),
        TrackSpec("user-1", "李四", "interviewer", "audio", "opus"),
    ]
    if content is not None:
        specs.append(TrackSpec("user-1", "李四", "interviewer", "content", "VP8", content.width, content.height))
    t0 = time.time()
    segment = await SegmentFile.open(app[STORE], Labels(**{**labels.__dict__, "previous_segment_id": previous}), specs, t0)
    log = service.DbRecordingLog(db, recording_id)
    await log.segment_opened(position, segment.opened, dt.datetime.fromtimestamp(t0, dt.UTC), segment.describe())
    frames = [(i / clip.fps, 0, f, is_keyframe("VP8", f)) for i, f in enumerate(clip.video)]
    frames += [(i * 0.02, 1, f, True) for i, f in enumerate(clip.audio)]
    if content is not None:
        frames += [(i / content.fps, 2, f, is_keyframe("VP8", f)) for i, f in enumerate(content.video)]
    for at, track, data, key in sorted(frames, key=lambda x: x[0]):
        segment.write(track, data, t0 + at, key)
    signed = await segment.close()
    await log.segment_closed(signed, segment.ended_at(), segment.duration_ms, "ended", segment.describe())
    return segment.file_id


async def make_case_recording(
    app: web.Application, db: Database, clock: FakeClock, clip: Clip, segments: int = 1, content: Clip | None = None
) -> CaseRecording:
    """A case's recording of `segments` segments; with `content`, the last holds a shared screen too."""
    kit = await make_kit(db, clock)
    clue = await kit.register_clue()
    async with db.transaction() as s:
        host = await s.scalar(select(User.id).where(User.username == "casemgmt1"))
        assert host is not None
        rs = RoomSession(kind=SessionKind.INTERVIEW, title="谈话 张三", status=SessionStatus.OPEN, host_user_id=host,
                         created_at=clock.now())  # fmt: skip
        s.add(rs)
        await s.flush()
        resume = await service.begin(s, room_session_id=rs.id, signaling_room=rs.signaling_room, case_id=clue.id, now=clock.now())
    labels = Labels(case_id=clue.id, room_session_id=rs.id)
    file_ids: list[str] = []
    for position in range(1, segments + 1):
        shown = content if position == segments else None
        previous = file_ids[-1] if file_ids else None
        file_ids.append(await write_segment(app, db, resume.recording_id, position, labels, clip, previous, shown))
    async with db.transaction() as s:
        await service.finish(s, resume.recording_id, now=clock.now(), reason="ended_by_host")
    return CaseRecording(clue.id, rs.id, resume.recording_id, file_ids)
