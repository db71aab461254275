"""Real aiortc peers over 127.0.0.1 exchanging media through the forwarding engine."""

from __future__ import annotations

import asyncio
import time

import pytest

from hub.media import MediaEngine, SlotLayout
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip

pytestmark = pytest.mark.asyncio


async def connect(engine: MediaEngine, room: str, pid: str, clip: Clip | None, decode: bool = True) -> ClientPeer:
    lines = engine.layout.describe(publish=clip is not None)
    peer = ClientPeer(lines, clip=clip, ice_addresses=["127.0.0.1"], decode=decode)
    answer = await engine.room(room).connect(pid, await peer.offer(), publish=clip is not None)
    await peer.accept(answer)
    return peer


async def wait_for(condition, limit: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


async def test_two_publishers_receive_each_other_decoded(clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=1, audio=2))
    a = await connect(engine, "r1", "a", clip)
    b = await connect(engine, "r1", "b", clip)
    try:
        await wait_for(lambda: a.stats["main"].decoded >= 15 and b.stats["main"].decoded >= 15)
        await wait_for(lambda: a.stats["audio1"].decoded >= 20 and b.stats["audio1"].decoded >= 20)
        for peer in (a, b):
            assert (peer.stats["main"].width, peer.stats["main"].height) == (640, 480)
            assert peer.stats["thumb1"].frames == 0  # nobody else publishes
            assert peer.stats["audio2"].frames == 0
        # Every candidate the server offered is on the allowed address.
        answer = engine.rooms["r1"].peers["a"].pc.localDescription.sdp
        candidates = [line for line in answer.splitlines() if line.startswith("a=candidate")]
        assert candidates and all(" 127.0.0.1 " in c for c in candidates)
    finally:
        await a.close()
        await b.close()
        await engine.close()
    assert engine.rooms == {}


async def test_h264_publisher_is_forwarded_as_h264() -> None:
    from hub.signaling.clip import encode_clip

    h264 = await asyncio.to_thread(encode_clip, 320, 240, 30, 2.0, codec="H264")
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    a = await connect(engine, "r1", "a", h264)
    b = await connect(engine, "r1", "b", h264)
    try:
        assert engine.rooms["r1"].video_codec == "H264"
        await wait_for(lambda: b.stats["main"].decoded >= 10)
        assert (b.stats["main"].width, b.stats["main"].height) == (320, 240)
        assert "H264" in b.pc.remoteDescription.sdp.split("m=video", 2)[2].split("a=rtpmap")[1]
    finally:
        await a.close()
        await b.close()
        await engine.close()


async def test_baseline_relay_also_delivers(small_clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], baseline_relay=True, layout=SlotLayout(thumbnails=0, audio=1))
    a = await connect(engine, "r1", "a", small_clip)
    b = await connect(engine, "r1", "b", small_clip)
    try:
        await wait_for(lambda: b.stats["main"].decoded >= 10 and a.stats["main"].decoded >= 10, limit=15)
        assert (b.stats["main"].width, b.stats["main"].height) == (320, 240)
    finally:
        await a.close()
        await b.close()
        await engine.close()


async def test_room_tap_gets_encoded_frames_from_a_keyframe(small_clip: Clip) -> None:
    from hub.media.keyframes import is_keyframe
    from hub.media.room import FrameTiming

    got: list[tuple[str, str, bytes, FrameTiming]] = []

    class Recorder:
        def on_frame(self, participant_id: str, kind: str, packet, timing: FrameTiming) -> None:  # type: ignore[no-untyped-def]
            got.append((participant_id, kind, bytes(packet), timing))

    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    a = await connect(engine, "r1", "a", small_clip)
    remove = engine.room("r1").add_tap(Recorder())
    try:
        await wait_for(lambda: sum(1 for g in got if g[1] == "video") >= 10 and any(g[1] == "audio" for g in got))
        video = [g for g in got if g[1] == "video"]
        assert video[0][0] == "a" and video[0][3].keyframe and is_keyframe("VP8", video[0][2])
        stamps = [g[3].timestamp for g in video]
        assert stamps == sorted(stamps) and video[0][3].clock_rate == 90000
        # Nobody watches a's video but the recorder: it must keep sending.
        assert engine.room("r1")._sending["a"] is True
        remove()
        assert engine.room("r1")._sending["a"] is False
    finally:
        await a.close()
        await engine.close()


