"""The client written from docs/protocol.md alone joins, publishes and receives through a real hub."""

from __future__ import annotations

import ast
import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aioice.ice
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling.setup import setup
from tests.protocol_client.client import DocClient, loopback_only

pytestmark = pytest.mark.asyncio

SECRET = "doc-client-secret"
ORIGIN = "http://hub.test"


async def test_the_client_imports_nothing_of_the_hub() -> None:
    tree = ast.parse((Path(__file__).parent / "client.py").read_text(encoding="utf-8"))
    modules = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    modules += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in modules if m == "hub" or m.startswith(("hub.", "tests."))], modules


@pytest.fixture
async def hub_url() -> AsyncIterator[str]:
    app = web.Application()
    setup(app, secret=SECRET, allowed_origin=ORIGIN, ice_addresses=["127.0.0.1"], ice_servers=[])
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/ws")).replace("http://", "ws://")
    finally:
        await server.close()


async def test_two_document_clients_see_and_hear_each_other(hub_url: str) -> None:
    original = loopback_only()
    # The hub's token endpoint hands these out (docs: Getting there); here the test plays that part.
    tokens = {
        who: issue_token(SECRET, room="session-1", participant=who, name=who, role=role)
        for who, role in (("host", ParticipantRole.HOST), ("clerk", ParticipantRole.CLERK))
    }
    clients = [DocClient(hub_url, ORIGIN, "session-1", token) for token in tokens.values()]
    try:
        for client in clients:
            await client.connect()
            await client.start_media(await client.join())
        deadline = time.monotonic() + 20
        while not all(c.received.get("main", 0) >= 30 and c.received.get("audio1", 0) >= 50 for c in clients):
            assert time.monotonic() < deadline, [c.received for c in clients]
            await asyncio.sleep(0.2)
        assert (await clients[0].request({"type": "ping"}))["type"] == "pong"
    finally:
        for client in clients:
            await client.close()
        aioice.ice.get_host_addresses = original
