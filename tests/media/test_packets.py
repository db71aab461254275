"""The packet path: what it hooks in aiortc, the per-leg rewrite, NACK/RTX, sender reports, upstream repair."""

from __future__ import annotations

import asyncio
import inspect
import struct
import time
from typing import Any

import aioice.ice
import aiortc
import pytest
from aiortc import RTCPeerConnection
from aiortc.rtcdtlstransport import RTCDtlsTransport

from hub.media import MediaEngine, SlotLayout
from hub.media.keyframes import KeyframeRequester
from hub.media.packets import (
    NACK_MAX_TRIES,
    NACK_RETRY_MIN_S,
    NACK_RETRY_S,
    PRIVATE_NAMES,
    LineInfo,
    PacketLeg,
    PacketSource,
    starts_keyframe,
)
from hub.media.tap import JITTER_BUFFER_ATTR
from hub.media.tracks import PublishedStream
from hub.signaling.clip import Clip
from tests.media.test_forwarding import connect, wait_for

pytestmark = pytest.mark.asyncio


async def test_the_private_names_we_hook_still_exist() -> None:
    # aiortc has no public packet API: pin the version and every name packets.py touches.
    assert aiortc.__version__.startswith("1.16."), aiortc.__version__
    pc = RTCPeerConnection()
    try:
        transceiver = pc.addTransceiver("video")
        dtls = transceiver.sender.transport
        owners: dict[str, Any] = {
            "RTCDtlsTransport": dtls,
            "RTCIceTransport": dtls.transport,
            "Connection": dtls.transport._connection,
            "StunProtocol": aioice.ice.StunProtocol,
            "RTCRtpSender": transceiver.sender,
            "RTCRtpReceiver": transceiver.receiver,
            "JitterBuffer": getattr(transceiver.receiver, JITTER_BUFFER_ATTR),
        }
        for owner, name in PRIVATE_NAMES:
            assert hasattr(owners[owner], name), f"{owner}.{name} is gone"
    finally:
        await pc.close()
    # We replace _handle_rtcp_data with a copy that takes some packets first: it must still be a parse
    # then a route to each recipient, and datagrams must still reach aiortc through data_received.
    source = inspect.getsource(RTCDtlsTransport._handle_rtcp_data)
    assert "RtcpPacket.parse" in source and "route_rtcp" in source and "_handle_rtcp_packet" in source
    assert "self.receiver.data_received" in inspect.getsource(aioice.ice.StunProtocol.datagram_received)


def vp8(first: int, *rest: int, p_bit: int = 0) -> bytes:
    return bytes([first, *rest, p_bit, 0x9D, 0x01, 0x2A, 0, 0])


async def test_keyframe_starts_are_recognised() -> None:
    assert starts_keyframe("VP8", vp8(0x10))  # S=1, partition 0, no extension
    assert starts_keyframe("VP8", vp8(0x90, 0x80, 0x85, 0x21))  # X, I with a 15-bit picture id
    assert starts_keyframe("VP8", vp8(0x90, 0xE0, 0x05, 0x01, 0x02))  # I (7 bit), L, T
    assert not starts_keyframe("VP8", vp8(0x10, p_bit=1))  # a delta frame
    assert not starts_keyframe("VP8", vp8(0x00))  # not the start of a frame
    assert not starts_keyframe("VP8", vp8(0x11))  # partition 1
    assert starts_keyframe("H264", bytes([0x65, 0x88]))  # IDR slice
    assert starts_keyframe("H264", bytes([0x18, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE]))  # STAP-A with SPS
    assert starts_keyframe("H264", bytes([0x7C, 0x85, 0x00]))  # FU-A start of an IDR
    assert not starts_keyframe("H264", bytes([0x7C, 0x05, 0x00]))  # FU-A middle
    assert not starts_keyframe("H264", bytes([0x41, 0x9A]))  # non-IDR slice
    assert not starts_keyframe("VP8", b"")


