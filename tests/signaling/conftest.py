"""A bare aiohttp app with signaling wired by `setup()`, served on 127.0.0.1, and clients for it.

Every test runs on both buses: `memory` (one process) and `redis` (HUB_TEST_REDIS_URL; skipped only when it is unset,
CI sets it): there the hub is two nodes sharing one Redis, rooms are placed on node a (b is draining), and the
clients' sockets land on a and b in turn, so that every other participant is relayed to the room's node.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from redis.asyncio import Redis

from hub.media import SlotLayout
from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip
from hub.signaling.service import RoomEvent, SignalingService
from hub.signaling.setup import setup

SECRET = "test-secret-for-room-tokens"
ORIGIN = "http://hub.test"
REDIS_URL = os.environ.get("HUB_TEST_REDIS_URL", "")
BUSES = ["memory", "redis"]


@dataclass
class Hub:
    server: TestServer
    service: SignalingService
    events: list[RoomEvent] = field(default_factory=list)
    clients: list[HubClient] = field(default_factory=list)
    others: list[TestServer] = field(default_factory=list)  # redis: the other nodes, whose sockets are relayed
    _turn: itertools.count[int] = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        """The `/ws` of the next node in turn (one process: always the same)."""
        servers = [self.server, *self.others]
        server = servers[next(self._turn) % len(servers)]
        return str(server.make_url("/ws")).replace("http://", "ws://")

    def token(self, room: str, participant: str, role: ParticipantRole, *, name: str = "", ttl: int = 60) -> str:
        return issue_token(SECRET, room=room, participant=participant, name=name or participant, role=role, ttl_seconds=ttl)

    async def client(
        self,
        room: str,
        participant: str,
        role: ParticipantRole,
        *,
        clip: Clip | None = None,
        token: str | None = None,
        join: bool = True,
    ) -> HubClient:
        client = HubClient(self.url, token or self.token(room, participant, role), room, origin=ORIGIN, clip=clip)
        self.clients.append(client)
        await client.connect()
        if join:
            await client.join()
        return client


@pytest.fixture(scope="session")
def clip() -> Clip:
    return encode_clip(640, 480, 30, seconds=1.0, keyframe_seconds=0.5)


@pytest.fixture
def layout() -> SlotLayout:
    return SlotLayout(thumbnails=1, audio=2)


def _app(layout: SlotLayout, events: list[RoomEvent], **cluster: object) -> tuple[web.Application, SignalingService]:
    app = web.Application()

    def record(event: RoomEvent) -> None:
        events.append(event)

    service = setup(
        app,
        secret=SECRET,
        allowed_origin=ORIGIN,
        ice_addresses=["127.0.0.1"],
        ice_servers=[],
        layout=layout,
        reconnect_grace=0.5,
        on_participant_joined=record,
        on_participant_left=record,
        on_room_ended=record,
        heartbeat_seconds=0.2,
        **cluster,  # type: ignore[arg-type]
    )
    return app, service


@pytest.fixture(params=BUSES)
def bus(request: pytest.FixtureRequest) -> str:
    if request.param == "redis" and not REDIS_URL:
        pytest.skip("HUB_TEST_REDIS_URL is not set")
    return str(request.param)


@pytest.fixture
async def hub(layout: SlotLayout, bus: str) -> AsyncIterator[Hub]:
    events: list[RoomEvent] = []
    others: list[TestServer] = []
    if bus == "memory":
        app, service = _app(layout, events)
    else:
        namespace = f"test-{uuid.uuid4().hex[:10]}"
        redis = Redis.from_url(REDIS_URL)
        await redis.sadd(f"{namespace}:drain", "b")  # type: ignore[misc]
        await redis.aclose()
        app, service = _app(layout, events, redis_url=REDIS_URL, redis_namespace=namespace, node_id="a")
        other, _ = _app(layout, [], redis_url=REDIS_URL, redis_namespace=namespace, node_id="b")
        others.append(TestServer(other, host="127.0.0.1"))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    for extra in others:
        await extra.start_server()
    hub = Hub(server, service, events, others=others)
    try:
        yield hub
    finally:
        for client in hub.clients:
            await client.close()
        for extra in others:
            await extra.close()
        await server.close()
        if bus == "redis":
            redis = Redis.from_url(REDIS_URL)
            keys = [key async for key in redis.scan_iter(f"{namespace}:*")]
            if keys:
                await redis.delete(*keys)
            await redis.aclose()


Waiter = Callable[[Callable[[], bool]], Awaitable[None]]
