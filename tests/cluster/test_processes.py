"""`hub serve --workers 3` on Redis: three real processes serve one hub. A call whose participants' sockets land on
three different processes works end to end (lobby, admit, media both ways, one recorder, end); a killed room node's
room comes back on another within 10 s; `hub node drain` keeps new rooms off a node."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from redis.asyncio import Redis
from sqlalchemy import func, select

from hub.db import Database
from hub.rooms.recording.models import Recording
from hub.rooms.tokens import issue_token
from hub.signaling.clip import Clip, encode_clip
from tests.faults.harness import ROOT, SECRET, TimedClient, interview_session, wait_until
from tests.signaling.conftest import REDIS_URL

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="HUB_TEST_REDIS_URL is not set")
WORKERS = 3


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            base = int(s.getsockname()[1])
        if base + count > 65000:
            continue
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


@dataclass
class Workers:
    base: int
    namespace: str
    env: dict[str, str]
    proc: asyncio.subprocess.Process

    def ws(self, i: int) -> str:
        return f"ws://127.0.0.1:{self.base + i}/ws"

    def origin(self, i: int) -> str:
        return f"http://127.0.0.1:{self.base + i}"

    async def hub(self, *args: str) -> str:
        cli = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub.cli", *args, cwd=ROOT, env=self.env, stdout=asyncio.subprocess.PIPE
        )
        out, _ = await cli.communicate()
        assert cli.returncode == 0, out
        return out.decode()

    async def nodes(self) -> dict[str, dict[str, object]]:
        found: dict[str, dict[str, object]] = json.loads(await self.hub("node", "list", "--json"))
        return found


@pytest.fixture
async def workers(database: Database, seeded: dict[str, int], tmp_path: Path) -> AsyncIterator[Workers]:
    if not database.is_sqlite:
        pytest.skip("the processes share the SQLite file here; PostgreSQL is the same code")
    base = free_ports(WORKERS)
    namespace = f"test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        "HUB_DATABASE_URL": database.url,
        "HUB_VAR_DIR": str(tmp_path / "var"),
        "HUB_HOST": "127.0.0.1",
        "HUB_PORT": str(base),
        "HUB_PUBLIC_ORIGIN": f"http://127.0.0.1:{base}",
        "HUB_SECRET_KEY": SECRET,
        "HUB_REQUIRE_SECURITY_KEY": "false",
        "HUB_STORE_RESERVE_MB": "0",
        "HUB_BUS": "redis",
        "HUB_REDIS_URL": REDIS_URL,
        "HUB_REDIS_NAMESPACE": namespace,
        "HUB_NODE_ID": "w",
    }
    with (tmp_path / "workers.log").open("wb") as log:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "hub.cli", "serve", "--workers", str(WORKERS), cwd=ROOT, env=env, stdout=log, stderr=log
        )
    found = Workers(base, namespace, env, proc)
    try:
        deadline = time.monotonic() + 90
        async with aiohttp.ClientSession() as http:
            for i in range(WORKERS):
                while True:
                    assert time.monotonic() < deadline, (tmp_path / "workers.log").read_text()[-3000:]
                    try:
                        async with http.get(f"{found.origin(i)}/readyz") as resp:
                            if resp.status == 200:
                                break
                    except aiohttp.ClientError:
                        pass
                    await asyncio.sleep(0.3)
        yield found
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            await asyncio.wait_for(proc.wait(), 60)
        redis = Redis.from_url(REDIS_URL)
        keys = [key async for key in redis.scan_iter(f"{namespace}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()


@pytest.fixture(scope="module")
def clip() -> Clip:
    return encode_clip(320, 240, 15, seconds=1.0, keyframe_seconds=0.5)


def on(workers: Workers, i: int, room: str, participant: str, role: str, clip: Clip) -> TimedClient:
    token = issue_token(SECRET.encode(), room=room, participant=participant, name=participant, role=role, ttl_seconds=600)
    return TimedClient(workers.ws(i), token, room, origin=workers.origin(0), clip=clip, decode=False)  # one public origin


async def test_three_processes_one_call_and_a_killed_node_comes_back(workers: Workers, database: Database, clip: Clip) -> None:
    nodes = await workers.nodes()
    assert sorted(nodes) == [f"w:{workers.base + i}" for i in range(WORKERS)]
    host_id = int(await database_scalar(database))
    rs = await interview_session(database, host_id)
    room = rs.signaling_room
    host, guest, clerk = (
        on(workers, 0, room, "user-host", "host", clip),
        on(workers, 1, room, "device-9", "interviewee", clip),
        on(workers, 2, room, "clerk", "clerk", clip),
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
    back = on(workers, index, room, "clerk-again", "host", clip)
    await back.connect()
    await back.join()
    assert time.monotonic() - killed_at < 10
    moved = {n for n, info in (await workers.nodes()).items() if room in info["rooms"]}  # type: ignore[operator]
    assert moved and node not in moved
    await back.request({"type": "end"})
    await back.wait_event("_socket_closed", wait=10)
    for c in (host, guest, clerk, back):
        await c.close()


async def database_scalar(database: Database) -> int:
    from hub.auth.models import User

    async with database.transaction(write=False) as s:
        found = await s.scalar(select(User.id).limit(1))
    assert found is not None
    return int(found)


async def test_a_drained_node_takes_no_new_room(workers: Workers, database: Database, clip: Clip) -> None:
    first = f"w:{workers.base}"
    await workers.hub("node", "drain", first)
    await wait_until(lambda: True)
    await asyncio.sleep(2.5)  # its next heartbeats say so
    rooms = []
    for n in range(3):
        rs = await interview_session(database, await database_scalar(database))
        c = on(workers, 0, rs.signaling_room, f"host{n}", "host", clip)
        await c.connect()
        await c.join()
        rooms.append((rs.signaling_room, c))
    await asyncio.sleep(2.5)
    nodes = await workers.nodes()
    assert nodes[first]["draining"] is True and not nodes[first]["rooms"]
    assert sum(len(info["rooms"]) for info in nodes.values()) == 3  # type: ignore[arg-type]
    for _, c in rooms:
        await c.close()