class FakeConnection:
    """Stands in for `PeerPackets` on both sides: records what would go out."""

    repair = True
    rtcp_ssrc = 1234
    closed = False

    def __init__(self) -> None:
        self.sent: list[bytes] = []
        self.rtcp: list[Any] = []

    def send(self, packet: bytes) -> None:
        self.sent.append(packet)

    def send_rtcp(self, packets: list[Any]) -> None:
        self.rtcp += packets


class FakeSender:
    def __init__(self, ssrc: int, rtx_ssrc: int) -> None:
        self._ssrc = ssrc
        self._rtx_ssrc = rtx_ssrc
        self.rtcp: list[Any] = []

    async def _send_rtcp(self, packets: list[Any]) -> None:
        self.rtcp += packets


def rtp(seq: int, ts: int, payload: bytes, pt: int = 96, ssrc: int = 0xAAAA, marker: bool = False) -> bytes:
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq, ts, ssrc) + payload


def make_source(conn: FakeConnection, kind: str, requests: list[int]) -> PacketSource:
    async def pli() -> None:
        requests.append(1)

    stream = PublishedStream("pub", kind, KeyframeRequester(pli, interval=0.0))
    source = PacketSource(conn, kind, stream, receiver=None)  # type: ignore[arg-type]
    source.codecs = {96: "VP8"} if kind == "video" else {111: "opus"}
    source.media_ssrc = 0xAAAA
    return source


def make_leg(conn: FakeConnection, kind: str, ssrc: int) -> PacketLeg:
    info = LineInfo(codecs={100: "VP8"} if kind == "video" else {109: "opus"}, rtx={100: 101} if kind == "video" else {})
    return PacketLeg(conn, "main", kind, FakeSender(ssrc, ssrc + 1), info)  # type: ignore[arg-type]


async def test_a_leg_waits_for_a_keyframe_rewrites_and_answers_nack_with_rtx() -> None:
    up, down = FakeConnection(), FakeConnection()
    requests: list[int] = []
    source = make_source(up, "video", requests)
    leg = make_leg(down, "video", 0x5555)
    leg.switch(source)
    now = time.monotonic()
    source.on_rtp(rtp(10, 9000, vp8(0x10, p_bit=1)), now)  # a delta frame: held back, keyframe asked for
    assert down.sent == []
    source.on_rtp(rtp(11, 12000, vp8(0x10)), now)  # keyframe start
    source.on_rtp(rtp(12, 12000, b"\x00rest", marker=True), now)
    source.on_rtp(rtp(14, 15000, vp8(0x10, p_bit=1)), now)  # 13 lost upstream: the hub NACKs it
    await asyncio.sleep(0.01)
    assert requests  # the keyframe request went out (coalesced)
    assert [p.lost for p in up.rtcp] == [[13]]
    out = [struct.unpack("!BBHII", p[:12]) for p in down.sent]
    assert [o[4] for o in out] == [0x5555] * 3  # the viewer's SSRC
    assert [o[1] & 0x7F for o in out] == [100] * 3  # the viewer's payload type for VP8
    seqs = [o[2] for o in out]
    assert seqs[1] == (seqs[0] + 1) & 0xFFFF and seqs[2] == (seqs[0] + 3) & 0xFFFF  # the gap stays visible
    assert out[1][1] & 0x80  # marker kept
    assert (out[2][3] - out[0][3]) & 0xFFFFFFFF == 3000  # timestamps keep their spacing
    # The viewer lost the second one: answered as RTX (RFC 4588) with the original sequence number.
    down.sent.clear()
    leg.nack([seqs[1], (seqs[0] - 5) & 0xFFFF])
    assert len(down.sent) == 1
    _, b1, _, ts, ssrc = struct.unpack("!BBHII", down.sent[0][:12])
    assert (b1 & 0x7F, ssrc, ts) == (101, 0x5556, out[1][3])
    assert down.sent[0][12:14] == seqs[1].to_bytes(2) and down.sent[0][14:] == b"\x00rest"
    # The publisher's retransmission of 13 is unwrapped and forwarded in its place.
    rtx = struct.pack("!BBHII", 0x80, 97, 500, 15000, 0xBBBB) + (13).to_bytes(2) + b"late"
    source.rtx_apt = {97: 96}
    source.on_rtx(rtx, now)
    assert source.repaired == 1 and not source.missing
    assert struct.unpack("!BBHII", down.sent[-1][:12])[2] == (seqs[0] + 2) & 0xFFFF
    source.stream.requester.close()


