"""A real ICE restart: a publisher's address changes, it re-offers with new ICE credentials on the same
`RTCPeerConnection`, and media flows again both ways over the new path with the same DTLS session, the same
participant and the same slots (hub/media/ice_restart.py)."""

from __future__ import annotations

import asyncio
import io
import itertools
import re
from pathlib import Path

import av
import pytest
from aiortc import RTCSessionDescription
from aiortc import sdp as aiortc_sdp

from hub.media import MediaEngine, SlotLayout
from hub.media.ice import restrict_host_addresses
from hub.media.ice_restart import make_restartable, prepare_restart, restartable
from hub.media.peer import RestartFailed
from hub.rooms.recording.recorder import Person, Recorder
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip
from hub.store.keys import StoreKeys
from hub.store.manifest import Labels
from hub.store.store import EvidenceStore
from tests.media.test_forwarding import connect, wait_for
from tests.rooms.recording.support import MemoryLog, plaintext
from tests.rooms.recording.test_loss import check_video
from tests.support.udp_proxy import Impairment, UdpProxy, route_through

pytestmark = pytest.mark.asyncio

HOST = re.compile(r"a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host")


def ice_credentials(sdp: str) -> tuple[str, str]:
    media = aiortc_sdp.SessionDescription.parse(sdp).media[0]
    assert media.ice.usernameFragment and media.ice.password
    return media.ice.usernameFragment, media.ice.password


async def through_proxy(client: ClientPeer, proxy: UdpProxy, answer_for: object) -> str:
    """Send the client's current local offer through `proxy` both ways (see `route_through`); return the answer."""
    offer, _ = route_through(client.pc.localDescription.sdp, proxy.server_port)
    answer = await answer_for(offer)  # type: ignore[operator]
    routed, server_port = route_through(answer, proxy.client_port)
    proxy.server = ("127.0.0.1", server_port)
    await client.pc.setRemoteDescription(RTCSessionDescription(sdp=routed, type="answer"))
    return str(answer)


@pytest.mark.parametrize("forwarding", ["packets", "frames"])
async def test_address_change_restarts_ice_on_the_same_connection(tmp_path: Path, clip: Clip, forwarding: str) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1), forwarding=forwarding)
    room = engine.room("r1")
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    log = MemoryLog()
    recorder = Recorder(room, store, log, Labels(case_id=7, room_id=3, room_session_id=11), lambda p: Person(p, "interviewee"))
    a = ClientPeer(engine.layout.describe(publish=True), clip=clip, ice_addresses=["127.0.0.1"], decode=False)
    restrict_host_addresses(a.pc, ["127.0.0.1"])
    make_restartable(a.pc)
    first = UdpProxy(("127.0.0.1", 9), Impairment())
    second = UdpProxy(("127.0.0.1", 9), Impairment())
    await first.start()
    await second.start()
    b = await connect(engine, "r1", "b", clip, decode=False)
    try:
        await a.offer()
        answer1 = await through_proxy(a, first, lambda sdp: room.connect("a", sdp, publish=True))
        await wait_for(lambda: b.stats["main"].frames >= 10 and a.stats["main"].frames >= 10, limit=15)
        recorder.start()
        await asyncio.sleep(1.5)
        peer = room.peers["a"]
        dtls = peer.pc.getTransceivers()[0].sender.transport
        slots_b, slots_a = dict(room.peers["b"].mapping), dict(peer.mapping)
        stream = peer.streams["video"]

        # The network changes: the old path is gone (nothing passes either way), a new one exists.
        first.close()
        await asyncio.sleep(0.25)
        frozen_b, frozen_a = b.stats["main"].frames, a.stats["main"].frames
        await asyncio.sleep(0.25)
        assert b.stats["main"].frames - frozen_b <= 2 and a.stats["main"].frames - frozen_a <= 2

        # The client restarts ICE on the same RTCPeerConnection (what restartIce() does in a browser).
        client_ice = await prepare_restart(a.pc)
        await a.pc.setLocalDescription(await a.pc.createOffer())
        offer2 = a.pc.localDescription.sdp
        assert ice_credentials(offer2) != ice_credentials(answer1)
        answer2 = await through_proxy(a, second, peer.restart)
        assert ice_credentials(answer2) != ice_credentials(answer1)  # new credentials: a real restart
        assert HOST.search(answer2) and HOST.search(answer2).group(1) != HOST.search(answer1).group(1)  # type: ignore[union-attr]
        server_ice = restartable(peer.pc)
        started = asyncio.get_running_loop().time()
        await client_ice.start(*ice_credentials(answer2))
        await wait_for(lambda: server_ice.generation == 1, limit=5)
        checked = asyncio.get_running_loop().time() - started
        resumed_b, resumed_a = b.stats["main"].frames, a.stats["main"].frames
        await wait_for(lambda: b.stats["main"].frames > resumed_b and a.stats["main"].frames > resumed_a, limit=5)
        first_frames = asyncio.get_running_loop().time() - started
        await wait_for(lambda: b.stats["main"].frames >= resumed_b + 15 and a.stats["main"].frames >= resumed_a + 15, limit=5)
        print(
            f"after the restart answer: new pair nominated at both ends in {checked:.2f} s, frames both ways in"
            f" {first_frames:.2f} s, 15 more each way in {asyncio.get_running_loop().time() - started:.2f} s"
        )

        # Same participant, same connection, same DTLS session, same slots; the new path is the second proxy's.
        assert room.peers["a"] is peer and peer.pc.connectionState == "connected"
        assert peer.pc.getTransceivers()[0].sender.transport is dtls and dtls.state == "connected"
        assert peer.streams["video"] is stream
        assert room.peers["b"].mapping == slots_b and peer.mapping == slots_a
        assert server_ice.current._nominated[1].remote_addr == ("127.0.0.1", second.server_port)
        assert second.forwarded > 100
        await asyncio.sleep(1.0)
        await recorder.stop("ended")
    finally:
        first.close()
        second.close()
        await a.close()
        await b.close()
        await engine.close()

    # The recording's gaps are honest: none logged (a's silence stayed shorter than the recorder's 2 s). With packet
    # forwarding (the default) it kept its one segment, with a short hole in a's track. The frame path resumes about
    # 1 s after the new pair is nominated (aiortc's receive path after a hole, as after any outage), which can take a's
    # silence past 2 s: the recorder may then cut the segment there.
    causes = [s.cause for s in log.segments]
    assert causes[-1] == "ended" and (forwarding == "frames" or causes == ["ended"]), causes
    assert not log.gaps
    decoded = 0
    for segment in log.segments:
        if segment.duration_ms:
            frames, problems = check_video(await plaintext(store, segment.opened.file_id), clip)
            assert not problems
            decoded += frames
    assert decoded > 60
    if len(log.segments) == 1:
        data = await plaintext(store, log.segments[0].opened.file_id)
        track_a = next(t["track"] for t in log.segments[0].tracks if (t["participant"], t["kind"]) == ("a", "video"))
        with av.open(io.BytesIO(data)) as container:
            times = [float(p.pts * p.time_base) for p in container.demux(container.streams[track_a]) if p.pts is not None]
        hole = max(later - earlier for earlier, later in itertools.pairwise(sorted(times)))
        print(f"a's hole in the recorded segment: {hole:.2f} s (the path was cut 0.5 s before the restart offer)")
        assert hole < 2.0


