"""The recorder's faults with a real hub process and real media: killed from inside, a full disk, a SIGTERM.

Each leaves a recording that verifies (`hub store verify`, exit 0) and plays, a gap that names its true cause,
participants who were told (within a second), and a hub that serves again without a hand on it.
"""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub.auth.models import User
from hub.db import Database
from hub.demo.org import DEMO_PASSWORD
from hub.rooms.recording.models import RecordingStatus, SegmentStatus
from hub.signaling.clip import Clip, encode_clip
from hub.store.space import folder_size
from hub.store.store import EvidenceStore
from tests.faults.harness import HubProcess, TimedClient, call, interview_session, plays, recording_rows, wait_until

TOLD_WITHIN = 1.0  # seconds from the failure to every participant's 未在录制


@pytest.fixture(scope="module")
def clip() -> Clip:
    return encode_clip(320, 240, 30, seconds=2.0, keyframe_seconds=1.0)


@pytest.fixture
async def hub(database: Database, seeded: dict[str, int], tmp_path: Path) -> AsyncIterator[HubProcess]:
    if not database.is_sqlite:
        pytest.skip("the hub process and the test share the SQLite file; the outage test covers PostgreSQL")
    process = HubProcess(database.url, tmp_path / "var")
    yield process
    if process.proc is not None and process.proc.returncode is None:
        process.proc.kill()
        await process.proc.wait()


async def host_id(db: Database, username: str = "casemgmt1") -> int:
    async with db.transaction(write=False) as s:
        found = await s.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return found


def off_event(c: TimedClient, since: int) -> dict[str, Any] | None:
    return next((e for e in c.events[since:] if e.get("type") == "recording" and not e["active"]), None)


def on_event(c: TimedClient, since: int) -> dict[str, Any] | None:
    return next((e for e in c.events[since:] if e.get("type") == "recording" and e["active"]), None)


async def end_and_stop(hub: HubProcess, host: TimedClient, *others: TimedClient) -> None:
    await host.request({"type": "end"})
    for c in (host, *others):
        await c.close()
    await asyncio.sleep(1.0)
    assert await hub.stop() == 0, hub.tail()


async def check_recording(hub: HubProcess, db: Database, room_session_id: int, cause: str) -> None:
    """Verifies, plays, and the gap names `cause`."""
    status, out = await hub.verify()
    assert status == 0, out
    recording, segments, gaps = await recording_rows(db, room_session_id)
    assert any(g.cause.value == cause and g.participant is None and g.ended_at is not None for g in gaps), gaps
    assert len(segments) >= 2 and all(s.status in (SegmentStatus.CLOSED, SegmentStatus.RECOVERED) for s in segments)
    store = await EvidenceStore.open(hub.var_dir)
    for segment in segments:
        if segment.duration_ms:
            assert await plays(store, segment.file_id) > 0, segment.position
    assert recording.status is RecordingStatus.ENDED


async def test_a_recorder_killed_from_inside_is_noticed_told_and_restarted(
    hub: HubProcess, database: Database, clip: Clip
) -> None:
    await hub.start()
    rs = await interview_session(database, await host_id(database))
    host, guest = await call(hub, rs.signaling_room, clip)
    await asyncio.sleep(3.0)
    since = (len(host.events), len(guest.events))
    injected = time.time()
    hub.send(signal.SIGUSR1)
    await wait_until(lambda: off_event(host, since[0]) and off_event(guest, since[1]), limit=5)
    for c, start in ((host, since[0]), (guest, since[1])):
        event = off_event(c, start)
        assert event is not None and event["reason"] == "recorder_failed"
        assert event["_at"] - injected <= TOLD_WITHIN + 0.1, event["_at"] - injected  # + one recorder tick
    assert off_event(host, since[0])["acknowledge"] is True  # type: ignore[index]  # an interview: the host confirms
    assert (await host.request({"type": "acknowledge_recording"}))["type"] == "ok"
    await wait_until(lambda: on_event(host, since[0]) and on_event(guest, since[1]), limit=10)
    await asyncio.sleep(2.0)
    await end_and_stop(hub, host, guest)
    await check_recording(hub, database, rs.id, "recorder_failed")
    failed = hub.events("recorder_failed")
    assert failed and failed[0]["cause"] == "recorder_failed" and failed[0]["noticed_ms"] < 1000
    assert hub.events("recording_fault_acknowledged") and hub.events("recorder_restarted")