async def test_a_viewer_on_a_lossy_link_gets_each_retransmission_twice() -> None:
    down = FakeConnection()
    requests: list[int] = []
    source = make_source(FakeConnection(), "video", requests)
    leg = make_leg(down, "video", 0x5555)
    leg.switch(source)
    now = time.monotonic()
    source.on_rtp(rtp(11, 12000, vp8(0x10)), now)
    for seq in range(12, 20):
        source.on_rtp(rtp(seq, 12000 + 3000 * (seq - 11), vp8(0x10, p_bit=1)), now)
    first = struct.unpack("!H", down.sent[0][2:4])[0]
    down.sent.clear()

    def copies() -> list[int]:
        return [int.from_bytes(p[12:14]) for p in down.sent]

    leg.nack([(first + 2) & 0xFFFF])  # a clean link: once
    leg.nack([(first + 2) & 0xFFFF])  # asked again at once (a reordering viewer lists it again): not resent again
    await asyncio.sleep(0.06)
    assert copies() == [(first + 2) & 0xFFFF]
    leg.nack([(first + 2) & 0xFFFF])  # asked again later: the copy (or the NACK) was lost
    assert copies() == [(first + 2) & 0xFFFF] * 2
    down.sent.clear()
    leg.note_report(13)  # the viewer reports 5 % loss: every retransmission twice
    leg.nack([(first + 4) & 0xFFFF])
    await asyncio.sleep(0.05)
    assert copies() == [(first + 4) & 0xFFFF] * 2
    rtx_seqs = [int.from_bytes(p[2:4]) for p in down.sent]
    assert rtx_seqs[1] == (rtx_seqs[0] + 1) & 0xFFFF  # each copy its own RTX sequence number (SRTP replay check)
    down.sent.clear()
    leg.note_report(128)  # 50 %: congestion, not random loss: no second copy to feed it
    leg.nack([(first + 5) & 0xFFFF])
    await asyncio.sleep(0.05)
    assert copies() == [(first + 5) & 0xFFFF]
    down.sent.clear()
    requests.clear()
    leg.nack([(first + 12) & 0xFFFF])  # not received from the publisher yet: its repair upstream is under way
    await asyncio.sleep(0.01)
    assert down.sent == [] and not requests
    leg.nack([(first - 1100) & 0xFFFF])  # older than the history: repair failed, the viewer needs a keyframe
    await asyncio.sleep(0.01)
    assert down.sent == [] and requests
    source.stream.requester.close()


async def test_upstream_nack_goes_at_the_gap_and_retries_follow_the_measured_round_trip() -> None:
    up = FakeConnection()
    requests: list[int] = []
    source = make_source(up, "video", requests)
    source.rtx_apt = {97: 96}
    t = 100.0
    source.on_rtp(rtp(1, 3000, vp8(0x10)), t)
    source.on_rtp(rtp(3, 6000, vp8(0x10, p_bit=1)), t)  # 2 lost: NACKed at once, not at the next tick
    assert [p.lost for p in up.rtcp] == [[2]]
    assert source.retry_interval() == NACK_RETRY_S  # no round trip measured yet
    rtx = struct.pack("!BBHII", 0x80, 97, 500, 3000, 0xBBBB) + (2).to_bytes(2) + b"late"
    source.on_rtx(rtx, t + 0.01)  # answered 10 ms later
    assert source.rtt == pytest.approx(0.01) and source.retry_interval() == NACK_RETRY_MIN_S
    source.on_rtp(rtp(5, 9000, vp8(0x10, p_bit=1)), t + 0.1)  # 4 lost
    assert source.check_missing(t + 0.11) == []  # not yet: 10 ms < 1.5 round trips
    assert [p.lost for p in source.check_missing(t + 0.125)] == [[4]]  # asked again after ~one round trip
    for i in range(1, 40):  # never answered: at most NACK_MAX_TRIES NACKs, then a keyframe
        source.check_missing(t + 0.125 + 0.02 * i)
    assert source.unrepaired == 1 and not source.missing and source.nacks_sent <= 1 + NACK_MAX_TRIES
    await asyncio.sleep(0.01)
    assert requests  # PLI only once repair failed
    source.stream.requester.close()


