"""Packet-level forwarding: decrypt each SRTP packet once, rewrite it per viewer leg, encrypt, send.

aiortc still does everything that happens once per connection: ICE (aioice), DTLS and the SRTP keys,
SDP. Per packet, the forwarder takes over the layers below aiortc's RTP stack, because those are where
the CPU goes (notes/media-forwarding.md: waking a task per datagram dominates):

* **Receive, UDP**: each ICE socket's protocol (`aioice.ice.StunProtocol`) gets its own
  ``datagram_received``. A datagram whose first byte is 128..191 (RTP/RTCP, RFC 7983 demultiplexing) and
  whose SSRC (bytes 8..11, in clear in SRTP) is one of this connection's published media streams is taken;
  everything else (STUN: ICE checks and consent, DTLS, RTCP, unknown SSRCs) goes to aioice unchanged. Safe
  because aioice hands such datagrams to aiortc without looking at them (``Connection.data_received``), and
  aiortc would unprotect them with the same session.
* **Receive, SRTP**: unprotected with aiortc's own inbound session (`RTCDtlsTransport._rx_srtp`): the
  packets taken never reach aiortc, so no packet is unprotected twice (its replay window stays right).
* **Send, SRTP + UDP**: protected with the viewer connection's outbound session (``_tx_srtp``) and written
  with ``sendto`` on the nominated pair's socket (``Connection._nominated[1]``), looked up per packet so
  a changed pair is followed. Safe because libsrtp keeps state per SSRC and the SSRCs written here are the
  viewer senders' own, for which aiortc's sender never sends RTP (its track stays idle in this mode).
* **RTCP**: the DTLS transport's ``_handle_rtcp_data`` is wrapped: viewers' NACK, PLI/FIR and REMB for a
  leg's SSRC are answered here; everything else continues to aiortc's router as before. A viewer sender's
  sender reports are rewritten (``_send_rtcp``) so they describe the forwarded stream, mapped from the
  publisher's own sender reports (lip sync). Upstream, the hub sends its own receiver reports, NACKs and
  REMB (the lowest estimate among the stream's viewers), since aiortc's receiver no longer sees the packets.

While a recorder taps a stream (frame sinks on its `PublishedStream`), its packets also go to aiortc's
receiver, whose jitter buffer assembles the frames the recorder remuxes: the frame path is kept for that.
`PRIVATE_NAMES` lists every private name used; tests/media/test_packets.py fails if one disappears.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pylibsrtp
from aiortc import RTCRtpReceiver, RTCRtpSender, clock
from aiortc import sdp as aiortc_sdp
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtcdtlstransport import RTCDtlsTransport, State
from aiortc.rtp import (
    RTCP_PSFB_APP,
    RTCP_PSFB_PLI,
    RTCP_RTPFB_NACK,
    AnyRtcpPacket,
    RtcpPacket,
    RtcpPsfbPacket,
    RtcpReceiverInfo,
    RtcpRrPacket,
    RtcpRtpfbPacket,
    RtcpSenderInfo,
    RtcpSrPacket,
    RtpPacket,
    pack_remb_fci,
    unpack_remb_fci,
)

from hub.media.tap import JITTER_BUFFER_ATTR, reset_jitter_buffer

if TYPE_CHECKING:
    from hub.media.tracks import PublishedStream

log = logging.getLogger(__name__)

# aiortc 1.16 / aioice 0.13 names this module relies on (object, attribute).
PRIVATE_NAMES = (
    ("RTCDtlsTransport", "_rx_srtp"),
    ("RTCDtlsTransport", "_tx_srtp"),
    ("RTCDtlsTransport", "_state"),
    ("RTCDtlsTransport", "_handle_rtcp_data"),
    ("RTCDtlsTransport", "_rtp_router"),
    ("RTCDtlsTransport", "_rtp_header_extensions_map"),
    ("RTCDtlsTransport", "_send_rtp"),
    ("RTCIceTransport", "_connection"),
    ("Connection", "_protocols"),
    ("Connection", "_nominated"),
    ("StunProtocol", "datagram_received"),
    ("RTCRtpSender", "_ssrc"),
    ("RTCRtpSender", "_rtx_ssrc"),
    ("RTCRtpSender", "_send_rtcp"),
    ("RTCRtpReceiver", "_handle_rtp_packet"),
    ("JitterBuffer", "_origin"),
)

AUDIO_LEVEL_URI = "urn:ietf:params:rtp-hdrext:ssrc-audio-level"
ABS_SEND_TIME_URI = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
RTCP_PSFB_FIR = 4
HISTORY = 1024  # packets kept per viewer leg for NACKs (≈ 3 s of 640×480 video); a power of two
NACK_RETRY_S = 0.12  # ask the publisher again after this long without the packet, until a round trip is measured
NACK_RETRY_MIN_S = 0.02  # retries follow the measured NACK→RTX round trip (×1.5), never faster than this
NACK_GIVE_UP_S = 0.36  # after this long (and at least `NACK_TRIES` NACKs) the viewers need a keyframe
NACK_TRIES = 3
REORDER_MAX_S = 0.05  # a packet this late after its gap was reordered, not repaired by a retry
REORDER_FORGET_S = 5.0  # without reordering this long, NACKs go at the gap again
RTX_TWICE_LOSS = 0.02  # a viewer reporting this much loss (up to RTX_TWICE_MAX) gets each retransmission twice
RTX_TWICE_MAX = 0.15
RTX_SUPPRESS_S = 0.05  # a packet resent to a viewer is not resent again sooner than this
RTX_AGAIN_S = 0.01  # the second copy this long after the first (past a short burst of loss)
POLL_LOSS = 0.01  # a viewer reporting this much loss (up to RTX_TWICE_MAX) is asked what it misses (`PacketLeg._poll`)
POLL_S = 0.1  # that often
HOLD_MAX_S = 0.01  # a packet held back for a poll goes out after this long if no packet follows it
NACK_MAX_TRIES = 8  # on a short round trip: at most this many NACKs for one packet
NACK_TICK_S = 0.01  # the report loop's period while something is missing (NACK_RETRY_S / 2 otherwise)
MAX_GAP = 200  # a larger jump in sequence numbers is a restart, not loss
REPORT_INTERVAL_S = 1.0
MAX_BITRATE = 2_500_000  # the REMB sent upstream while no viewer has reported an estimate
CLOCK_RATE = {"video": 90000, "audio": 48000}

_HEADER = struct.Struct("!BBHII")


@dataclass
class LineInfo:
    """What one m-line negotiated, as the answer states it (payload types are the offerer's)."""

    codecs: dict[int, str] = field(default_factory=dict)  # payload type → codec name ("VP8", "opus")
    rtx: dict[int, int] = field(default_factory=dict)  # media payload type → its RTX payload type
    extensions: dict[str, int] = field(default_factory=dict)  # URI → id
    ssrcs: list[int] = field(default_factory=list)  # the remote's media SSRC, then its RTX SSRC (offer)


def line_infos(offer: aiortc_sdp.SessionDescription, answer: aiortc_sdp.SessionDescription) -> list[LineInfo]:
    infos = []
    for offered, answered in zip(offer.media, answer.media, strict=True):
        info = LineInfo()
        for codec in answered.rtp.codecs:
            if codec.payloadType is None:
                continue
            if codec.name.lower() == "rtx":
                apt = codec.parameters.get("apt")
                if apt is not None:
                    info.rtx[int(apt)] = codec.payloadType
            else:
                info.codecs[codec.payloadType] = codec.name
        info.extensions = {ext.uri: ext.id for ext in answered.rtp.headerExtensions}
        for group in offered.ssrc_group:
            if group.semantic == "FID":
                info.ssrcs = [int(s) for s in group.items]
        if not info.ssrcs and offered.ssrc:
            info.ssrcs = [offered.ssrc[0].ssrc]
        infos.append(info)
    return infos


def starts_keyframe(codec: str | None, payload: bytes) -> bool:
    """Whether this RTP payload is the first packet of a keyframe (VP8: RFC 7741, H.264: RFC 6184)."""
    if not payload:
        return False
    if codec == "VP8":
        first = payload[0]
        if not first & 0x10 or first & 0x07:  # S bit, partition 0
            return False
        i = 1
        if first & 0x80:  # X: extension byte
            if len(payload) < 2:
                return False
            ext = payload[1]
            i = 2
            if ext & 0x80:  # I: picture id, 7 or 15 bits
                i += 2 if len(payload) > i and payload[i] & 0x80 else 1
            if ext & 0x40:  # L: TL0PICIDX
                i += 1
            if ext & 0x30:  # T or K
                i += 1
        return len(payload) > i + 2 and not payload[i] & 0x01
    if codec == "H264":
        nal = payload[0] & 0x1F
        if nal in (5, 7):
            return True
        if nal == 24:  # STAP-A: 16-bit sizes, then NAL units
            i = 1
            while i + 2 < len(payload):
                size = payload[i] << 8 | payload[i + 1]
                if payload[i + 2] & 0x1F in (5, 7):
                    return True
                i += 2 + size
            return False
        if nal == 28 and len(payload) > 1:  # FU-A: the start fragment of an IDR slice
            return bool(payload[1] & 0x80) and payload[1] & 0x1F in (5, 7)
        return False
    return True


def _one_byte_extension(data: bytes, start: int, end: int, wanted: int) -> int | None:
    """The first byte of extension `wanted` in a one-byte-header block (RFC 8285), if present."""
    i = start
    while i < end:
        b = data[i]
        if b == 0:  # padding
            i += 1
            continue
        ext_id, length = b >> 4, (b & 0x0F) + 1
        if ext_id == 15:
            return None
        if ext_id == wanted and i + 1 < end:
            return data[i + 1]
        i += 1 + length
    return None


def _signed(delta: int) -> int:
    """A difference of 16-bit sequence numbers as -32768..32767."""
    return (delta + 0x8000) % 0x10000 - 0x8000


def _abs_send_time(extension_id: int) -> bytes:
    # 6.18 fixed-point seconds, 24 bits (the abs-send-time extension), in a one-byte-header block.
    value = int(time.time() * 262144) & 0xFFFFFF
    return bytes((0xBE, 0xDE, 0, 1, extension_id << 4 | 2, value >> 16, (value >> 8) & 0xFF, value & 0xFF))


class PacketSource:
    """One publisher's audio or video as packets: receive statistics, repair upstream, its viewer legs."""

    def __init__(self, connection: PeerPackets, kind: str, stream: PublishedStream, receiver: RTCRtpReceiver) -> None:
        self.connection = connection
        self.kind = kind
        self.video = kind == "video"
        self.rate = CLOCK_RATE[kind]
        self.stream = stream
        self.receiver = receiver
        self.legs: list[PacketLeg] = []
        self.codecs: dict[int, str] = {}
        self.rtx_apt: dict[int, int] = {}  # RTX payload type → media payload type
        self.level_id: int | None = None
        self.media_ssrc = 0
        self.rtx_ssrc = 0
        # receive statistics (RFC 3550 A.3) for the receiver reports upstream
        self.received = 0
        self.base_seq = -1
        self.max_seq = -1
        self.cycles = 0
        self._expected_prior = 0
        self._received_prior = 0
        self.sr: tuple[int, int, float] | None = None  # publisher's last SR: NTP, RTP, when (monotonic)
        # repair upstream: sequence number → (first missed at, NACKs sent, last NACK at)
        self.missing: dict[int, tuple[float, int, float]] = {}
        self.rtt: float | None = None  # smoothed time from a NACK to its RTX (the repair round trip)
        self.reorder_wait = 0.0  # how late packets out of order have come lately (0: NACK at the gap)
        self.reorder_at = 0.0
        self.repaired = 0
        self.unrepaired = 0
        self.nacks_sent = 0
        self.packets_in = 0
        self.feeding = False  # handing packets to aiortc's receiver too (a recorder needs frames)
        self.feed_floor = 0  # the receiver is fed no packet before this sequence number (see `restart_frames`)
        # aiortc's jitter buffer for this receiver, looked up once: it is only ever emptied in place
        # (`tap.reset_jitter_buffer`), so the per-packet path reads where it stands without probing the receiver.
        self.jitter: JitterBuffer | None = getattr(receiver, JITTER_BUFFER_ATTR, None)

    # -- receive ----------------------------------------------------------------------------------

    def on_rtp(self, plain: bytes, now: float) -> None:
        self.packets_in += 1
        seq = plain[2] << 8 | plain[3]
        if self.max_seq < 0:
            self.base_seq = self.max_seq = seq
        else:
            delta = (seq - self.max_seq) & 0xFFFF
            if 0 < delta < 0x8000:
                if seq < self.max_seq:
                    self.cycles += 0x10000
                if 1 < delta <= MAX_GAP:
                    self._lost(self.max_seq, delta, now)
                self.max_seq = seq
            elif delta:
                asked = self.missing.pop(seq, None)
                if asked is not None:  # late, or repaired without RTX
                    self.repaired += 1
                    if now - asked[0] < REORDER_MAX_S:  # reordered on the way: wait that long before a NACK
                        self.reorder_wait = max(now - asked[0] + 0.005, self.reorder_wait)
                        self.reorder_at = now
        self.received += 1
        self._forward(plain, seq, now)

    def on_rtx(self, plain: bytes, now: float) -> None:
        b0 = plain[0]
        start = self._payload_start(plain, b0)
        if len(plain) < start + 2:
            return  # padding only (bandwidth probing)
        seq = plain[start] << 8 | plain[start + 1]
        asked = self.missing.pop(seq, None)
        if asked is None:
            return  # not asked for by us: a viewer already has it or it is a duplicate
        self.repaired += 1
        if asked[1] == 1:  # only an answer to a single NACK is a clean round-trip sample
            sample = now - asked[2]
            self.rtt = sample if self.rtt is None else 0.875 * self.rtt + 0.125 * sample
        pt = self.rtx_apt.get(plain[1] & 0x7F)
        if pt is None:
            return
        # Unwrap (RFC 4588): the original sequence number, payload type and payload, no extensions.
        original = _HEADER.pack(0x80 | (b0 & 0x20), (plain[1] & 0x80) | pt, seq, int.from_bytes(plain[4:8]), self.media_ssrc)
        self._forward(original + plain[start + 2 :], seq, now)

    @staticmethod
    def _payload_start(plain: bytes, b0: int) -> int:
        start = 12 + 4 * (b0 & 0x0F)
        if b0 & 0x10:
            start += 4 + 4 * (plain[start + 2] << 8 | plain[start + 3])
        return start

    def _forward(self, plain: bytes, seq: int, now: float) -> None:
        b0 = plain[0]
        start = 12 + 4 * (b0 & 0x0F)
        if b0 & 0x10:
            ext_start = start + 4
            start = ext_start + 4 * (plain[start + 2] << 8 | plain[start + 3])
            if self.level_id is not None:
                level = _one_byte_extension(plain, ext_start, start, self.level_id)
                if level is not None:
                    self.stream.note_audio_level(level & 0x7F)
        payload = plain[start:]
        pt = plain[1] & 0x7F
        key = self.video and starts_keyframe(self.codecs.get(pt), payload)
        ts = int.from_bytes(plain[4:8])
        marker = plain[1] & 0x80
        padding = b0 & 0x20
        for leg in self.legs:
            leg.forward(seq, ts, pt, marker, padding, payload, key, now)
        if self.stream.sinks:
            # A recorder taps this stream: aiortc's receiver assembles its frames (the frame path).
            if not self.feeding:
                self.feeding = True  # what the receiver saw before (if anything) is stale
                self.restart_frames(seq)
            elif not self._feeds(seq):
                return
            packet = RtpPacket.parse(plain, self.connection.dtls._rtp_header_extensions_map)
            task = asyncio.ensure_future(self.receiver._handle_rtp_packet(packet, arrival_time_ms=clock.current_ms()))
            self.connection.keep(task)
        else:
            self.feeding = False

    def _feeds(self, seq: int) -> bool:
        """Whether aiortc's receiver gets this packet: not one from before a restart of the frame path, nor one
        behind where its jitter buffer stands (it would drop it, or start over at it when 100 behind, dropping
        every frame it holds: a late repair of a hole it already gave up on)."""
        jitter = self.jitter
        origin = None if jitter is None else jitter._origin
        return _signed(seq - (self.feed_floor if origin is None else origin)) >= 0

    def restart_frames(self, floor: int) -> None:
        """Start aiortc's frame assembly afresh from sequence number `floor` on, as after a gap.

        Whatever it held is dropped; the stream's frame gate (`PublishedStream.on_gap`) then lets no frame through
        before a whole keyframe, so a recorder never gets the tail of a frame or a frame whose reference it lacks.
        Only frames decide that: a keyframe's first *packet* seen here says nothing about the frames aiortc's
        jitter buffer still holds before it (the recording bug: a partial frame released right before a keyframe)."""
        self.feed_floor = floor & 0xFFFF
        reset_jitter_buffer(self.receiver)
        self.stream.on_gap()

    # -- repair and reports upstream ----------------------------------------------------------------

    def _lost(self, last: int, delta: int, now: float) -> None:
        lost = [(last + i) & 0xFFFF for i in range(1, delta)]
        if not self.connection.repair:
            return
        if self.reorder_wait:
            # Packets have been arriving out of order: they are NACKed once they are later than that
            # (`check_missing`), so a reordering link does not cost a retransmission of every late packet.
            for seq in lost:
                self.missing[seq] = (now, 0, now)
            return
        for seq in lost:
            self.missing[seq] = (now, 1, now)
        self.nacks_sent += 1
        self.connection.send_rtcp(
            [RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=self.connection.rtcp_ssrc, media_ssrc=self.media_ssrc, lost=lost)]
        )

    def check_missing(self, now: float) -> list[AnyRtcpPacket]:
        """NACK again what is still missing; what stays missing after `NACK_TRIES` costs a keyframe."""
        again: list[int] = []
        gave_up = False
        retry = self.retry_interval()
        if self.reorder_wait and now - self.reorder_at > REORDER_FORGET_S:
            self.reorder_wait = 0.0  # no packet came out of order for a while: NACK at the gap again
        for seq, (since, tries, last) in list(self.missing.items()):
            if not tries:
                if now - since >= self.reorder_wait:
                    self.missing[seq] = (since, 1, now)
                    again.append(seq)
                continue
            if now - last < retry:
                continue
            if tries >= NACK_MAX_TRIES or (tries >= NACK_TRIES and now - since >= NACK_GIVE_UP_S):
                del self.missing[seq]
                self.unrepaired += 1
                gave_up = True
            else:
                self.missing[seq] = (since, tries + 1, now)
                again.append(seq)
        if gave_up and self.video:
            self.want_keyframe()  # PLI only when repair failed
            if self.feeding:  # aiortc's jitter buffer would wait a second at the hole: restart it past the hole
                self.restart_frames(self.max_seq + 1)
        if not again:
            return []
        self.nacks_sent += 1
        return [RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=self.connection.rtcp_ssrc, media_ssrc=self.media_ssrc, lost=again)]

    def retry_interval(self) -> float:
        """How long to wait for an RTX before asking again: 1.5 round trips once one is measured."""
        if self.rtt is None:
            return NACK_RETRY_S
        return min(NACK_RETRY_S, max(NACK_RETRY_MIN_S, 1.5 * self.rtt))

    def receiver_report(self, now: float) -> RtcpReceiverInfo | None:
        if self.max_seq < 0 or not self.media_ssrc:
            return None
        extended = self.cycles + self.max_seq
        expected = extended - self.base_seq + 1
        lost = max(0, expected - self.received)
        expected_interval = expected - self._expected_prior
        received_interval = self.received - self._received_prior
        self._expected_prior, self._received_prior = expected, self.received
        lost_interval = expected_interval - received_interval
        fraction = (lost_interval << 8) // expected_interval if expected_interval > 0 and lost_interval > 0 else 0
        lsr = dlsr = 0
        if self.sr is not None:
            lsr = (self.sr[0] >> 16) & 0xFFFFFFFF
            dlsr = int((now - self.sr[2]) * 65536)
        return RtcpReceiverInfo(
            ssrc=self.media_ssrc,
            fraction_lost=min(fraction, 255),
            packets_lost=min(lost, 0x7FFFFF),
            highest_sequence=extended & 0xFFFFFFFF,
            jitter=0,
            lsr=lsr,
            dlsr=dlsr,
        )

    def estimate(self) -> int | None:
        """The lowest bandwidth estimate among this stream's viewers (REMB), if any reported one."""
        estimates = [leg.remb for leg in self.legs if leg.remb]
        return min(estimates) if estimates else None

    def want_keyframe(self) -> None:
        self.stream.requester.request()  # coalesced and rate-limited (keyframes.py)


