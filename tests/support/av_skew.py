"""Audio/video skew as a viewer sees it: from the sender reports it receives and the packets' arrival.

A viewer puts audio and video on one timeline with each stream's latest sender report (NTP time ↔ RTP
timestamp, RFC 3550 §6.4.1). For every packet (audio) or frame start (video) the meter takes
``arrival − capture``, where capture is the packet's RTP timestamp mapped through that stream's latest SR;
the skew is the difference of the two streams' medians. 0 means a player that follows the reports plays
sound and picture together; it is positive when the audio would play late.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from aiortc import RTCPeerConnection
from aiortc.rtp import RtcpSrPacket

CLOCK_RATE = {"audio": 48000, "video": 90000}


class SkewMeter:
    def __init__(self, pc: RTCPeerConnection, mids: set[str] | None = None) -> None:
        """Watch the receivers of `pc` (only those whose mid is in `mids`, when given)."""
        self.sr: dict[str, tuple[float, int]] = {}  # kind → (NTP seconds, RTP timestamp) of the latest SR
        self.offsets: dict[str, list[float]] = {"audio": [], "video": []}
        self.reports = {"audio": 0, "video": 0}
        self._last_ts: dict[str, int] = {}
        for transceiver in pc.getTransceivers():
            if mids is None or transceiver.mid in mids:
                self._hook(transceiver.receiver, transceiver.kind)

    def _hook(self, receiver: Any, kind: str) -> None:
        handle_rtcp, handle_rtp = receiver._handle_rtcp_packet, receiver._handle_rtp_packet

        async def on_rtcp(packet: Any) -> None:
            if isinstance(packet, RtcpSrPacket):
                info = packet.sender_info
                self.sr[kind] = (info.ntp_timestamp / (1 << 32), info.rtp_timestamp)
                self.reports[kind] += 1
            await handle_rtcp(packet)

        async def on_rtp(packet: Any, arrival_time_ms: int) -> None:
            self.note(kind, packet.timestamp, time.time())
            await handle_rtp(packet, arrival_time_ms)

        receiver._handle_rtcp_packet = on_rtcp
        receiver._handle_rtp_packet = on_rtp

    def note(self, kind: str, timestamp: int, arrival: float) -> None:
        if kind == "video" and self._last_ts.get(kind) == timestamp:
            return  # a frame counts once, at its first packet
        self._last_ts[kind] = timestamp
        sr = self.sr.get(kind)
        if sr is None:
            return
        ntp, rtp = sr
        delta = (timestamp - rtp) & 0xFFFFFFFF
        if delta >= 1 << 31:
            delta -= 1 << 32
        capture = ntp + delta / CLOCK_RATE[kind] - 2_208_988_800  # NTP era to Unix seconds
        self.offsets[kind].append(arrival - capture)

    def reset(self) -> None:
        self.offsets = {"audio": [], "video": []}

    def skew_ms(self) -> float | None:
        if len(self.offsets["audio"]) < 10 or len(self.offsets["video"]) < 10:
            return None
        return (statistics.median(self.offsets["audio"]) - statistics.median(self.offsets["video"])) * 1000