async def test_close_ends_every_server_peer(small_clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    a = await connect(engine, "r1", "a", small_clip)
    b = await connect(engine, "r2", "b", None)
    pcs = [p.pc for room in engine.rooms.values() for p in room.peers.values()]
    assert len(pcs) == 2
    await engine.close()
    assert all(pc.connectionState == "closed" for pc in pcs)
    await a.close()
    await b.close()


async def test_offer_with_wrong_shape_is_refused(small_clip: Clip) -> None:
    from hub.media.peer import MediaError

    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    peer = ClientPeer(SlotLayout(thumbnails=2, audio=1).describe(True), clip=small_clip, ice_addresses=["127.0.0.1"])
    try:
        with pytest.raises(MediaError):
            await engine.room("r1").connect("a", await peer.offer(), publish=True)
        with pytest.raises(MediaError):
            await engine.room("r1").connect("a", "v=0 garbage", publish=True)
        assert engine.room("r1").peers == {}
    finally:
        await peer.close()
        await engine.close()


async def test_recent_speaker_takes_the_main_slot(small_clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    room = engine.room("r1")
    peers = [await connect(engine, "r1", pid, small_clip, decode=False) for pid in ("a", "b", "c")]
    try:
        assert room.peers["a"].mapping["main"] == "b"  # nobody spoke yet: join order
        # c's microphone reports a loud RTP audio level (RFC 6464 header extension)
        room.peers["c"].streams["audio"].note_audio_level(20)
        await wait_for(lambda: room.peers["a"].mapping["main"] == "c", limit=3)
        assert room.peers["b"].mapping["main"] == "c" and room.peers["c"].mapping["main"] != "c"
        room.peers["c"].streams["audio"].note_audio_level(127)  # silence does not count as speaking
        assert room.peers["a"].mapping["main"] == "c"
    finally:
        for peer in peers:
            await peer.close()
        await engine.close()


async def test_unrecoverable_loss_resumes_at_a_keyframe_instead_of_freezing(small_clip: Clip) -> None:
    # The frame path (the fallback): aiortc's receiver and jitter buffer see the loss.
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1), forwarding="frames")
    a = await connect(engine, "r1", "a", small_clip)
    b = await connect(engine, "r1", "b", None)
    try:
        await wait_for(lambda: b.stats["main"].decoded >= 10)
        server_a = engine.room("r1").peers["a"]
        receiver = server_a.slots["camera"].receiver
        media_ssrc = server_a._taps["video"].media_ssrc
        assert media_ssrc is not None
        tapped = receiver._handle_rtp_packet
        loop = asyncio.get_running_loop()
        lose_until = loop.time() + 0.15

        async def nothing() -> None:
            return None

        def lossy(packet, arrival_time_ms):  # type: ignore[no-untyped-def]
            # 150 ms of packets lost, and every retransmission too: NACK cannot repair this.
            if packet.ssrc != media_ssrc or loop.time() < lose_until:
                return nothing()
            return tapped(packet, arrival_time_ms)

        receiver._handle_rtp_packet = lossy
        await asyncio.sleep(0.2)
        before = b.stats["main"].decoded
        # aiortc alone would wait for 512 more packets (many seconds at this rate); the tap resets.
        await wait_for(lambda: b.stats["main"].decoded >= before + 10, limit=4)
        assert server_a._taps["video"].stalls >= 1
    finally:
        await a.close()
        await b.close()
        await engine.close()
