"""Limits a client meets: a burst is told `rate_limited` before any close; malformed candidates; the presenter event."""

from __future__ import annotations

import json

import aiohttp
import pytest

from hub.rooms.participants import ParticipantRole
from hub.signaling.client import SignalingRefused
from hub.signaling.connection import RATE_BURST, RATE_CLOSE_AFTER
from tests.signaling.conftest import ORIGIN, Hub

pytestmark = pytest.mark.asyncio


async def test_a_burst_gets_rate_limited_errors_before_the_socket_closes(hub: Hub) -> None:
    async with aiohttp.ClientSession() as session, session.ws_connect(hub.url, headers={"Origin": ORIGIN}) as ws:
        total = RATE_BURST + RATE_CLOSE_AFTER + 20
        for i in range(total):
            await ws.send_str(json.dumps({"type": "ping", "id": i}))
        replies = []
        async for frame in ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                break
            replies.append(json.loads(frame.data))
        kinds = [r["type"] if r["type"] != "error" else r["code"] for r in replies]
    assert kinds[0] == "pong"
    first_refusal = kinds.index("rate_limited")
    assert first_refusal >= RATE_BURST - 5  # the burst allowance was served first
    assert kinds[-1] == "closed" and replies[-1]["reason"] == "rate_limited"
    assert kinds.index("closed") > first_refusal  # told why, then closed
    assert ws.closed


async def test_a_malformed_candidate_is_invalid_message(hub: Hub, clip: object) -> None:
    client = await hub.client("r1", "a", ParticipantRole.HOST, clip=clip)  # type: ignore[arg-type]
    await client.start_media()
    for line in (
        "candidate:1 1 udp 2122260223",  # too short
        "candidate:1 1 udp 2122260223 127.0.0.1 5000 host",  # no "typ"
        "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ bogus",
        "candidate:1 1 udp 2122260223 not-an-address 5000 typ host",
        "candidate:1 1 udp 2122260223 127.0.0.1 99999 typ host",
        "candidate:1 x udp 2122260223 127.0.0.1 5000 typ host",
        "candidate:1 1 sctp 2122260223 127.0.0.1 5000 typ host",
        "candidate:1 1 udp 2122260223 127.0.0.1 5000 typ srflx raddr",
    ):
        with pytest.raises(SignalingRefused) as caught:
            await client.request({"type": "ice", "candidate": {"candidate": line, "sdpMid": "0", "sdpMLineIndex": 0}})
        assert caught.value.code == "invalid_message", line
    # A well-formed one (an mDNS host name too) is accepted.
    for line in (
        "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host",
        "candidate:2 1 udp 2122260223 0b4f2a1e-1c2d-4e5f-8a9b-0c1d2e3f4a5b.local 50001 typ host",
    ):
        assert (await client.request({"type": "ice", "candidate": {"candidate": line, "sdpMid": "0", "sdpMLineIndex": 0}}))[
            "type"
        ] == "ok"


async def test_everyone_learns_who_presents(hub: Hub) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK)
    await host.request({"type": "set_presenter", "participant": "clerk"})
    for client in (host, clerk):
        event = await client.wait_event("presenter")
        assert event["participant"] == "clerk"
    since = len(host.events)
    await clerk.request({"type": "leave"})
    event = await host.wait_event("presenter", since=since)
    assert event["participant"] is None