async def test_on_a_reordering_link_the_nack_waits_as_long_as_packets_come_late() -> None:
    up = FakeConnection()
    source = make_source(up, "video", [])
    t = 100.0
    source.on_rtp(rtp(1, 3000, vp8(0x10)), t)
    source.on_rtp(rtp(3, 6000, vp8(0x10, p_bit=1)), t)  # 2 missing: NACKed at once (no reordering seen yet)
    source.on_rtp(rtp(2, 6000, vp8(0x10, p_bit=1)), t + 0.02)  # it was only late: the link reorders
    assert [p.lost for p in up.rtcp] == [[2]] and source.reorder_wait == pytest.approx(0.025)
    source.on_rtp(rtp(5, 9000, vp8(0x10, p_bit=1)), t + 0.1)  # 4 missing: no NACK yet
    assert len(up.rtcp) == 1 and source.check_missing(t + 0.11) == []
    assert [p.lost for p in source.check_missing(t + 0.13)] == [[4]]  # later than any reordering seen: lost
    source.on_rtp(rtp(7, 9000, vp8(0x10, p_bit=1)), t + 0.2)  # 6 missing, and it comes late: never NACKed
    source.on_rtp(rtp(6, 9000, vp8(0x10, p_bit=1)), t + 0.21)
    assert all(6 not in p.lost for p in source.check_missing(t + 0.3)) and 6 not in source.missing
    source.check_missing(t + 6.0)
    assert source.reorder_wait == 0.0  # forgotten after 5 s without reordering
    source.stream.requester.close()


async def test_a_switch_continues_the_legs_numbering_and_timeline() -> None:
    up1, up2, down = FakeConnection(), FakeConnection(), FakeConnection()
    a, b = make_source(up1, "audio", []), make_source(up2, "audio", [])
    leg = make_leg(down, "audio", 0x7777)
    leg.switch(a)
    now = time.monotonic()
    for i in range(3):
        a.on_rtp(rtp(100 + i, 960 * i, b"a", pt=111), now + 0.02 * i)
    leg.switch(b)
    b.on_rtp(rtp(40000, 123456789, b"b", pt=111), now + 0.1)
    out = [struct.unpack("!BBHII", p[:12]) for p in down.sent]
    assert [(o[2] - out[0][2]) & 0xFFFF for o in out] == [0, 1, 2, 3]
    assert abs(((out[3][3] - out[2][3]) & 0xFFFFFFFF) - 2880) <= 1  # the time that passed, in 48 kHz units
    assert a.legs == [] and b.legs == [leg]


async def test_sender_reports_map_both_tracks_to_the_publishers_clock() -> None:
    # Audio and video of one publisher: their SRs share its NTP clock; each leg's SR must map a
    # forwarded timestamp to the same NTP time as the publisher's SR maps the original (lip sync).
    now = time.monotonic()
    ntp0 = 0xE000_0000_0000_0000
    for kind, rate, pt in (("audio", 48000, 111), ("video", 90000, 96)):
        up, down = FakeConnection(), FakeConnection()
        source = make_source(up, kind, [])
        leg = make_leg(down, kind, 0x9999)
        leg.switch(source)
        payload = vp8(0x10) if kind == "video" else b"x"
        source.on_rtp(rtp(1, 50_000, payload, pt=pt), now)
        source.sr = (ntp0, 40_000, now)  # the publisher: NTP ntp0 ↔ RTP 40,000
        report = leg.sender_report()
        assert report is not None
        ntp, rtp_out = report.sender_info.ntp_timestamp, report.sender_info.rtp_timestamp
        # NTP time of the forwarded packet (out ts 50,000 + offset) by the leg's mapping ...
        out_ts = (50_000 + leg.ts_offset) & 0xFFFFFFFF
        leg_time = (ntp - ntp0) / 2**32 + ((out_ts - rtp_out + 2**31) % 2**32 - 2**31) / rate
        # ... equals the publisher's: (50,000 - 40,000) / rate after ntp0.
        assert abs(leg_time - 10_000 / rate) < 0.001
        source.stream.requester.close()


