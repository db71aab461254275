"""Place each publisher's frames on its own wall clock from its RTCP sender reports (lip-sync).

A sender report pairs an RTP timestamp with the sender's NTP time, so every frame's RTP timestamp maps
to the moment the publisher captured it, whatever the network did to it on the way. Audio and video of
one publisher share that NTP clock: that is what keeps them in sync (arrival times put audio 44–53 ms
behind video, notes/media-forwarding.md).

aiortc 1.16 has no public hook for either half, so this module touches two private names of
`RTCRtpReceiver`: its `_handle_rtcp_packet` (wrapped per receiver, as `hub.media.tap` wraps the
decoder queue) and the origin of its `TimestampMapper` (the frames the tap hands on are zero-based).
tests/rooms/recording/test_sync.py fails if either changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiortc import RTCRtpReceiver
from aiortc.rtp import RtcpSrPacket

TIMESTAMP_MAPPER_ATTR = "_RTCRtpReceiver__timestamp_mapper"
RTCP_HANDLER_ATTR = "_handle_rtcp_packet"
_NTP_UNIX_OFFSET = 2_208_988_800  # seconds from 1900 to 1970


def ntp_to_unix(ntp: int) -> float:
    return (ntp >> 32) - _NTP_UNIX_OFFSET + (ntp & 0xFFFFFFFF) / 2**32


@dataclass(frozen=True)
class SenderReport:
    rtp_timestamp: int  # 32 bits, as sent
    ntp_time: float  # the sender's clock, unix seconds


class ReportWatch:
    """The latest sender report of one receiver, and the mapping of its zero-based frame timestamps."""

    def __init__(self, receiver: RTCRtpReceiver, clock_rate: int, on_report: Callable[[], None] | None = None) -> None:
        self.receiver = receiver
        self.clock_rate = clock_rate
        self.latest: SenderReport | None = None
        self.reports = 0
        self._on_report = on_report
        original = getattr(receiver, RTCP_HANDLER_ATTR)

        async def handle_rtcp(packet: Any) -> None:
            if isinstance(packet, RtcpSrPacket):
                info = packet.sender_info
                self.latest = SenderReport(info.rtp_timestamp, ntp_to_unix(info.ntp_timestamp))
                self.reports += 1
                if self._on_report is not None:
                    self._on_report()
            await original(packet)

        setattr(receiver, RTCP_HANDLER_ATTR, handle_rtcp)

    def origin(self) -> int | None:
        """The RTP timestamp the receiver's zero-based timestamps count from (None before the first frame)."""
        mapper = getattr(self.receiver, TIMESTAMP_MAPPER_ATTR)
        origin: int | None = mapper._origin
        return origin

    def capture_time(self, zero_based: int) -> float | None:
        """The publisher's clock when the frame with this tap timestamp was captured; None before a report."""
        report, origin = self.latest, self.origin()
        if report is None or origin is None:
            return None
        raw = (zero_based + origin) & 0xFFFFFFFF
        delta = (raw - report.rtp_timestamp) & 0xFFFFFFFF
        if delta >= 1 << 31:  # the frame lies before the report
            delta -= 1 << 32
        return report.ntp_time + delta / self.clock_rate
