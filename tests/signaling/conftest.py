"""A bare aiohttp app with signaling wired by `setup()`, served on 127.0.0.1, and clients for it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.media import SlotLayout
from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip
from hub.signaling.service import RoomEvent, SignalingService
from hub.signaling.setup import setup

SECRET = "test-secret-for-room-tokens"
ORIGIN = "http://hub.test"


@dataclass
class Hub:
    server: TestServer
    service: SignalingService
    events: list[RoomEvent] = field(default_factory=list)
    clients: list[HubClient] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.server.make_url("/ws")).replace("http://", "ws://")

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


@pytest.fixture
async def hub(layout: SlotLayout) -> AsyncIterator[Hub]:
    app = web.Application()
    events: list[RoomEvent] = []

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
    )
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    hub = Hub(server, service, events)
    try:
        yield hub
    finally:
        for client in hub.clients:
            await client.close()
        await server.close()


Waiter = Callable[[Callable[[], bool]], Awaitable[None]]