async def signed_in(hub: HubProcess, username: str) -> tuple[aiohttp.ClientSession, str]:
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    async with http.get(f"{hub.origin}/signin") as r:
        await r.read()
    csrf = next(c.value for c in http.cookie_jar if c.key == "hub_csrf")
    form = {"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf, "next": "/home"}
    async with http.post(f"{hub.origin}/signin", data=form, allow_redirects=False) as r:
        assert r.status == 303, await r.text()
    csrf = next(c.value for c in http.cookie_jar if c.key == "hub_csrf")
    return http, csrf


async def ask_token(hub: HubProcess, http: aiohttp.ClientSession, csrf: str, session_id: int) -> tuple[int, Any]:
    headers = {"X-CSRF-Token": csrf, "Origin": hub.origin}
    async with http.post(f"{hub.origin}/api/v1/room-sessions/{session_id}/token", headers=headers) as r:
        return r.status, await r.json()


async def test_a_full_disk_is_a_disk_full_gap_the_room_is_told_and_recording_resumes(
    hub: HubProcess, database: Database, clip: Clip
) -> None:
    # the store under a quota the store enforces exactly as the disk's ENOSPC (no tmpfs mount for a test user)
    hub.extra.update(HUB_STORE_QUOTA_MB="64", HUB_STORE_MIN_MINUTES="0.05", HUB_STORE_WARN_MINUTES="1")
    await hub.start()
    owner = await host_id(database)
    rs, other = await interview_session(database, owner), await interview_session(database, owner)
    http, csrf = await signed_in(hub, "casemgmt1")
    try:
        host, guest = await call(hub, rs.signaling_room, clip)
        await asyncio.sleep(3.0)
        since = (len(host.events), len(guest.events))
        store_root = hub.var_dir / "store"
        filler = store_root / "filler.bin"
        room_left = 150_000  # bytes: a few seconds of this call, then the disk is full
        filler.write_bytes(b"\0" * (64 * 1024**2 - folder_size(store_root) - room_left))
        await wait_until(lambda: off_event(host, since[0]) and off_event(guest, since[1]), limit=20)
        failed = hub.events("recorder_failed")
        assert failed and failed[0]["cause"] == "disk_full", failed
        for c, start in ((host, since[0]), (guest, since[1])):
            event = off_event(c, start)
            assert event is not None and event["reason"] == "disk_full"
            assert event["_at"] - failed[0]["failed_at"] <= TOLD_WITHIN, event["_at"] - failed[0]["failed_at"]
        # health tells the truth: alive, not ready, and why; metrics count it; a new recorded session is refused
        status, body = await hub.get("/readyz")
        assert status == 503 and body["checks"]["store"]["ok"] is False and body["checks"]["store"]["reason"] == "disk_full"
        assert body["checks"]["recorders"]["not_recording"] == {rs.signaling_room: "disk_full"}
        assert (await hub.get("/healthz"))[0] == 200
        metrics = (await hub.get("/metrics"))[1]
        assert 'hub_recorder_failures_total{cause="disk_full"} 1.0' in metrics
        assert hub.events("store_space_low") or hub.events("store_space_exhausted")
        status, refused = await ask_token(hub, http, csrf, other.id)
        assert status == 503 and refused["error"]["code"] == "recording_impossible", refused
        # space freed: recording resumes into a new segment by itself, and sessions may start again
        filler.unlink()
        await wait_until(lambda: on_event(host, since[0]) and on_event(guest, since[1]), limit=20)
        status, granted = await ask_token(hub, http, csrf, other.id)
        assert status == 200, granted
        await asyncio.sleep(2.0)
        await end_and_stop(hub, host, guest)
    finally:
        await http.close()
    await check_recording(hub, database, rs.id, "disk_full")
    _, segments, _ = await recording_rows(database, rs.id)
    cut = [s for s in segments if s.close_cause == "disk_full"]
    assert cut and cut[0].status is SegmentStatus.RECOVERED and cut[0].duration_ms  # what was written up to the fill point
    await hub.start()  # and the hub starts again and serves
    assert (await hub.get("/readyz"))[0] == 200
    assert await hub.stop() == 0


async def test_sigterm_tells_every_participant_and_the_downtime_is_a_gap(hub: HubProcess, database: Database, clip: Clip) -> None:
    await hub.start()
    rs = await interview_session(database, await host_id(database))
    host, guest = await call(hub, rs.signaling_room, clip)
    await asyncio.sleep(3.0)
    stopped = time.time()
    assert await hub.stop(signal.SIGTERM) == 0, hub.tail()
    for c in (host, guest):
        await wait_until(c.dropped, limit=5)
        kinds = [e.get("type") for e in c.events]
        closed = [e for e in c.events if e.get("type") == "closed"]
        assert closed and closed[-1]["reason"] == "server_stopped", c.events[-3:]
        assert kinds.index("closed") < kinds.index("_socket_closed")  # told before the socket closed
        await c.close()
    recording, segments, gaps = await recording_rows(database, rs.id)
    assert recording.status is RecordingStatus.INTERRUPTED and recording.end_reason == "server_stopped"
    assert all(s.status is SegmentStatus.CLOSED for s in segments)  # finalised, not left for recovery
    assert [g.cause.value for g in gaps if g.participant is None and g.ended_at is None] == ["server_stopped"]
    await asyncio.sleep(1.0)
    await hub.start()
    restarted = time.time()
    assert hub.events("store_recovered") and hub.events("recordings_recovered")
    host, guest = await call(hub, rs.signaling_room, clip)
    await asyncio.sleep(2.0)
    await end_and_stop(hub, host, guest)
    await check_recording(hub, database, rs.id, "server_stopped")
    _, _, gaps = await recording_rows(database, rs.id)
    down = next(g for g in gaps if g.cause.value == "server_stopped")
    assert down.ended_at is not None
    assert abs(down.started_at.timestamp() - stopped) < 2.0 and down.ended_at.timestamp() >= restarted - 1.0


async def test_store_verify_knows_a_live_writer_from_an_abandoned_file(hub: HubProcess, database: Database, clip: Clip) -> None:
    await hub.start()
    rs = await interview_session(database, await host_id(database))
    host, guest = await call(hub, rs.signaling_room, clip)
    await asyncio.sleep(2.0)
    status, out = await hub.verify()  # mid-recording: the open segment is written by a live hub, which is no failure
    assert status == 0 and "being written by a live hub (process" in out, out
    assert hub.proc is not None
    hub.proc.kill()  # kill -9: the open segment is abandoned
    await hub.proc.wait()
    await host.close()
    await guest.close()
    status, out = await hub.verify()
    assert status == 1, out
    assert "no live hub writes it" in out and "cause: recording" in out and "server_restart" in out, out
    await hub.start()  # the start finishes it
    assert await hub.stop() == 0
    status, out = await hub.verify()
    assert status == 0, out
