"""Repair measured through the seeded UDP impairment proxy: 5 % loss between a publisher and the hub."""

from __future__ import annotations

import asyncio
import re
from typing import ClassVar

import pytest

from hub.media import MediaEngine, SlotLayout
from hub.signaling.client_media import NACK_GENERATOR_ATTR, ClientPeer, NackRetry
from hub.signaling.clip import Clip
from tests.media.test_forwarding import connect, wait_for
from tests.support.udp_proxy import Impairment, UdpProxy

pytestmark = pytest.mark.asyncio


async def connect_through(
    engine: MediaEngine, pid: str, clip: Clip, proxy_for: Impairment, seed: int
) -> tuple[ClientPeer, UdpProxy]:
    """A publisher whose every datagram to and from the hub passes the proxy (the answer names the proxy)."""
    peer = ClientPeer(engine.layout.describe(publish=True), clip=clip, ice_addresses=["127.0.0.1"], decode=False)
    answer = await engine.room("r1").connect(pid, await peer.offer(), publish=True)
    port = re.search(r"a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host", answer)
    assert port is not None
    proxy = UdpProxy(("127.0.0.1", int(port.group(1))), proxy_for, seed=seed)
    await proxy.start()
    await peer.accept(answer.replace(f" 127.0.0.1 {port.group(1)} typ host", f" 127.0.0.1 {proxy.client_port} typ host"))
    return peer, proxy


async def share_at_5_percent_loss(clip: Clip, repair: bool) -> tuple[float, int, int]:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1), repair=repair)
    a, proxy = await connect_through(engine, "a", clip, Impairment(loss=0.05), seed=7)
    b = await connect(engine, "r1", "b", None, decode=False)
    try:
        await wait_for(lambda: b.stats["main"].frames >= 10, limit=15)
        requester = engine.room("r1").peers["a"].streams["video"].requester
        sent0, got0, asked0 = a.tracks["camera"].sent, b.stats["main"].frames, requester.sent
        await asyncio.sleep(5)
        sent, got = a.tracks["camera"].sent - sent0, b.stats["main"].frames - got0
        return got / sent, proxy.dropped, requester.sent - asked0
    finally:
        proxy.close()
        await a.close()
        await b.close()
        await engine.close()


async def test_five_percent_loss_upstream_is_repaired(clip: Clip) -> None:
    repaired, dropped, keyframes = await share_at_5_percent_loss(clip, repair=True)
    baseline, _, keyframes_baseline = await share_at_5_percent_loss(clip, repair=False)
    print(
        f"frames complete at the viewer at 5 % loss: repair {repaired:.3f}, without {baseline:.3f}; dropped {dropped};"
        f" keyframe requests in 5 s: {keyframes} with repair, {keyframes_baseline} without"
    )
    # No keyframe storm: requests to the publisher are coalesced to at most one per 0.5 s, whatever the viewers ask.
    assert keyframes <= 11 and keyframes_baseline <= 11
    assert dropped > 20  # the proxy did lose packets
    assert repaired >= 0.95
    assert baseline < repaired


async def test_a_viewer_asks_again_for_what_is_still_missing() -> None:
    """The Python client's `NackRetry` (bench/network.py --viewer-nack-retry): a browser-like viewer re-sends its
    NACK every interval while a packet stays missing, at most `tries` times, and stops once it arrived."""
    sent: list[tuple[int, list[int]]] = []

    class Missing:
        missing: ClassVar[set[int]] = set()

    class Receiver:
        async def _send_rtcp_nack(self, media_ssrc: int, lost: list[int]) -> None:
            sent.append((media_ssrc, lost))

    receiver = Receiver()
    setattr(receiver, NACK_GENERATOR_ATTR, Missing())
    retry = NackRetry(receiver, interval=0.02, tries=3)
    try:
        Missing.missing = {7, 8}
        await receiver._send_rtcp_nack(0xAB, [7, 8])  # aiortc's own first NACK, as its receiver sends it
        await asyncio.sleep(0.03)
        Missing.missing = {8}  # 7 came (repaired): only 8 is asked for again
        await asyncio.sleep(0.2)
    finally:
        retry.stop()
    assert sent[0] == (0xAB, [7, 8])
    again = [lost for _, lost in sent[1:]]
    assert again and all(lost in ([7, 8], [8]) for lost in again)
    assert sum(8 in lost for _, lost in sent) == 3  # at most `tries` requests for one packet, the first included
