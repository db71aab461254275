"""Sender-report timing: the arithmetic, and the two aiortc 1.16 internals it relies on (this fails if they change)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from aiortc import RTCRtpReceiver
from aiortc.rtcrtpreceiver import TimestampMapper

from hub.media import MediaEngine, SlotLayout
from hub.rooms.recording.sync import RTCP_HANDLER_ATTR, TIMESTAMP_MAPPER_ATTR, ReportWatch, SenderReport, ntp_to_unix
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip
from tests.rooms.recording.support import wait_for


def test_ntp_to_unix() -> None:
    # 2026-11-27 00:00:00 UTC is 1_795_737_600 unix; NTP counts from 1900
    ntp = (1_795_737_600 + 2_208_988_800) << 32 | (1 << 31)
    assert ntp_to_unix(ntp) == 1_795_737_600.5


def _watch(origin: int | None, report: SenderReport | None, clock_rate: int = 90000) -> ReportWatch:
    mapper = TimestampMapper()
    mapper._origin = origin  # type: ignore[assignment]
    receiver: Any = SimpleNamespace(**{TIMESTAMP_MAPPER_ATTR: mapper, RTCP_HANDLER_ATTR: None})

    async def handle(packet: Any) -> None:
        return None

    setattr(receiver, RTCP_HANDLER_ATTR, handle)
    watch = ReportWatch(receiver, clock_rate)
    watch.latest = report
    return watch


def test_capture_time_across_the_32_bit_wrap() -> None:
    # the stream began just before the RTP clock wrapped; the report came after the wrap
    origin = 2**32 - 90000  # one second before the wrap
    report = SenderReport(rtp_timestamp=45000, ntp_time=1000.0)  # 1.5 s into the stream
    watch = _watch(origin, report)
    assert watch.capture_time(135000) == 1000.0  # the report's own frame
    assert abs(watch.capture_time(0) - 998.5) < 1e-9  # the first frame, before the wrap
    assert abs(watch.capture_time(135000 + 90000 * 10) - 1010.0) < 1e-9


def test_no_report_or_no_frame_yet_means_no_capture_time() -> None:
    assert _watch(None, SenderReport(0, 1.0)).capture_time(0) is None
    assert _watch(5, None).capture_time(0) is None


def test_the_aiortc_internals_are_where_the_recorder_looks() -> None:
    # If aiortc renames these, recording falls back to arrival times (lip-sync off by ~50 ms): fail loudly here.
    assert callable(getattr(RTCRtpReceiver, RTCP_HANDLER_ATTR))
    assert TIMESTAMP_MAPPER_ATTR in RTCRtpReceiver.__init__.__code__.co_names  # set in the constructor
    assert hasattr(TimestampMapper(), "_origin")


async def test_a_live_publisher_reports_map_its_frames_to_now(small_clip: Clip) -> None:
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    peer = ClientPeer(engine.layout.describe(True), clip=small_clip, ice_addresses=["127.0.0.1"], decode=False)
    try:
        await peer.accept(await engine.room("r").connect("p", await peer.offer(), publish=True))
        server_peer = engine.rooms["r"].peers["p"]
        receiver = server_peer.slots["microphone"].receiver
        assert hasattr(receiver, TIMESTAMP_MAPPER_ATTR)
        watch = ReportWatch(receiver, 48000)
        last: list[int] = []
        stream = server_peer.streams["audio"]

        class Sink:
            def push(self, stream: Any, data: bytes, timestamp: int, keyframe: bool) -> None:
                last.append(timestamp)

        stream.sinks.append(Sink())
        await wait_for(lambda: watch.reports >= 1 and bool(last), limit=10)
        captured = watch.capture_time(last[-1])
        assert captured is not None and abs(captured - time.time()) < 0.5  # same machine, same clock
    finally:
        await peer.close()
        await engine.close()
