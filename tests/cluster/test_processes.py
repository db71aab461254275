"""`hub serve --workers 3` on Redis: three real processes serve one hub. A call whose participants' sockets land on
three different processes works end to end (lobby, admit, media both ways, one recorder, end); a killed room node's
room comes back on another within 10 s; `hub node drain` keeps new rooms off a node."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import time

import aiohttp
import pytest
from sqlalchemy import func, select

from hub.db import Database
from hub.rooms.recording.models import Recording
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip
from tests.cluster.conftest import WORKERS, Workers
from tests.faults.harness import SECRET, TimedClient, interview_session, recording_rows, wait_until
from tests.signaling.conftest import REDIS_URL

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="HUB_TEST_REDIS_URL is not set")


@pytest.fixture(scope="module")
def clip() -> Clip:
    return encode_clip(320, 240, 15, seconds=1.0, keyframe_seconds=0.5)


def on(workers: Workers, people: list[HubClient], i: int, room: str, participant: str, role: str, clip: Clip) -> TimedClient:
    token = issue_token(SECRET.encode(), room=room, participant=participant, name=participant, role=role, ttl_seconds=600)
    client = TimedClient(workers.ws(i), token, room, origin=workers.origin(0), clip=clip, decode=False)  # one public origin
    people.append(client)  # closed by the fixture, whatever happens
    return client


async def test_three_processes_one_call_and_a_killed_node_comes_back(
    workers: Workers, database: Database, clip: Clip, people: list[HubClient]
) -> None:
    nodes = await workers.nodes()
    assert sorted(nodes) == [f"w:{workers.base + i}" for i in range(WORKERS)]
    host_id = int(await database_scalar(database))
    rs = await interview_session(database, host_id)
    room = rs.signaling_room
    host, guest, clerk = (
        on(workers, people, 0, room, "user-host", "host", clip),
        on(workers, people, 1, room, "device-9", "interviewee", clip),
        on(workers, people, 2, room, "clerk", "clerk", clip),
    )
    for c in (host, guest, clerk):
        await c.connect()
    await host.join()
    await host.start_media()
    await host.wait_event("recording", wait=20)
    assert (await guest.join())["type"] == "lobby"
    waiting = await host.wait_event("lobby_waiting")
    assert [p["id"] for p in waiting["waiting"]] == ["device-9"]
    await host.request({"type": "admit", "participant": "device-9"})
    await guest.wait_event("joined")
    await clerk.join()
    for c in (guest, clerk):
        await c.start_media()
    await wait_until(lambda: all(c.peer is not None and c.peer.stats["main"].frames >= 20 for c in (host, guest, clerk)), 20)
    placed = {n for n, info in (await workers.nodes()).items() if room in info["rooms"]}  # type: ignore[operator]
    assert len(placed) == 1  # one room node, whatever process each socket reached
    async with database.transaction(write=False) as s:
        assert await s.scalar(select(func.count()).select_from(Recording).where(Recording.room_session_id == rs.id)) == 1

    # kill -9 the room's node: the others tell their sockets to come back; the room comes back on a live node
    (node,) = placed
    pid = int((await workers.nodes())[node]["pid"])  # type: ignore[call-overload]
    survivors = [c for c, i in ((host, 0), (guest, 1), (clerk, 2)) if f"w:{workers.base + i}" != node]
    killed_at = time.monotonic()
    os.kill(pid, signal.SIGKILL)
    for c in survivors:
        closed = await c.wait_event("closed", wait=10)
        assert closed["reason"] == "server_stopped"
    index = next(i for i in range(WORKERS) if f"w:{workers.base + i}" != node)
    back = on(workers, people, index, room, "clerk-again", "host", clip)
    await back.connect()
    await back.join()
    assert time.monotonic() - killed_at < 10
    moved = {n for n, info in (await workers.nodes()).items() if room in info["rooms"]}  # type: ignore[operator]
    assert moved and node not in moved
    # the recording goes on as a new segment; the dead node's segment is finished and the time between is a gap
    # whose cause is node_failed (written by the new node's take-over or by the restarted node's recovery)
    await back.start_media()

    async def recorded_again() -> bool:
        _recording, segments, gaps = await recording_rows(database, rs.id)
        return len(segments) >= 2 and any(g.cause.value == "node_failed" for g in gaps)

    deadline = time.monotonic() + 20
    while not await recorded_again():
        assert time.monotonic() < deadline, await recording_rows(database, rs.id)
        await asyncio.sleep(0.3)
    _recording, segments, gaps = await recording_rows(database, rs.id)
    assert segments[0].status.value == "recovered" and segments[0].close_cause == "node_failed"
    assert [g.cause.value for g in gaps if g.participant is None] == ["node_failed"]
    await back.request({"type": "end"})
    await back.wait_event("_socket_closed", wait=10)


async def database_scalar(database: Database) -> int:
    from hub.auth.models import User

    async with database.transaction(write=False) as s:
        found = await s.scalar(select(User.id).limit(1))
    assert found is not None
    return int(found)


async def test_a_drained_node_takes_no_new_room(
    workers: Workers, database: Database, clip: Clip, people: list[HubClient]
) -> None:
    first = f"w:{workers.base}"
    await workers.hub("node", "drain", first)
    await wait_until(lambda: True)
    await asyncio.sleep(2.5)  # its next heartbeats say so
    rooms = []
    for n in range(3):
        rs = await interview_session(database, await database_scalar(database))
        c = on(workers, people, 0, rs.signaling_room, f"host{n}", "host", clip)
        await c.connect()
        await c.join()
        rooms.append((rs.signaling_room, c))
    await asyncio.sleep(2.5)
    nodes = await workers.nodes()
    assert nodes[first]["draining"] is True and not nodes[first]["rooms"]
    assert sum(len(info["rooms"]) for info in nodes.values()) == 3  # type: ignore[arg-type]


async def test_a_stalled_node_that_wakes_serves_nothing_of_its_moved_room(
    workers: Workers, database: Database, clip: Clip, people: list[HubClient]
) -> None:
    """Fencing: the room's node stands still (SIGSTOP) past three heartbeats, the room is placed on another node and
    recorded there; when the stalled process wakes (SIGCONT) it answers nothing more for the room (a request its
    socket sent meanwhile gets no reply), tells its people `closed` and closes their sockets, starts no second
    recorder, and the recording is one, with the unrecorded time a `node_failed` gap between the two segments."""
    rs = await interview_session(database, await database_scalar(database))
    room = rs.signaling_room
    host = on(workers, people, 0, room, "user-host", "host", clip)
    await host.connect()
    await host.join()
    (node,) = {n for n, info in (await workers.nodes()).items() if room in info["rooms"]}  # type: ignore[operator]
    stalled = next(i for i in range(WORKERS) if f"w:{workers.base + i}" == node)
    other = next(i for i in range(WORKERS) if i != stalled)
    stale = on(workers, people, stalled, room, "clerk", "clerk", clip)  # its socket on the room's node itself
    relayed = on(workers, people, other, room, "clerk-2", "clerk", clip)
    for c in (stale, relayed):
        await c.connect()
        await c.join()
    await host.start_media()
    await host.wait_event("recording", wait=20)
    await stale.start_media()
    await wait_until(lambda: all(c.peer is not None and c.peer.stats["main"].frames >= 15 for c in (host, stale)), 20)

    pid = int((await workers.nodes())[node]["pid"])  # type: ignore[call-overload]
    os.kill(pid, signal.SIGSTOP)
    try:
        closed = await relayed.wait_event("closed", wait=10)  # the others saw its key expire
        assert closed["reason"] == "server_stopped"
        back = on(workers, people, other, room, "user-back", "host", clip)
        await back.connect()
        await back.join()
        moved = {n for n, info in (await workers.nodes()).items() if room in info["rooms"]}  # type: ignore[operator]
        assert moved and node not in moved
        await back.start_media()

        async def two_segments() -> bool:
            _recording, segments, _gaps = await recording_rows(database, rs.id)
            return len(segments) >= 2

        deadline = time.monotonic() + 20
        while not await two_segments():
            assert time.monotonic() < deadline, await recording_rows(database, rs.id)
            await asyncio.sleep(0.3)
        # sent while the node stands still (the kernel keeps it): answered by nobody once it wakes
        await stale.send_raw(json.dumps({"type": "media_state", "id": 9999, "audio": True, "video": True}))
        seen = len(stale.events)
    finally:
        os.kill(pid, signal.SIGCONT)
    told = await stale.wait_event("closed", wait=10, since=seen)
    assert told["reason"] == "server_stopped"
    await stale.wait_event("_socket_closed", wait=10, since=seen)
    assert not [e for e in stale.events[seen:] if e.get("id") == 9999], stale.events[seen:]

    async def gap_written() -> bool:
        _recording, _segments, gaps = await recording_rows(database, rs.id)
        return any(g.participant is None and g.cause.value == "node_failed" for g in gaps)

    deadline = time.monotonic() + 15
    while not await gap_written():
        assert time.monotonic() < deadline, await recording_rows(database, rs.id)
        await asyncio.sleep(0.3)
    await asyncio.sleep(3)  # a second recorder would have opened a segment by now
    async with database.transaction(write=False) as s:
        assert await s.scalar(select(func.count()).select_from(Recording).where(Recording.room_session_id == rs.id)) == 1
    _recording, segments, gaps = await recording_rows(database, rs.id)
    assert len(segments) == 2, segments
    first, second = segments
    assert first.status.value == "closed" and first.ended_at is not None  # closed by the woken node, not recovered
    (gap,) = [g for g in gaps if g.participant is None]
    assert gap.cause.value == "node_failed" and gap.started_at == first.ended_at and gap.ended_at == second.started_at
    nodes = await workers.nodes()
    assert [n for n, info in nodes.items() if room in info["rooms"]] == sorted(moved)  # type: ignore[operator]
    async with aiohttp.ClientSession() as http, http.get(f"{workers.origin(stalled)}/readyz") as resp:
        ready = await resp.json()
    assert ready["checks"]["redis"]["last_fenced"]["rooms"] == [room], ready
    assert ready["checks"]["redis"]["last_fenced"]["cause"] == "lease_lost"
    assert (await back.request({"type": "media_state", "audio": True, "video": True}))["type"] == "ok"
    await back.request({"type": "end"})
    await back.wait_event("_socket_closed", wait=10)