class PacketLeg:
    """One viewer slot: the rewrite (SSRC, payload type, sequence number, timestamp) and its history."""

    def __init__(self, connection: PeerPackets, slot: str, kind: str, sender: RTCRtpSender, info: LineInfo) -> None:
        self.connection = connection
        self.slot = slot
        self.kind = kind
        self.rate = CLOCK_RATE[kind]
        self.ssrc: int = sender._ssrc
        self.rtx_ssrc: int = sender._rtx_ssrc
        self.info = info
        self.abs_id = info.extensions.get(ABS_SEND_TIME_URI) if kind == "video" else None
        self.source: PacketSource | None = None
        self.pt_map: dict[int, int] = {}
        self.need_key = kind == "video"
        self.rebase = True
        self.started = False
        self.seq_offset = 0
        self.ts_offset = 0
        self.last_seq = 0
        self.last_ts = 0
        self.last_time = 0.0
        self.rtx_seq = random.randint(0, 0xFFFF)
        self.packets = 0
        self.octets = 0
        self.retransmitted = 0
        self.remb = 0
        self.twice = 0  # retransmissions sent twice
        self.rtx_octets = 0  # payload bytes resent (both copies)
        self.nacks_in = 0  # NACK messages from the viewer, and the sequence numbers they listed
        self.nacked = 0
        self.polls = 0  # packets sent one place late to have the viewer list what it misses (`_poll`)
        self.poll_at = 0.0
        self.held: bytes | None = None
        self.polled = kind == "video" and connection.repair  # (no NACK for audio in aiortc; repair off: NACKs unanswered)
        self.loss = 0.0  # the share of packets this viewer says it lost lately (its receiver reports)
        # per history slot: the sequence number last resent and when
        self.asked: list[tuple[int, float]] = [(-1, 0.0)] * HISTORY
        self.history: list[tuple[int, int, int, bytes] | None] = [None] * HISTORY  # seq, ts, marker|pt, payload
        self._sr_hook(sender)

    def switch(self, source: PacketSource | None) -> None:
        """Carry `source` from now on; video starts at its next keyframe, which is requested."""
        if source is self.source:
            return
        if self.source is not None and self in self.source.legs:
            self.source.legs.remove(self)
        self.source = source
        self.rebase = True
        self.remb = 0
        if source is None:
            return
        self.pt_map = {}
        by_name = {name: pt for pt, name in self.info.codecs.items()}
        for pt, name in source.codecs.items():
            if name in by_name:
                self.pt_map[pt] = by_name[name]
        source.legs.append(self)
        if self.kind == "video":
            self.need_key = True
            source.want_keyframe()

    def forward(self, seq: int, ts: int, pt: int, marker: int, padding: int, payload: bytes, key: bool, now: float) -> None:
        if self.need_key:
            if not key:
                assert self.source is not None
                self.source.want_keyframe()
                return
            self.need_key = False
        if self.rebase:
            self._rebase(seq, ts, now)
        out_pt = self.pt_map.get(pt)
        if out_pt is None:
            return
        seq = (seq + self.seq_offset) & 0xFFFF
        ts = (ts + self.ts_offset) & 0xFFFFFFFF
        mpt = marker | out_pt
        self.history[seq & (HISTORY - 1)] = (seq, ts, mpt, payload)
        if self.abs_id:
            packet = _HEADER.pack(0x90 | padding, mpt, seq, ts, self.ssrc) + _abs_send_time(self.abs_id) + payload
        else:
            packet = _HEADER.pack(0x80 | padding, mpt, seq, ts, self.ssrc) + payload
        held = self.held
        if held is not None:  # the packet held back for a poll goes right after this one
            self.held = None
            self.connection.send(packet)
            self.connection.send(held)
        elif not marker and now >= self.poll_at and POLL_LOSS <= self.loss <= RTX_TWICE_MAX and self.polled:
            self._poll(seq, packet, now)
        else:
            self.connection.send(packet)
        if (seq - self.last_seq) & 0xFFFF < 0x8000:
            self.last_seq, self.last_ts, self.last_time = seq, ts, now
        self.packets += 1
        self.octets += len(payload)

    def _poll(self, seq: int, packet: bytes, now: float) -> None:
        """Hold this packet back until the next one is sent, so that the viewer sees a hole for a moment and NACKs:
        aiortc's receiver lists *everything* it still misses in each NACK, but sends one only when it notices a new
        hole. On a lossy uplink that NACK itself is lost as often as a packet (5 % at 5 % loss), and the hole then
        stays open until the viewer's next loss (a freeze of 0.2-1 s: bench/repair_trace.py found every remaining
        freeze at 5 % loss to be such a lost NACK). One packet sent one place late every `POLL_S` while the viewer
        reports loss makes it say again what it misses: a lost NACK costs at most `POLL_S` plus a round trip.
        Costs no bytes downstream (the same packets, one pair swapped; a non-final packet of a frame, whose next
        packet follows within a millisecond), one NACK upstream per poll. The NACK for the held packet itself is
        not answered (`asked`, as a packet just resent). Browsers ask again every round trip by themselves; to
        them this is a one-place reordering, which their NACK module learns (its reordering histogram) and then waits
        out before asking: at worst an early NACK that is not answered."""
        self.held = packet
        self.poll_at = now + POLL_S
        self.polls += 1
        self.asked[seq & (HISTORY - 1)] = (seq, now)
        asyncio.get_running_loop().call_later(HOLD_MAX_S, self._release, packet)

    def _release(self, packet: bytes) -> None:
        if self.held is packet:  # no packet followed (lost upstream, or the stream paused)
            self.held = None
            if not self.connection.closed:
                self.connection.send(packet)

    def _rebase(self, seq: int, ts: int, now: float) -> None:
        # Continue this leg's own numbering and timeline across a change of source (or start one).
        if self.started:
            step = max(1, int((now - self.last_time) * self.rate))
            self.seq_offset = (self.last_seq + 1 - seq) & 0xFFFF
            self.ts_offset = (self.last_ts + step - ts) & 0xFFFFFFFF
        else:
            self.seq_offset = (random.randint(0, 0x7FFF) - seq) & 0xFFFF
            self.ts_offset = (random.randint(0, 0xFFFFFFFF) - ts) & 0xFFFFFFFF
            self.last_seq = (seq + self.seq_offset - 1) & 0xFFFF
            self.started = True
        self.rebase = False

    def nack(self, lost: list[int]) -> None:
        """Answer a viewer's NACK from the history, as RTX (a plain resend would fail SRTP's replay check).

        On a lossy downlink the retransmission is lost as often as the packet was, and the viewer asks again only
        when it notices another loss (aiortc) or after a round trip (browsers): a freeze. So the RTX goes twice,
        `RTX_AGAIN_S` apart, while the viewer's receiver reports say it loses `RTX_TWICE_LOSS` to `RTX_TWICE_MAX`
        (never more: that much loss is congestion, which a second copy would feed). A packet is not resent again
        within `RTX_SUPPRESS_S`: a viewer that sees packets reordered (aiortc NACKs at once, and lists everything
        still missing in every NACK) would otherwise have each late packet sent two or three times."""
        self.nacks_in += 1
        self.nacked += len(lost)
        rtx_pt_of = self.info.rtx
        twice = RTX_TWICE_LOSS <= self.loss <= RTX_TWICE_MAX
        now = time.monotonic()
        for seq in lost:
            slot = seq & (HISTORY - 1)
            entry = self.history[slot]
            if entry is None or entry[0] != seq:
                if self.source is not None and self.kind == "video" and _signed(self.last_seq - seq) >= HISTORY:
                    self.source.want_keyframe()  # gone from the history: repair has failed (coalesced)
                continue  # (within it: not received from the publisher yet, its repair upstream is under way)
            _, ts, mpt, payload = entry
            rtx_pt = rtx_pt_of.get(mpt & 0x7F)
            if rtx_pt is None or not self.rtx_ssrc:
                continue
            asked = self.asked[slot]
            if asked[0] == seq and now - asked[1] < RTX_SUPPRESS_S:
                continue
            self.asked[slot] = (seq, now)
            self._retransmit(seq, ts, mpt, rtx_pt, payload)
            if twice:
                self.twice += 1
                loop = asyncio.get_running_loop()
                loop.call_later(RTX_AGAIN_S, self._retransmit, seq, ts, mpt, rtx_pt, payload)

    def _retransmit(self, seq: int, ts: int, mpt: int, rtx_pt: int, payload: bytes) -> None:
        if self.connection.closed:
            return
        self.rtx_seq = (self.rtx_seq + 1) & 0xFFFF  # each copy its own RTX sequence number (SRTP replay check)
        packet = _HEADER.pack(0x80, (mpt & 0x80) | rtx_pt, self.rtx_seq, ts, self.rtx_ssrc) + seq.to_bytes(2) + payload
        self.connection.send(packet)
        self.retransmitted += 1
        self.rtx_octets += len(payload)

    def note_report(self, fraction_lost: int) -> None:
        """A receiver report from the viewer about this leg: its loss, held a while (reports come once a second)."""
        self.loss = max(fraction_lost / 256, self.loss * 0.5)

    def sender_report(self) -> RtcpSrPacket | None:
        """A sender report for the rewritten stream: the publisher's NTP ↔ RTP mapping moved by our offset."""
        if not self.started:
            return None
        now = time.monotonic()
        source = self.source
        if source is not None and source.sr is not None and not self.rebase and not self.need_key:
            ntp, rtp, at = source.sr
            elapsed = now - at
            ntp_out = ntp + int(elapsed * 4294967296)
            rtp_out = (rtp + int(elapsed * self.rate) + self.ts_offset) & 0xFFFFFFFF
        else:
            ntp_out = clock.current_ntp_time()
            rtp_out = (self.last_ts + int((now - self.last_time) * self.rate)) & 0xFFFFFFFF
        info = RtcpSenderInfo(
            ntp_timestamp=ntp_out,
            rtp_timestamp=rtp_out,
            packet_count=self.packets & 0xFFFFFFFF,
            octet_count=self.octets & 0xFFFFFFFF,
        )
        return RtcpSrPacket(ssrc=self.ssrc, sender_info=info)

    def _sr_hook(self, sender: RTCRtpSender) -> None:
        original = sender._send_rtcp

        async def send_rtcp(packets: list[AnyRtcpPacket]) -> None:
            rewritten: list[AnyRtcpPacket] = []
            for packet in packets:
                if isinstance(packet, RtcpSrPacket):
                    report = self.sender_report()
                    if report is None:
                        continue
                    packet = report
                rewritten.append(packet)
            if rewritten and isinstance(rewritten[0], (RtcpSrPacket, RtcpRrPacket)):
                await original(rewritten)

        sender._send_rtcp = send_rtcp  # type: ignore[method-assign]


