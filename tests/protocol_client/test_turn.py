"""NAT: a client on relay-only ICE (every packet through coturn) joins, publishes and receives through the hub.

The hub hands its TURN server to clients in `joined.ice_servers` (the HUB_ICE_SERVERS setting); the test
starts Debian's coturn on 127.0.0.1 with a temporary configuration and long-term credentials, installing
the package with apt-get when it is missing (.ci/run installs it beside Chromium).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aioice.ice
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from hub.rooms.ice_config import parse_ice_servers
from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling.setup import setup
from tests.protocol_client.client import DocClient, loopback_only

pytestmark = pytest.mark.asyncio

SECRET = "turn-test-secret"
ORIGIN = "http://hub.test"
TURN_USER, TURN_PASSWORD = "hub", "turn-test-password"


def turnserver_binary() -> str:
    found = shutil.which("turnserver")
    apt = shutil.which("apt-get")
    if found is None and apt is not None:
        install = [apt, "install", "-y", "-qq", "coturn"]
        if subprocess.run(install, check=False, capture_output=True).returncode:  # noqa: S603
            subprocess.run([apt, "update", "-qq"], check=False, capture_output=True)  # noqa: S603
            subprocess.run(install, check=True, capture_output=True)  # noqa: S603
        found = shutil.which("turnserver")
    assert found is not None, "coturn's turnserver is not installed"
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[dict[str, Any]]:
    binary = turnserver_binary()
    port = free_port()
    config = tmp_path / "turnserver.conf"
    log = tmp_path / "turn.log"
    config.write_text(
        "\n".join(
            [
                f"listening-port={port}",
                "listening-ip=127.0.0.1",
                "relay-ip=127.0.0.1",
                "min-port=61000",
                "max-port=61200",
                "lt-cred-mech",
                "realm=hub.test",
                f"user={TURN_USER}:{TURN_PASSWORD}",
                "fingerprint",
                # The hub listens on 127.0.0.1 here; a deployment allows only the hub's media address.
                "allow-loopback-peers",
                "no-tls",
                "no-dtls",
                "no-cli",
                "no-multicast-peers",
                f"userdb={tmp_path / 'turndb'}",
                f"pidfile={tmp_path / 'turn.pid'}",
                f"log-file={log}",
                "simple-log",
                "verbose",
                "",
            ]
        )
    )
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + 10
        while True:  # ready when its TCP listener answers
            assert process.poll() is None, log.read_text() if log.exists() else "turnserver exited"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "turnserver did not start"
                time.sleep(0.1)
        yield {
            "urls": [f"turn:127.0.0.1:{port}?transport=udp"],
            "username": TURN_USER,
            "credential": TURN_PASSWORD,
            "log": log,
        }
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
async def hub_with_turn(coturn: dict[str, Any]) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    # The setting's text, parsed as at start-up, is what the hub hands to clients and to its own peers.
    setting = json.dumps([{"urls": coturn["urls"], "username": TURN_USER, "credential": TURN_PASSWORD}])
    servers = parse_ice_servers(setting)
    app = web.Application()
    setup(app, secret=SECRET, allowed_origin=ORIGIN, ice_addresses=["127.0.0.1"], ice_servers=servers)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/ws")).replace("http://", "ws://"), servers
    finally:
        await server.close()


async def test_relay_only_clients_join_publish_and_receive_through_turn(
    hub_with_turn: tuple[str, list[dict[str, Any]]], coturn: dict[str, Any]
) -> None:
    hub_url, servers = hub_with_turn
    original = loopback_only()
    tokens = [
        issue_token(SECRET, room="session-1", participant=who, name=who, role=role)
        for who, role in (("host", ParticipantRole.HOST), ("clerk", ParticipantRole.CLERK))
    ]
    clients = [DocClient(hub_url, ORIGIN, "session-1", token) for token in tokens]
    try:
        for client in clients:
            await client.connect()
            joined = await client.join()
            assert joined["ice_servers"] == servers  # the setting reaches the client
            await client.start_media(joined, relay_only=True)
            assert client.pc is not None
            offered = [line for line in client.pc.localDescription.sdp.splitlines() if line.startswith("a=candidate:")]
            assert offered and all(" typ relay" in line for line in offered), offered
        deadline = time.monotonic() + 30
        while not all(c.received.get("main", 0) >= 30 and c.received.get("audio1", 0) >= 50 for c in clients):
            assert time.monotonic() < deadline, [c.received for c in clients]
            await asyncio.sleep(0.2)
        log = await asyncio.to_thread(Path(coturn["log"]).read_text, errors="replace")
        # Both clients allocated on coturn and sent their media through it.
        assert log.count("ALLOCATE processed, success") >= 2, log[-3000:]
    finally:
        for client in clients:
            await client.close()
        aioice.ice.get_host_addresses = original
