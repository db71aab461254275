"""An ICE restart over the signaling socket: `offer` with `restart: true`, the new candidates trickled with `ice`
after it (end-of-candidates included); refusals are `restart_failed` and leave the connection as it was."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable

import pytest
from aiortc import RTCSessionDescription
from aiortc import sdp as aiortc_sdp

from hub.media.ice import restrict_host_addresses
from hub.media.ice_restart import make_restartable, prepare_restart, restartable
from hub.rooms.participants import ParticipantRole
from hub.signaling.client import HubClient, SignalingRefused
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip
from tests.signaling.conftest import Hub

CANDIDATE = re.compile(r"^a=(candidate:.*)$", re.MULTILINE)


async def eventually(condition: Callable[[], bool], limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def start_restartable_media(client: HubClient, clip: Clip) -> ClientPeer:
    assert client.joined is not None
    peer = ClientPeer(client.joined["lines"], clip=clip, ice_addresses=["127.0.0.1"])
    restrict_host_addresses(peer.pc, ["127.0.0.1"])
    make_restartable(peer.pc)
    client.peer = peer
    reply = await client.request({"type": "offer", "sdp": await peer.offer()})
    await peer.accept(reply["sdp"])
    return peer


async def test_restart_over_signaling_with_trickled_candidates(hub: Hub, clip: Clip) -> None:
    host = await hub.client("r1", "host", ParticipantRole.HOST, clip=clip)
    clerk = await hub.client("r1", "clerk", ParticipantRole.CLERK, clip=clip)
    with pytest.raises(SignalingRefused) as caught:  # nothing to restart yet
        await clerk.request({"type": "offer", "sdp": "v=0", "restart": True})
    assert caught.value.code == "restart_failed"
    peer = await start_restartable_media(host, clip)
    await clerk.start_media()
    assert clerk.peer is not None
    await eventually(lambda: peer.stats["main"].decoded >= 15 and clerk.peer.stats["main"].decoded >= 15)  # type: ignore[union-attr]
    server = hub.service.media.room("r1").peers["host"]
    server_ice = restartable(server.pc)
    first_port = server_ice.current._nominated[1].local_candidate.port

    # Restart: the offer carries no candidate; they follow it as `ice` messages, then end-of-candidates.
    client_ice = await prepare_restart(peer.pc)
    await peer.pc.setLocalDescription(await peer.pc.createOffer())
    sdp = peer.pc.localDescription.sdp
    candidates = CANDIDATE.findall(sdp)
    assert candidates
    bare = "\r\n".join(line for line in sdp.split("\r\n") if not line.startswith(("a=candidate:", "a=end-of-candidates")))
    pending = asyncio.ensure_future(host.request({"type": "offer", "sdp": bare, "restart": True}))
    for candidate in candidates:
        await host.request({"type": "ice", "candidate": {"candidate": candidate, "sdpMid": "0", "sdpMLineIndex": 0}})
    await host.request({"type": "ice", "candidate": None})
    answer = (await pending)["sdp"]
    await peer.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    ice = aiortc_sdp.SessionDescription.parse(answer).media[0].ice
    assert ice is not None and ice.usernameFragment and ice.password
    await client_ice.start(ice.usernameFragment, ice.password)
    await eventually(lambda: server_ice.generation == 1, limit=5)
    assert server_ice.current._nominated[1].local_candidate.port != first_port
    assert server_ice.current._remote_candidates_end  # the trickled end-of-candidates reached the new generation

    got_host, got_clerk = peer.stats["main"].decoded, clerk.peer.stats["main"].decoded
    await eventually(lambda: peer.stats["main"].decoded >= got_host + 15 and clerk.peer.stats["main"].decoded >= got_clerk + 15)  # type: ignore[union-attr]
    assert hub.service.media.room("r1").peers["host"] is server and server.pc.connectionState == "connected"
    assert host.slots.get("main") == "clerk" and clerk.slots.get("main") == "host"

    # The same credentials again: not a restart; the connection carries on.
    await peer.pc.setLocalDescription(await peer.pc.createOffer())
    with pytest.raises(SignalingRefused) as caught:
        await host.request({"type": "offer", "sdp": peer.pc.localDescription.sdp, "restart": True})
    assert caught.value.code == "restart_failed" and "keeps the ICE credentials" in caught.value.reply["reason"]
    got_clerk = clerk.peer.stats["main"].decoded
    await eventually(lambda: clerk.peer.stats["main"].decoded >= got_clerk + 10)  # type: ignore[union-attr]
