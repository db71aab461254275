"""The conference fixture the console tests share: signaling with a conference console, over 127.0.0.1, no database."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.conferences.interface import ConferenceConsole, ConferenceInfo
from hub.media import SlotLayout
from hub.signaling.client import HubClient
from hub.signaling.setup import setup
from tests.signaling.conftest import ORIGIN, SECRET, Hub

ROOM = "session-900"
VENUES = [f"v{i}" for i in range(1, 11)]


async def eventually(condition: Callable[[], bool], limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def conference() -> AsyncIterator[tuple[Hub, ConferenceConsole]]:
    app = web.Application()
    service = setup(
        app,
        secret=SECRET,
        allowed_origin=ORIGIN,
        ice_addresses=["127.0.0.1"],
        ice_servers=[],
        layout=SlotLayout(thumbnails=4, audio=3),
        reconnect_grace=0.5,
    )
    console = ConferenceConsole(service.controls)
    service.console = console
    console.register(ROOM, ConferenceInfo(900, "全旗纪检监察干部培训会", None, invited={v: f"苏木{v}" for v in VENUES}))
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    hub = Hub(server, service)
    try:
        yield hub, console
    finally:
        for client in hub.clients:
            await client.close()
        await console.close()
        await server.close()


def state(client: HubClient) -> dict[str, Any]:
    """The latest `conference` event the client received."""
    found = [e for e in client.events if e.get("type") == "conference"]
    assert found, "no conference event"
    return found[-1]
