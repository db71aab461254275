"""Tell keyframes from delta frames in depayloaded VP8 and H.264, and coalesce keyframe requests."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

KEYFRAME_INTERVAL = 0.5  # at most one PLI per publisher per half second


def is_keyframe(codec_name: str, data: bytes) -> bool:
    if codec_name == "VP8":
        # RFC 6386 §9.1: P bit 0 in the frame tag, then the start code 9d 01 2a. Checking the start
        # code too rejects the tail of a keyframe whose first packets were lost.
        return len(data) >= 10 and not data[0] & 1 and data[3:6] == b"\x9d\x01\x2a"
    if codec_name == "H264":
        return _h264_has_idr(data)
    return True  # audio: every frame stands alone


def plausible_frame(codec_name: str, data: bytes) -> bool:
    """Whether an assembled frame can be a whole one. VP8 (RFC 6386 §9.1): a version of 0..3 and a first partition
    that fits in the data after the frame header; a keyframe also has its start code. The tail of a frame fails
    this almost always (19 random bits of partition size against a frame of a few kilobytes)."""
    if codec_name != "VP8":
        return bool(data)
    if len(data) < 3:
        return False
    tag = data[0] | data[1] << 8 | data[2] << 16
    header = 3 if tag & 1 else 10
    if (tag >> 1) & 7 > 3 or (tag >> 5) > len(data) - header:
        return False
    return bool(tag & 1) or data[3:6] == b"\x9d\x01\x2a"


def _h264_has_idr(data: bytes) -> bool:
    # aiortc's depayloader emits Annex B: NAL units after 00 00 01 start codes.
    start = data.find(b"\x00\x00\x01")
    while start != -1 and start + 3 < len(data):
        nal_type = data[start + 3] & 0x1F
        if nal_type in (5, 7):  # IDR slice or SPS (which precedes an IDR)
            return True
        start = data.find(b"\x00\x00\x01", start + 3)
    return False


class KeyframeRequester:
    """Sends at most one request per `interval`; a request inside the window is sent when it closes."""

    def __init__(self, send: Callable[[], Awaitable[None]], interval: float = KEYFRAME_INTERVAL) -> None:
        self._send = send
        self._interval = interval
        self._last = -interval
        self._pending: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Future[None]] = set()  # keep sends alive until done
        self.sent = 0

    def request(self) -> None:
        if self._pending is not None:
            return
        loop = asyncio.get_running_loop()
        wait = self._last + self._interval - time.monotonic()
        if wait <= 0:
            self._fire()
        else:
            self._pending = loop.call_later(wait, self._fire)

    def _fire(self) -> None:
        self._pending = None
        self._last = time.monotonic()
        self.sent += 1
        task = asyncio.ensure_future(self._send())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def close(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
