"""Two signaling nodes sharing one Redis (in this process, each its own app and port): a room lives on exactly one
node, sockets that land on the other are relayed to it, and nothing splits."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from hub.media import SlotLayout
from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient, SignalingRefused
from hub.signaling.clip import Clip, encode_clip
from hub.signaling.cluster import Cluster, ClusterCalls
from hub.signaling.keys import CLUSTER
from hub.signaling.nodes import NodeRegistry
from hub.signaling.service import RoomEvent, SignalingService
from hub.signaling.setup import setup
from tests.signaling.conftest import ORIGIN, REDIS_URL, SECRET

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="HUB_TEST_REDIS_URL is not set")


async def eventually(condition: Callable[[], bool], limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@dataclass
class Node:
    id: str
    app: web.Application
    server: TestServer
    service: SignalingService
    events: list[RoomEvent]

    @property
    def cluster(self) -> Cluster:
        return self.app[CLUSTER]

    @property
    def url(self) -> str:
        return str(self.server.make_url("/ws")).replace("http://", "ws://")


@dataclass
class Hub:
    namespace: str
    nodes: dict[str, Node] = field(default_factory=dict)
    clients: list[HubClient] = field(default_factory=list)

    async def start(self, node_id: str) -> Node:
        app = web.Application()
        events: list[RoomEvent] = []
        service = setup(
            app,
            secret=SECRET,
            allowed_origin=ORIGIN,
            ice_addresses=["127.0.0.1"],
            ice_servers=[],
            layout=SlotLayout(thumbnails=1, audio=2),
            reconnect_grace=0.5,
            on_participant_joined=events.append,
            on_participant_left=events.append,
            on_room_ended=events.append,
            redis_url=REDIS_URL,
            redis_namespace=self.namespace,
            node_id=node_id,
            heartbeat_seconds=0.2,
        )
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        node = self.nodes[node_id] = Node(node_id, app, server, service, events)
        return node

    async def client(
        self, node: str, room: str, participant: str, role: ParticipantRole, *, clip: Clip | None = None, join: bool = True
    ) -> HubClient:
        token = issue_token(SECRET, room=room, participant=participant, name=participant, role=role, ttl_seconds=60)
        client = HubClient(self.nodes[node].url, token, room, origin=ORIGIN, clip=clip)
        self.clients.append(client)
        await client.connect()
        if join:
            await client.join()
        return client


@pytest.fixture
async def cluster() -> AsyncIterator[Hub]:
    hub = Hub(f"test-{uuid.uuid4().hex[:10]}")
    redis = Redis.from_url(REDIS_URL)
    await redis.sadd(f"{hub.namespace}:drain", "b")  # type: ignore[misc]  # rooms go to a
    await redis.aclose()
    await hub.start("a")
    await hub.start("b")
    try:
        yield hub
    finally:
        failed = []
        for client in hub.clients:  # every one, even if one fails: an open peer connection keeps pytest from exiting
            try:
                await client.close()
            except Exception as exc:
                failed.append(repr(exc))
        for node in hub.nodes.values():
            await node.server.close()
        redis = Redis.from_url(REDIS_URL)
        keys = [key async for key in redis.scan_iter(f"{hub.namespace}:*")]
        if keys:
            await redis.delete(*keys)
        await redis.aclose()
        assert not failed, failed


@pytest.fixture(scope="module")
def clip() -> Clip:
    return encode_clip(320, 240, 15, seconds=1.0, keyframe_seconds=0.5)


async def test_a_room_lives_on_one_node_and_the_other_relays(cluster: Hub, clip: Clip) -> None:
    a, b = cluster.nodes["a"], cluster.nodes["b"]
    host = await cluster.client("b", "r1", "host", ParticipantRole.HOST, clip=clip)  # socket on b, room on a
    guest = await cluster.client("b", "r1", "guest", ParticipantRole.INTERVIEWEE, clip=clip, join=False)
    assert (await guest.join())["type"] == "lobby"  # the interviewee waits in the lobby ...
    waiting = await host.wait_event("lobby_waiting")
    assert [p["id"] for p in waiting["waiting"]] == ["guest"]  # ... of the one room, which the host sees
    assert set(a.service.rooms["r1"].members) == {"host", "guest"} and "r1" not in b.service.rooms
    assert len(b.cluster._routes) == 2 and len(a.cluster.remotes) == 2
    clerk = await cluster.client("a", "r1", "clerk", ParticipantRole.CLERK, clip=clip)  # on the room's node itself
    await host.request({"type": "admit", "participant": "guest"})
    await guest.wait_event("joined")
    for client in (host, guest, clerk):
        await client.start_media()
    # media flows both ways between the media node and every client, wherever its socket landed
    await eventually(lambda: all(c.peer is not None and c.peer.stats["main"].decoded >= 10 for c in (host, guest, clerk)))
    await eventually(lambda: all(c.peer is not None and c.peer.stats["audio1"].decoded >= 10 for c in (host, guest, clerk)))
    # the host ends the call from b: everyone leaves, on both nodes
    await host.request({"type": "end"})
    for client in (guest, clerk):
        ended = await client.wait_event("ended")
        assert ended["reason"] == "ended_by_host"
    await eventually(lambda: "r1" not in a.service.rooms)
    await eventually(lambda: [e.reason for e in a.events if e.participant is None] == ["ended_by_host"])
    assert not b.events  # the room's hooks (the recorder's) ran on its node only
    late = await cluster.client("b", "r1", "late", ParticipantRole.CLERK, join=False)
    with pytest.raises(SignalingRefused) as caught:
        await late.join()
    assert caught.value.code == "room_ended"


async def test_ending_and_removing_from_another_process_reach_the_room(cluster: Hub) -> None:
    """What HTTP does (end a session, revoke a device) works from whichever process the request lands on."""
    a, b = cluster.nodes["a"], cluster.nodes["b"]
    await cluster.client("a", "r2", "host", ParticipantRole.HOST)
    kiosk = await cluster.client("b", "r2", "device-7", ParticipantRole.INTERVIEWEE, join=False)
    assert (await kiosk.join())["type"] == "lobby"
    await eventually(lambda: "r2" in b.cluster.registry.nodes["a"].rooms)  # b has heard a's heartbeat
    calls = b.app.get(CLUSTER) and ClusterCalls(b.cluster)
    assert calls is not None and "r2" in calls.rooms
    assert await calls.remove_participant("r2", "device-7", "revoked")
    closed = await kiosk.wait_event("closed")
    assert closed["reason"] == "revoked"
    await eventually(lambda: "device-7" not in a.service.rooms["r2"].members)
    clerk = await cluster.client("b", "r2", "clerk", ParticipantRole.CLERK)
    await calls.end_room("r2", "ended_by_host")
    assert (await clerk.wait_event("ended"))["reason"] == "ended_by_host"
    await eventually(lambda: "r2" not in a.service.rooms and "r2" in a.service.ended)


async def test_a_relayed_socket_whose_session_ends_leaves_at_once(cluster: Hub) -> None:
    a, b = cluster.nodes["a"], cluster.nodes["b"]
    await cluster.client("a", "r3", "host", ParticipantRole.HOST)
    clerk = await cluster.client("b", "r3", "clerk", ParticipantRole.CLERK)
    (conn,) = b.cluster._routes
    await b.cluster.session_ended(conn)
    await eventually(lambda: "clerk" not in a.service.rooms["r3"].members)
    left = [e for e in a.events if e.participant == "clerk" and e.reason == "signed_out"]
    assert left  # not a disconnect with a grace period: signed out, at once
    await clerk.wait_event("_socket_closed")


async def test_a_node_that_dies_takes_its_sockets_back_and_the_room_moves(cluster: Hub) -> None:
    a, b = cluster.nodes["a"], cluster.nodes["b"]
    redis = Redis.from_url(REDIS_URL)
    await redis.srem(f"{cluster.namespace}:drain", "b")  # type: ignore[misc]
    await cluster.client("a", "r4", "host", ParticipantRole.HOST)
    clerk = await cluster.client("b", "r4", "clerk", ParticipantRole.CLERK)
    assert "r4" in a.service.rooms
    # a stops heartbeating (as a killed process does): its key expires, b tells its relayed sockets to come back
    assert a.cluster._beat is not None
    a.cluster._beat.cancel()
    await redis.delete(f"{cluster.namespace}:nodekey:a")
    closed = await clerk.wait_event("closed", wait=5.0)
    assert closed["reason"] == "server_stopped"
    # the client's usual path: a new token, a new join; the room is placed on b now
    again = await cluster.client("b", "r4", "clerk", ParticipantRole.CLERK)
    assert again.joined is not None and "r4" in b.service.rooms
    assert await redis.get(f"{cluster.namespace}:room:r4") == b"b"
    await redis.aclose()


async def test_without_redis_a_join_is_refused_never_served_alone(cluster: Hub) -> None:
    b = cluster.nodes["b"]
    dead = Redis.from_url("redis://127.0.0.1:1/0", decode_responses=True)  # nothing listens there: Redis is away
    alive, b.cluster.link.redis = b.cluster.link.redis, dead
    b.cluster.registry = NodeRegistry(dead, cluster.namespace, "b")
    await alive.aclose()
    late = await cluster.client("b", "r5", "clerk", ParticipantRole.CLERK, join=False)
    with pytest.raises(SignalingRefused) as caught:
        await late.join()
    assert caught.value.code == "node_unreachable"
    assert "r5" not in b.service.rooms
    ready = await b.cluster.readiness()
    assert not ready.ok


async def test_a_lost_redis_connection_is_told_and_the_link_comes_back(cluster: Hub) -> None:
    """Redis drops the node's connections (a restart, a network cut): the sockets relayed through it are told to come
    back, readiness says so, the link reconnects by itself, and relayed joins work again."""
    a, b = cluster.nodes["a"], cluster.nodes["b"]
    await cluster.client("a", "r6", "host", ParticipantRole.HOST)
    clerk = await cluster.client("b", "r6", "clerk", ParticipantRole.CLERK)
    redis = Redis.from_url(REDIS_URL, decode_responses=True)
    name = f"{cluster.namespace}:b"
    for line in await redis.client_list():
        if line.get("name") == name:
            await redis.client_kill_filter(_id=line["id"])
    await redis.aclose()
    closed = await clerk.wait_event("closed", wait=5.0)
    assert closed["reason"] == "server_stopped"
    await eventually(lambda: b.cluster.link.healthy)
    assert (await b.cluster.readiness()).ok
    again = await cluster.client("b", "r6", "clerk", ParticipantRole.CLERK)
    assert again.joined is not None and "clerk" in a.service.rooms["r6"].members


async def test_a_room_node_that_does_not_answer_refuses_the_join(cluster: Hub) -> None:
    """The room's node is alive in Redis (heartbeats) but deaf (its subscriber is gone): a join relayed to it is
    refused after JOIN_TIMEOUT with node_unreachable; b never hosts the room itself."""
    a, b = cluster.nodes["a"], cluster.nodes["b"]
    await cluster.client("a", "r7", "host", ParticipantRole.HOST)
    subscriber = a.cluster.link._tasks[1]
    subscriber.cancel()
    late = await cluster.client("b", "r7", "clerk", ParticipantRole.CLERK, join=False)
    started = time.monotonic()
    with pytest.raises(SignalingRefused) as caught:
        await late.join()
    assert caught.value.code == "node_unreachable"
    assert 4.0 < time.monotonic() - started < 8.0
    assert "r7" not in b.service.rooms and set(a.service.rooms["r7"].members) == {"host"}


async def test_a_room_token_joins_once_on_the_whole_hub(cluster: Hub) -> None:
    """A token spent on one process is refused on another, with the error one process gives: here the room emptied
    on a and was placed afresh on b (as after a failover or a drain), where a per-process memory knew nothing of it."""
    a, b = cluster.nodes["a"], cluster.nodes["b"]
    token = issue_token(SECRET, room="r8", participant="clerk", name="clerk", role=ParticipantRole.CLERK, ttl_seconds=60)
    first = HubClient(a.url, token, "r8", origin=ORIGIN)
    cluster.clients.append(first)
    await first.connect()
    assert (await first.join())["type"] == "joined"
    assert "r8" in a.service.rooms
    await first.close()
    redis = Redis.from_url(REDIS_URL)
    await redis.sadd(f"{cluster.namespace}:drain", "a")  # type: ignore[misc]
    await redis.srem(f"{cluster.namespace}:drain", "b")  # type: ignore[misc]
    await eventually(lambda: "r8" not in a.service.rooms)
    deadline = time.monotonic() + 10
    while await redis.exists(f"{cluster.namespace}:room:r8"):  # a lets the empty room go
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    await eventually(lambda: a.cluster.registry.draining and not b.cluster.registry.draining)
    replay = HubClient(b.url, token, "r8", origin=ORIGIN)
    cluster.clients.append(replay)
    await replay.connect()
    with pytest.raises(SignalingRefused) as caught:
        await replay.join()
    assert caught.value.code == "token_used"
    assert caught.value.reply["reason"] == "this room token has already joined; fetch a new one"
    assert "r8" not in b.service.rooms or "clerk" not in b.service.rooms["r8"].members
    fresh = await cluster.client("b", "r8", "clerk", ParticipantRole.CLERK)  # a new token joins, now on b
    assert fresh.joined is not None and "clerk" in b.service.rooms["r8"].members
    await redis.aclose()


async def test_a_node_past_its_lease_answers_nothing_of_its_room_and_closes_it(cluster: Hub) -> None:
    """Fencing in one process: a stands still (its heartbeats and watchdog stop, its key expires), the room moves to b;
    the first message a's socket sends after is not served but fences a: its people are told `closed` and the room
    is gone from a, whose readiness says why; b's room goes on."""
    a, b = cluster.nodes["a"], cluster.nodes["b"]
    redis = Redis.from_url(REDIS_URL)
    host = await cluster.client("a", "r10", "host", ParticipantRole.HOST)
    assert "r10" in a.service.rooms
    for task in (a.cluster._beat, getattr(a.cluster, "_watchdog", None)):  # a stands still
        if task is not None:
            task.cancel()
    await redis.delete(f"{cluster.namespace}:nodekey:a")
    a.cluster.registry.lease_until = 0.0  # the lease ran out while it stood
    await redis.srem(f"{cluster.namespace}:drain", "b")  # type: ignore[misc]
    await eventually(lambda: "a" not in b.cluster.registry.nodes)
    other = await cluster.client("b", "r10", "clerk", ParticipantRole.CLERK)
    assert other.joined is not None and "r10" in b.service.rooms  # the room moved to b
    seen = len(host.events)
    await host.send_raw('{"type": "media_state", "id": 777, "audio": true, "video": false}')
    closed = await host.wait_event("closed", since=seen)
    assert closed["reason"] == "server_stopped"
    await host.wait_event("_socket_closed", since=seen)
    assert not [e for e in host.events[seen:] if e.get("id") == 777]
    await eventually(lambda: "r10" not in a.service.rooms)
    ready = await a.cluster.readiness()
    assert ready.detail["last_fenced"]["cause"] == "lease_lost" and ready.detail["last_fenced"]["rooms"] == ["r10"]
    assert (await other.request({"type": "ping"}))["type"] == "pong" and "clerk" in b.service.rooms["r10"].members
    await redis.aclose()


async def test_a_node_past_its_lease_keeps_the_rooms_nobody_took(cluster: Hub) -> None:
    """A stall that nobody acted on (the key expired, but no join moved the room): the node takes a new lease and
    keeps, atomically, the rooms still placed on it at its epoch; nobody is dropped."""
    a = cluster.nodes["a"]
    redis = Redis.from_url(REDIS_URL)
    host = await cluster.client("a", "r11", "host", ParticipantRole.HOST)
    for task in (a.cluster._beat, a.cluster._watchdog):
        assert task is not None
        task.cancel()
    await redis.delete(f"{cluster.namespace}:nodekey:a")
    a.cluster.registry.lease_until = 0.0
    assert (await host.request({"type": "media_state", "audio": True, "video": False}))["type"] == "ok"
    assert "r11" in a.service.rooms and not a.cluster.fenced
    assert await redis.exists(f"{cluster.namespace}:nodekey:a") and a.cluster.registry.lease_valid()
    await redis.aclose()