async def test_the_packet_path_forwards_without_the_jitter_buffer(small_clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    a = await connect(engine, "r1", "a", small_clip)
    b = await connect(engine, "r1", "b", None)
    try:
        await wait_for(lambda: b.stats["main"].decoded >= 20 and b.stats["audio1"].decoded >= 20)
        server_a, server_b = engine.room("r1").peers["a"], engine.room("r1").peers["b"]
        assert server_a.packets is not None and server_b.packets is not None
        assert server_a.packets.sources["video"].packets_in > 20
        assert server_b.packets.legs["main"].packets > 20
        assert server_a.streams["video"].frames_in == 0  # aiortc's receiver never assembled a frame
        assert (b.stats["main"].width, b.stats["main"].height) == (320, 240)
    finally:
        await a.close()
        await b.close()
        await engine.close()


async def test_loss_is_repaired_both_ways(small_clip: Clip) -> None:
    """Upstream loss is NACKed by the hub; a viewer's NACKs are answered from the leg's history."""
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    a = await connect(engine, "r1", "a", small_clip)
    b = await connect(engine, "r1", "b", None)
    try:
        await wait_for(lambda: b.stats["main"].decoded >= 10)
        server_a, server_b = engine.room("r1").peers["a"], engine.room("r1").peers["b"]
        assert server_a.packets is not None and server_b.packets is not None
        source = server_a.packets.sources["video"]
        key = source.media_ssrc.to_bytes(4)
        on_rtp = server_a.packets._by_ssrc[key]
        count = {"in": 0, "out": 0}

        def lossy_in(plain: bytes, now: float) -> None:
            count["in"] += 1
            if count["in"] % 17:  # one packet in 17 lost before the hub
                on_rtp(plain, now)

        server_a.packets._by_ssrc[key] = lossy_in
        send = server_b.packets.send

        def lossy_out(packet: bytes) -> None:
            count["out"] += 1
            if count["out"] % 13:  # and one in 13 after it
                send(packet)

        server_b.packets.send = lossy_out  # type: ignore[method-assign]
        before = b.stats["main"].decoded
        await asyncio.sleep(3)
        leg = server_b.packets.legs["main"]
        assert source.repaired >= 5 and source.nacks_sent >= 5
        assert leg.retransmitted >= 5
        assert b.stats["main"].decoded - before >= 75  # of 90 sent: repaired, not frozen
    finally:
        await a.close()
        await b.close()
        await engine.close()


async def test_frame_forwarding_is_kept_as_a_fallback(small_clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1), forwarding="frames")
    a = await connect(engine, "r1", "a", small_clip)
    b = await connect(engine, "r1", "b", None)
    try:
        await wait_for(lambda: b.stats["main"].decoded >= 15)
        assert engine.room("r1").peers["a"].packets is None
        assert engine.room("r1").peers["a"].streams["video"].frames_in >= 15
    finally:
        await a.close()
        await b.close()
        await engine.close()


