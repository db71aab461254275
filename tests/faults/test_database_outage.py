"""PostgreSQL refuses every connection for 25 s during a recorded call (``ALTER DATABASE … ALLOW_CONNECTIONS false``
on a database this test creates, and its sessions terminated): nobody is dropped, the recording goes on into the
store, the rows it must write wait and are written when the database is back, requests answer 503 meanwhile, and
nothing recorded is lost."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from hub.auth.models import User
from hub.clock import Clock
from hub.db import Database
from hub.demo import org as demo_org
from hub.migrate import upgrade
from hub.rooms.recording.models import RecordingStatus, SegmentStatus
from hub.signaling.client import SignalingRefused
from hub.signaling.clip import Clip, encode_clip
from hub.store.store import EvidenceStore
from tests.conftest import POSTGRES_URL
from tests.faults.harness import HubProcess, call, client, decodes_any, interview_session, plays, recording_rows
from tests.faults.test_recorder_faults import signed_in

OUTAGE_SECONDS = 25.0
TERMINATE = text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name")


@pytest.fixture(scope="module")
def clip() -> Clip:
    return encode_clip(320, 240, 30, seconds=2.0, keyframe_seconds=1.0)


@pytest.fixture
async def own_database(demo_password_hash: str) -> AsyncIterator[tuple[str, str]]:
    """A database of this test's own (the outage must not touch the other tests' `test`): (name, URL)."""
    if not POSTGRES_URL:
        pytest.skip("HUB_TEST_POSTGRES_URL is not set")
    name = f"faults_{uuid.uuid4().hex[:10]}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    await upgrade(url)
    db = Database(url)
    async with db.transaction() as s:
        await demo_org.load(s, password_hash=demo_password_hash, now=Clock().now())
    await db.dispose()
    try:
        yield name, url
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true'))
            await conn.execute(TERMINATE, {"name": name})
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        await admin.dispose()


async def refuse_connections(name: str, refuse: bool) -> None:
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"false" if refuse else "true"}'))
        if refuse:  # and the hub's pooled connections go too
            await conn.execute(TERMINATE, {"name": name})
    await admin.dispose()


async def test_a_database_outage_during_a_recorded_call_is_survived(
    own_database: tuple[str, str], tmp_path: Path, clip: Clip
) -> None:
    name, url = own_database
    db = Database(url)
    hub = HubProcess(url, tmp_path / "var")
    try:
        await hub.start()
        async with db.transaction(write=False) as s:
            owner = await s.scalar(select(User.id).where(User.username == "casemgmt1"))
        assert owner is not None
        rs = await interview_session(db, owner)
        await db.dispose()  # the test's own connections must not outlive the outage either
        http, _csrf = await signed_in(hub, "casemgmt1")
        host, guest = await call(hub, rs.signaling_room, clip)
        # a socket of a real staff session (casemgmt1's cookie): it sends nothing before the outage, so its first
        # message meets the database away and its session touch fails (and is tried again with every message)
        staff = await http.ws_connect(hub.ws_url, origin=hub.origin)
        await asyncio.sleep(3.0)
        since = len(host.events)

        await refuse_connections(name, True)
        down = time.monotonic()
        await asyncio.sleep(2.0)
        async with http.get(f"{hub.origin}/api/v1/room-sessions", headers={"Accept": "application/json"}) as r:
            assert r.status == 503, await r.text()
            body = await r.json()
            assert body["error"]["code"] == "database_unavailable" and r.headers.get("Retry-After")
        async with http.get(f"{hub.origin}/rooms/sessions") as r:
            assert r.status == 503  # a page too: a page that says so, not a 500
        status, ready = await hub.get("/readyz")
        assert status == 503 and ready["checks"]["database"]["ok"] is False
        assert (await hub.get("/healthz"))[0] == 200
        # rows the recorder must write while the database is away: the interviewee leaves and comes back
        await guest.request({"type": "leave"})
        await guest.close()
        await asyncio.sleep(4.0)
        guest = client(hub, rs.signaling_room, "device-9", "interviewee", clip)
        await guest.connect()
        await guest.join()
        await host.request({"type": "admit", "participant": "device-9"})
        await guest.wait_event("joined")
        await guest.start_media()
        for n in range(int(OUTAGE_SECONDS - (time.monotonic() - down))):
            await host.request({"type": "ping"})
            await staff.send_str(json.dumps({"type": "ping", "id": n}))  # the staff socket lives on: its touch fails
            assert json.loads((await staff.receive(timeout=10)).data) == {"type": "pong", "id": n}
            await asyncio.sleep(1.0)
        assert not host.dropped() and not staff.closed
        assert hub.events("session_touch_failed"), "the staff socket's session touch met the outage"
        assert all(e["active"] for e in host.events[since:] if e.get("type") == "recording"), "the recording went on"
        await refuse_connections(name, False)
        back = time.monotonic()

        async def ready() -> bool:
            return (await hub.get("/readyz"))[0] == 200

        while not await ready():
            assert time.monotonic() - back < 30, hub.tail()
            await asyncio.sleep(0.5)
        async with http.get(f"{hub.origin}/api/v1/room-sessions", headers={"Accept": "application/json"}) as r:
            assert r.status == 200
        await staff.send_str(json.dumps({"type": "ping", "id": "after"}))  # and after it, the touch succeeds
        assert json.loads((await staff.receive(timeout=10)).data) == {"type": "pong", "id": "after"}
        await staff.close()
        await asyncio.sleep(1.0)
        await host.request({"type": "end"})
        await host.close()
        await guest.close()
        await asyncio.sleep(1.0)
        assert await hub.stop() == 0, hub.tail()
        await http.close()
    finally:
        if hub.proc is not None and hub.proc.returncode is None:
            hub.proc.kill()
    assert hub.events("recording_rows_waiting_for_database") and hub.events("recording_rows_written_after_outage")
    status, out = await hub.verify()
    assert status == 0, out
    recording, segments, gaps = await recording_rows(db, rs.id)
    assert recording.status is RecordingStatus.ENDED
    assert len(segments) >= 2 and all(s.status is SegmentStatus.CLOSED for s in segments)  # cut during the outage too
    assert any(g.participant == "device-9" and g.cause.value == "left" and g.ended_at for g in gaps)
    store = await EvidenceStore.open(hub.var_dir)
    on_disk = set(await store.file_ids())
    assert {s.file_id for s in segments} <= on_disk
    for segment in segments:
        # a segment cut within a keyframe request's coalescing window (0.5 s, hub/media) may hold audio only;
        # every longer one plays video
        if (segment.duration_ms or 0) > 1500:
            assert await plays(store, segment.file_id) > 0, segment.duration_ms
    total = sum(s.duration_ms or 0 for s in segments) / 1000
    print(f"recorded {total:.1f} s in {len(segments)} segments across a {OUTAGE_SECONDS:.0f} s outage")
    await db.dispose()


async def test_a_recording_that_must_start_during_an_outage_starts_when_the_database_returns(
    own_database: tuple[str, str], tmp_path: Path, clip: Clip
) -> None:
    """The interview begins while PostgreSQL refuses connections: the room is told `database_unavailable` (the host
    must acknowledge before admitting anyone), the recorder keeps trying, and starts once the database is back; the
    stretch before its first segment is a gap with that cause."""
    name, url = own_database
    db = Database(url)
    hub = HubProcess(url, tmp_path / "var")
    try:
        await hub.start()
        async with db.transaction(write=False) as s:
            owner = await s.scalar(select(User.id).where(User.username == "casemgmt1"))
        assert owner is not None
        rs = await interview_session(db, owner)
        await db.dispose()
        await refuse_connections(name, True)
        host = client(hub, rs.signaling_room, "user-host", "host", clip)
        await host.connect()
        await host.join()
        await host.start_media()
        told = await host.wait_event("recording", wait=15)
        assert (told["active"], told["reason"], told["acknowledge"]) == (False, "database_unavailable", True)
        guest = client(hub, rs.signaling_room, "device-9", "interviewee", clip)
        await guest.connect()
        await guest.join()  # the lobby
        with pytest.raises(SignalingRefused) as caught:
            await host.request({"type": "admit", "participant": "device-9"})
        assert caught.value.code == "recording_unacknowledged"
        assert (await host.request({"type": "acknowledge_recording"}))["type"] == "ok"
        await host.request({"type": "admit", "participant": "device-9"})
        await guest.wait_event("joined")
        await guest.start_media()
        assert (await guest.wait_event("recording"))["reason"] == "database_unavailable"  # told on admission too
        await asyncio.sleep(5.0)
        since = len(host.events)
        await refuse_connections(name, False)
        back = time.monotonic()
        started = await host.wait_event("recording", wait=40, since=since)
        assert started["active"] is True, host.events[since:]
        print(f"recording started {time.monotonic() - back:.1f} s after the database returned")
        await asyncio.sleep(3.0)
        await host.request({"type": "end"})
        await host.close()
        await guest.close()
        await asyncio.sleep(1.0)
        assert await hub.stop() == 0, hub.tail()
    finally:
        if hub.proc is not None and hub.proc.returncode is None:
            hub.proc.kill()
    assert hub.events("recording_cannot_start") and hub.events("recording_fault_acknowledged")
    status, out = await hub.verify()
    assert status == 0, out
    recording, segments, gaps = await recording_rows(db, rs.id)
    assert recording.status is RecordingStatus.ENDED
    assert segments and all(s.status is SegmentStatus.CLOSED for s in segments)
    outage = [g for g in gaps if g.cause.value == "database_unavailable"]
    assert len(outage) == 1 and outage[0].participant is None and outage[0].ended_at is not None, gaps
    assert outage[0].ended_at <= segments[0].started_at + dt.timedelta(seconds=1)
    assert (outage[0].ended_at - outage[0].started_at).total_seconds() >= 5.0
    store = await EvidenceStore.open(hub.var_dir)
    assert await plays(store, segments[0].file_id) > 0
    await db.dispose()


async def test_segments_written_during_an_outage_are_put_back_after_a_shutdown_in_it(
    own_database: tuple[str, str], tmp_path: Path, clip: Clip
) -> None:
    """The database goes away during a recorded call; the interviewee leaves and comes back (new segments, whose rows
    wait in memory); the hub is stopped before the database returns, so those rows are lost. At the next start, the
    store is the truth: each segment is put back into its recording, in order, with its tracks (read from the file)."""
    name, url = own_database
    db = Database(url)
    hub = HubProcess(url, tmp_path / "var")
    try:
        await hub.start()
        async with db.transaction(write=False) as s:
            owner = await s.scalar(select(User.id).where(User.username == "casemgmt1"))
        assert owner is not None
        rs = await interview_session(db, owner)
        await db.dispose()
        host, guest = await call(hub, rs.signaling_room, clip)
        await asyncio.sleep(3.0)
        await refuse_connections(name, True)
        await asyncio.sleep(1.0)
        await guest.request({"type": "leave"})
        await guest.close()
        await asyncio.sleep(2.0)
        guest = client(hub, rs.signaling_room, "device-9", "interviewee", clip)
        await guest.connect()
        await guest.join()
        await host.request({"type": "admit", "participant": "device-9"})
        await guest.wait_event("joined")
        await guest.start_media()
        await asyncio.sleep(4.0)
        assert hub.events("recording_rows_waiting_for_database")
        await hub.stop()  # SIGTERM while the database is still away
        await host.close()
        await guest.close()
        await refuse_connections(name, False)
        await hub.start()
        assert await hub.stop() == 0, hub.tail()
    finally:
        if hub.proc is not None and hub.proc.returncode is None:
            hub.proc.kill()
    adopted = [e for e in hub.events("recordings_recovered") if e.get("segments_adopted")]
    assert adopted, hub.tail()
    status, out = await hub.verify()
    assert status == 0, out
    _recording, segments, _gaps = await recording_rows(db, rs.id)
    back = [s for s in segments if s.close_cause == "adopted_after_restart"]
    assert back, [(s.position, s.close_cause) for s in segments]
    assert [s.position for s in segments] == list(range(segments[0].position, segments[0].position + len(segments)))
    store = await EvidenceStore.open(hub.var_dir)
    for segment in back:
        tracks = json.loads(segment.tracks)
        assert tracks, segment.file_id
        assert {t["participant"] for t in tracks} <= {"user-host", "device-9"}
        assert {t["kind"] for t in tracks} == {"audio", "video"}
        assert [t["track"] for t in tracks] == list(range(len(tracks)))
        if segment.duration_ms:  # the last cut may come just before the stop, ahead of a camera's next keyframe
            assert await decodes_any(store, segment.file_id) > 0
    await db.dispose()