class PeerPackets:
    """The packet path of one participant's connection: its published sources and its viewer legs."""

    def __init__(self, dtls: RTCDtlsTransport, *, repair: bool = True) -> None:
        self.dtls = dtls
        self.ice = dtls.transport._connection
        self.repair = repair
        self.sources: dict[str, PacketSource] = {}  # by kind
        self.legs: dict[str, PacketLeg] = {}  # by slot
        self.rtcp_ssrc = random.randint(1, 0xFFFFFFFF)
        self._by_ssrc: dict[bytes, Callable[[bytes, float], None]] = {}
        self._legs_by_ssrc: dict[int, PacketLeg] = {}
        self._sources_by_ssrc: dict[int, PacketSource] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self._reports: asyncio.Task[None] | None = None
        self._hooked: set[int] = set()
        self.closed = False

    def add_source(self, source: PacketSource, info: LineInfo, key: str | None = None) -> None:
        source.codecs = dict(info.codecs)
        source.rtx_apt = {rtx: pt for pt, rtx in info.rtx.items()}
        source.level_id = info.extensions.get(AUDIO_LEVEL_URI) if source.kind == "audio" else None
        if info.ssrcs:
            source.media_ssrc = info.ssrcs[0]
            self._by_ssrc[source.media_ssrc.to_bytes(4)] = source.on_rtp
            self._sources_by_ssrc[source.media_ssrc] = source
            if len(info.ssrcs) > 1:
                source.rtx_ssrc = info.ssrcs[1]
                self._by_ssrc[source.rtx_ssrc.to_bytes(4)] = source.on_rtx
        self.sources[key or source.kind] = source  # "video", "audio", or "video_small" (slots.SOURCE_KEYS)

    def add_leg(self, leg: PacketLeg) -> None:
        self.legs[leg.slot] = leg
        self._legs_by_ssrc[leg.ssrc] = leg

    def start(self) -> None:
        """Hook the sockets and the RTCP path (after the answer: the sockets exist once gathered)."""
        for protocol in self.ice._protocols:
            self._hook(protocol)
        original_rtcp = self.dtls._handle_rtcp_data
        router = self.dtls._rtp_router

        async def handle_rtcp_data(data: bytes) -> None:
            # aiortc's RTCDtlsTransport._handle_rtcp_data, with the legs' and sources' packets taken first.
            try:
                packets = RtcpPacket.parse(data)
            except ValueError:
                return
            for packet in packets:
                if self._rtcp(packet):
                    continue
                for recipient in router.route_rtcp(packet):
                    await recipient._handle_rtcp_packet(packet)

        self.dtls._handle_rtcp_data = handle_rtcp_data  # type: ignore[method-assign]
        del original_rtcp
        if self.sources:
            self._reports = asyncio.ensure_future(self._report_loop())

    def _hook(self, protocol: Any) -> None:
        if id(protocol) in self._hooked:
            return
        self._hooked.add(id(protocol))
        original = protocol.datagram_received
        dtls = self.dtls
        by_ssrc = self._by_ssrc
        monotonic = time.monotonic

        def datagram_received(data: bytes, addr: tuple[Any, ...]) -> None:
            if len(data) > 12 and 127 < data[0] < 192 and not 191 < data[1] < 224:
                handler = by_ssrc.get(data[8:12])
                rx = dtls._rx_srtp
                if handler is not None and rx is not None:
                    try:
                        plain = rx.unprotect(data)
                    except pylibsrtp.Error:
                        return
                    handler(plain, monotonic())
                    return
            original(data, addr)

        protocol.datagram_received = datagram_received

    def send(self, packet: bytes) -> None:
        dtls = self.dtls
        if dtls._state is not State.CONNECTED:
            return
        pair = self.ice._nominated.get(1)
        if pair is None:
            return
        try:
            data = dtls._tx_srtp.protect(packet)
        except pylibsrtp.Error:
            return
        pair.protocol.transport.sendto(data, pair.remote_addr)

    def send_rtcp(self, packets: list[AnyRtcpPacket]) -> None:
        if self.dtls._state is not State.CONNECTED or not packets:
            return
        data = b"".join(bytes(p) for p in packets)
        self.keep(asyncio.ensure_future(self._send_rtcp(data)))

    async def _send_rtcp(self, data: bytes) -> None:
        with contextlib.suppress(ConnectionError):
            await self.dtls._send_rtp(data)

    def keep(self, task: asyncio.Future[Any]) -> None:
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("packet path task failed", exc_info=task.exception())

    def _rtcp(self, packet: AnyRtcpPacket) -> bool:
        """Handle what concerns the packet path; False lets aiortc see it (too)."""
        if isinstance(packet, (RtcpSrPacket, RtcpRrPacket)):
            if isinstance(packet, RtcpSrPacket):
                source = self._sources_by_ssrc.get(packet.ssrc)
                if source is not None:
                    source.sr = (packet.sender_info.ntp_timestamp, packet.sender_info.rtp_timestamp, time.monotonic())
            for report in packet.reports:  # what this connection's viewer says about our legs
                leg = self._legs_by_ssrc.get(report.ssrc)
                if leg is not None:
                    leg.note_report(report.fraction_lost)
            return False
        if isinstance(packet, RtcpRtpfbPacket) and packet.fmt == RTCP_RTPFB_NACK:
            leg = self._legs_by_ssrc.get(packet.media_ssrc)
            if leg is None or not self.repair:
                return False
            leg.nack(packet.lost)
            return True
        if isinstance(packet, RtcpPsfbPacket):
            if packet.fmt in (RTCP_PSFB_PLI, RTCP_PSFB_FIR):
                leg = self._legs_by_ssrc.get(packet.media_ssrc)
                if leg is None:
                    return False
                if leg.source is not None:
                    leg.source.want_keyframe()
                return True
            if packet.fmt == RTCP_PSFB_APP:
                try:
                    bitrate, ssrcs = unpack_remb_fci(packet.fci)
                except ValueError:
                    return False
                legs = [self._legs_by_ssrc[s] for s in ssrcs if s in self._legs_by_ssrc]
                for leg in legs:
                    leg.remb = bitrate
                return bool(legs)
        return False

    async def _report_loop(self) -> None:
        next_report = 0.0
        while True:
            waiting = self.repair and any(s.missing for s in self.sources.values())
            await asyncio.sleep(NACK_TICK_S if waiting else NACK_RETRY_S / 2)
            now = time.monotonic()
            packets: list[AnyRtcpPacket] = []
            if now >= next_report:
                next_report = now + REPORT_INTERVAL_S
                reports = [r for r in (s.receiver_report(now) for s in self.sources.values()) if r is not None]
                packets.append(RtcpRrPacket(ssrc=self.rtcp_ssrc, reports=reports))
                if self.repair:
                    for source in self.sources.values():
                        if source.video and source.media_ssrc:
                            bitrate = source.estimate() or MAX_BITRATE
                            fci = pack_remb_fci(bitrate, [source.media_ssrc])
                            packets.append(RtcpPsfbPacket(fmt=RTCP_PSFB_APP, ssrc=self.rtcp_ssrc, media_ssrc=0, fci=fci))
            if self.repair:
                for source in self.sources.values():
                    nack = source.check_missing(now)
                    if nack:
                        if not packets:
                            packets.append(RtcpRrPacket(ssrc=self.rtcp_ssrc, reports=[]))
                        packets += nack
            self.send_rtcp(packets)

    def close(self) -> None:
        self.closed = True
        if self._reports is not None:
            self._reports.cancel()
        for leg in self.legs.values():
            leg.switch(None)
        for source in self.sources.values():
            for leg in list(source.legs):
                leg.switch(None)