async def test_a_reconnecting_viewer_keeps_its_slots(small_clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=1, audio=2))
    room = engine.room("r1")
    a = await connect(engine, "r1", "a", small_clip, decode=False)
    b = await connect(engine, "r1", "b", small_clip, decode=False)
    c = await connect(engine, "r1", "c", None, decode=False)
    again = None
    try:
        assert (room.peers["c"].mapping["main"], room.peers["c"].mapping["thumb1"]) == ("a", "b")
        room.peers["b"].streams["audio"].note_audio_level(10)  # b speaks: ranked first, but a stays on main
        room.reassign()
        assert (room.peers["c"].mapping["main"], room.peers["c"].mapping["thumb1"]) == ("a", "b")
        again = await connect(engine, "r1", "c", None, decode=False)  # c's network changed: a new offer
        assert (room.peers["c"].mapping["main"], room.peers["c"].mapping["thumb1"]) == ("a", "b")
        await wait_for(lambda: again is not None and again.stats["main"].frames >= 10)
        # Now the publisher on c's main slot changes network: c keeps the slot and gets the new stream.
        before = again.stats["main"].frames
        await a.close()
        a = await connect(engine, "r1", "a", small_clip, decode=False)
        assert room.peers["c"].mapping["main"] == "a"
        await wait_for(lambda: again is not None and again.stats["main"].frames >= before + 10)
    finally:
        for peer in (a, b, c, again):
            if peer is not None:
                await peer.close()
        await engine.close()


async def test_a_lossy_viewer_is_polled_for_what_it_misses() -> None:
    """aiortc's receiver NACKs only when it sees a new hole, listing everything it misses; a lost NACK left a hole
    open until its next loss (a freeze). A viewer reporting loss gets a non-final packet one place late every
    POLL_S: it NACKs that hole and lists the others again. The held packet's own NACK is not answered."""
    down = FakeConnection()
    source = make_source(FakeConnection(), "video", [])
    leg = make_leg(down, "video", 0x5555)
    leg.switch(source)
    now = time.monotonic()

    def seqs() -> list[int]:  # the media stream's (not the retransmissions')
        return [int.from_bytes(p[2:4]) for p in down.sent if int.from_bytes(p[8:12]) == 0x5555]

    source.on_rtp(rtp(11, 12000, vp8(0x10)), now)
    source.on_rtp(rtp(12, 12000, b"\x00a"), now)
    first = seqs()[0]
    assert seqs() == [first, first + 1] and leg.polls == 0  # no loss reported: in order
    leg.note_report(13)  # 5 %
    source.on_rtp(rtp(13, 12000, b"\x00b", marker=True), now)  # the end of a frame is never held
    assert seqs()[-1] == first + 2
    source.on_rtp(rtp(14, 15000, vp8(0x10, p_bit=1)), now)  # held back ...
    assert seqs()[-1] == first + 2 and leg.polls == 1
    source.on_rtp(rtp(15, 15000, b"\x00c"), now)  # ... and sent right after the next
    assert seqs()[-2:] == [first + 4, first + 3]
    leg.nack([first + 3, first + 1])  # the viewer NACKs the held one (and lists a real hole): only the hole is resent
    await asyncio.sleep(0)
    assert [int.from_bytes(p[12:14]) for p in down.sent if int.from_bytes(p[8:12]) == 0x5556] == [first + 1]
    down.sent.clear()
    source.on_rtp(rtp(16, 15000, b"\x00d"), now + 0.05)  # within POLL_S: no poll
    assert seqs() == [first + 5]
    source.on_rtp(rtp(17, 15000, b"\x00e"), now + 0.11)  # held; no packet follows: sent after HOLD_MAX_S
    assert seqs() == [first + 5] and leg.polls == 2
    await asyncio.sleep(0.03)
    assert seqs() == [first + 5, first + 6]
    # With repair off (the benchmark's baseline) the viewer's NACKs go unanswered: no polls either.
    off = FakeConnection()
    off.repair = False
    quiet = make_leg(off, "video", 0x6666)
    quiet.switch(source)
    quiet.note_report(13)
    source.on_rtp(rtp(18, 18000, vp8(0x10)), now + 0.3)
    source.on_rtp(rtp(19, 18000, b"\x00f"), now + 0.3)
    assert quiet.polls == 0 and len(off.sent) == 2
    source.stream.requester.close()