async def test_a_restart_that_cannot_be_done_is_refused_precisely(clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    room = engine.room("r1")
    a = await connect(engine, "r1", "a", clip, decode=False)
    other = ClientPeer(engine.layout.describe(publish=True), clip=clip, ice_addresses=["127.0.0.1"], decode=False)
    try:
        await wait_for(lambda: room.peers["a"].pc.connectionState == "connected")
        peer = room.peers["a"]
        # the same credentials: a renegotiation, not a restart
        await a.pc.setLocalDescription(await a.pc.createOffer())
        with pytest.raises(RestartFailed, match="keeps the ICE credentials"):
            await peer.restart(a.pc.localDescription.sdp)
        # another RTCPeerConnection (another DTLS certificate): a new connection, not a restart
        with pytest.raises(RestartFailed, match="DTLS fingerprint changed"):
            await peer.restart(await other.offer())
        assert peer.pc.connectionState == "connected" and room.peers["a"] is peer
    finally:
        await a.close()
        await other.close()
        await engine.close()


async def test_a_restart_that_does_not_connect_leaves_media_on_the_old_pair(
    clip: Clip, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr("hub.media.ice_restart.CONNECT_SECONDS", 1.5)
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    room = engine.room("r1")
    a = ClientPeer(engine.layout.describe(publish=True), clip=clip, ice_addresses=["127.0.0.1"], decode=False)
    restrict_host_addresses(a.pc, ["127.0.0.1"])
    make_restartable(a.pc)
    b = await connect(engine, "r1", "b", None, decode=False)
    try:
        first_answer = await room.connect("a", await a.offer(), publish=True)
        await a.accept(first_answer)
        await wait_for(lambda: b.stats["main"].frames >= 10, limit=15)
        peer = room.peers["a"]
        server_ice = restartable(peer.pc)
        old_pair = server_ice.current._nominated[1]
        # The client offers a restart but never runs its side of the checks (it lost the answer, say).
        await prepare_restart(a.pc)
        await a.pc.setLocalDescription(await a.pc.createOffer())
        answer = await peer.restart(a.pc.localDescription.sdp)
        assert ice_credentials(answer) != ice_credentials(first_answer)
        assert server_ice.restarting
        await wait_for(lambda: not server_ice.restarting, limit=5)  # given up after CONNECT_SECONDS
        assert server_ice.generation == 0 and server_ice.current._nominated[1] is old_pair
        assert "ice restart of a failed" in caplog.text
        got = b.stats["main"].frames
        await wait_for(lambda: b.stats["main"].frames >= got + 15, limit=5)  # media went on over the old pair
        assert room.peers["a"] is peer and peer.pc.connectionState == "connected"
    finally:
        await a.close()
        await b.close()
        await engine.close()
