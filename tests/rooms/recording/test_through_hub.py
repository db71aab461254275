"""A remote interview through the hub's signaling: the host's join starts the recording, everyone hears it is on,
the interviewee is admitted and recorded, the host ends the call, and the recording is on the case page and plays."""

from __future__ import annotations

import asyncio
import datetime as dt
import io

import av
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from hub.auth.models import User
from hub.clock import FakeClock
from hub.db import Database
from hub.http.keys import SECRET
from hub.rooms.models import Room, RoomSession, SessionKind, SessionRoom, SessionStatus
from hub.rooms.recording.keys import RECORDINGS
from hub.rooms.recording.models import Recording, RecordingSegment, RecordingStatus
from hub.rooms.tokens import issue_token
from hub.schedule.models import Interview, InterviewStatus
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip
from hub.signaling.keys import SIGNALING, allowed_origin
from hub.store.interface import STORE
from tests.cases.conftest import make_kit
from tests.rooms.recording.support import plaintext, wait_for
from tests.support.clients import Browser


async def test_an_interview_through_the_hub_is_recorded_into_its_case(
    aiohttp_client,
    signaling_app: web.Application,
    seeded: dict[str, int],
    database: Database,
    clock: FakeClock,
    small_clip: Clip,
) -> None:  # type: ignore[no-untyped-def]
    app = signaling_app
    browser = Browser(await aiohttp_client(app))
    kit = await make_kit(database, clock)
    clue = await kit.register_clue()
    async with database.transaction() as s:
        host_id = await s.scalar(select(User.id).where(User.username == "casemgmt1"))
        rooms = (await s.scalars(select(Room.id).order_by(Room.id).limit(2))).all()
        rs = RoomSession(kind=SessionKind.INTERVIEW, title="远程谈话", status=SessionStatus.OPEN, host_user_id=host_id,
                         created_at=clock.now(), links=[SessionRoom(room_id=r) for r in rooms])  # fmt: skip
        s.add(rs)
        await s.flush()
        s.add(Interview(title="远程谈话", starts_at=clock.now(), ends_at=clock.now() + dt.timedelta(hours=1),
                        county_room_id=rooms[0], township_room_id=rooms[1], interviewee_name="张三", clue_id=clue.id,
                        status=InterviewStatus.SCHEDULED, room_session_ref=str(rs.id), created_at=clock.now()))  # fmt: skip
        room = rs.signaling_room
        session_id = rs.id

    server = browser.client.server
    url = str(server.make_url("/ws")).replace("http://", "ws://")

    def client(participant: str, role: str) -> HubClient:
        token = issue_token(app[SECRET], room=room, participant=participant, name=participant, role=role)
        return HubClient(url, token, room, origin=allowed_origin(app), clip=small_clip, decode=False)

    host, interviewee = client("user-host", "host"), client("device-9", "interviewee")
    try:
        await host.connect()
        await host.join()
        await host.start_media()
        await host.wait_event("recording")  # the host's join started it, and everyone is told
        await interviewee.connect()
        await interviewee.join()
        await host.request({"type": "admit", "participant": "device-9"})
        await interviewee.wait_event("joined")
        assert interviewee.joined is not None and interviewee.joined["recording"] is True
        await interviewee.start_media()
        manager = app[RECORDINGS]
        recorder = manager.recorders[room][0]
        await wait_for(lambda: len(recorder.segment_keys) == 4, limit=15)
        await asyncio.sleep(3.0)
        await host.request({"type": "end"})
        await wait_for(lambda: room not in manager.recorders, limit=10)
    finally:
        await host.close()
        await interviewee.close()

    async with database.transaction(write=False) as s:
        recording = await s.scalar(select(Recording).where(Recording.room_session_id == session_id))
        assert recording is not None and recording.case_id == clue.id and recording.status is RecordingStatus.ENDED
        segments = (await s.scalars(select(RecordingSegment).where(RecordingSegment.recording_id == recording.id))).all()
    last = max(segments, key=lambda x: x.position)
    with av.open(io.BytesIO(await plaintext(app[STORE], last.file_id))) as container:
        assert sorted(s.type for s in container.streams) == ["audio", "audio", "video", "video"]
        assert sum(1 for _ in container.decode(video=1)) > 30

    await browser.sign_in("casemgmt1")
    page = await browser.get(f"/cases/{clue.id}/recordings")
    assert page.status == 200 and f"/recordings/{recording.id}" in await page.text()
    media = await browser.get(f"/recordings/{recording.id}/segments/{last.position}/media")
    assert media.status == 200 and len(await media.read()) > 10_000
    assert SIGNALING in app and isinstance(server, TestServer)
