"""Published streams and the slot tracks that forward their encoded frames.

`PublishedStream` gets every assembled frame of one publisher's audio or video (from `tap.py`) and
hands it to its sinks. `ForwardedTrack` is a sink that an `RTCRtpSender` reads: its `recv()` returns
`av.Packet`s, so the sender packetises them without encoding. This is the hot path: a few attribute
reads and a deque append per frame per viewer.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from fractions import Fraction
from typing import Any, Protocol

import av
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from hub.media.keyframes import KeyframeRequester, is_keyframe, plausible_frame

# A slow viewer is cut back to the next keyframe rather than fed frames it cannot decode in order.
MAX_QUEUED = {"video": 30, "audio": 50}
# One frame's duration in RTP units, used to continue the timeline when a slot switches publisher.
FRAME_STEP = {"video": 3000, "audio": 960}
CLOCK_RATE = {"video": 90000, "audio": 48000}


class FrameSink(Protocol):
    def push(self, stream: PublishedStream, data: bytes, timestamp: int, keyframe: bool) -> None: ...


class PublishedStream:
    """One publisher's audio or video as received by the server."""

    def __init__(self, participant_id: str, kind: str, requester: KeyframeRequester) -> None:
        self.participant_id = participant_id
        self.kind = kind
        self.codec_name = ""
        self.requester = requester
        self.sinks: list[FrameSink] = []
        self.broken = kind == "video"  # video waits for its first keyframe
        self.frames_in = 0
        self.frames_dropped = 0
        self.last_spoke = 0.0  # monotonic time of the last loud audio packet
        self.last_frame = 0.0

    def on_frame(self, codec: RTCRtpCodecParameters, frame: JitterFrame) -> None:
        self.frames_in += 1
        self.codec_name = name = codec.name
        data = frame.data
        if self.kind == "video" and not plausible_frame(name, data):
            self.frames_dropped += 1  # not a whole frame: a gap the jitter buffer did not report
            self.on_gap()
            return
        key = self.kind == "audio" or is_keyframe(name, data)
        if self.broken:
            if not key:
                self.frames_dropped += 1
                self.requester.request()
                return
            self.broken = False
        ts = frame.timestamp
        for sink in self.sinks:
            sink.push(self, data, ts, key)

    def on_gap(self) -> None:
        # The receiver threw packets away: the next delta frame would reference a picture the
        # viewers never got (pack() renumbers VP8 picture ids, so they could not tell).
        if self.kind == "video":
            self.broken = True
            self.requester.request()

    def note_audio_level(self, level: int) -> None:
        if level <= LOUD_DBOV:
            self.last_spoke = time.monotonic()


LOUD_DBOV = 50  # RFC 6464 level is -dBov: 0 is loudest, 127 silence


class ForwardedTrack(MediaStreamTrack):
    """A receive slot: forwards whichever publisher the room maps onto it, as `av.Packet`s."""

    def __init__(self, kind: str, slot: str) -> None:
        super().__init__()
        self.kind = kind
        self.slot = slot
        self.source: PublishedStream | None = None
        self._queue: deque[tuple[bytes, int]] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._limit = MAX_QUEUED[kind]
        self._step = FRAME_STEP[kind]
        self._time_base = Fraction(1, CLOCK_RATE[kind])
        self._need_key = kind == "video"
        self._offset = 0
        self._rebase = True
        self._last_pts = -self._step
        self.frames_out = 0
        self.frames_skipped = 0

    def switch(self, source: PublishedStream | None) -> None:
        """Carry `source` from now on; video waits for a keyframe, which is requested."""
        if source is self.source:
            return
        if self.source is not None and self in self.source.sinks:
            self.source.sinks.remove(self)
        self.source = source
        self._queue.clear()
        self._rebase = True
        if source is not None:
            source.sinks.append(self)
            if self.kind == "video":
                self._need_key = True
                source.requester.request()

    def request_keyframe(self) -> None:
        if self.source is not None:
            self.source.requester.request()

    def push(self, stream: PublishedStream, data: bytes, timestamp: int, keyframe: bool) -> None:
        queue = self._queue
        if len(queue) >= self._limit:
            # The viewer fell behind: drop what is queued and restart from a keyframe.
            self.frames_skipped += len(queue)
            queue.clear()
            self._need_key = self.kind == "video"
        if self._need_key:
            if not keyframe:
                # Ask again (coalesced): the first request may have reached a publisher that was
                # not sending at the time.
                self.frames_skipped += 1
                stream.requester.request()
                return
            self._need_key = False
        queue.append((data, timestamp))
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def recv(self) -> av.Packet[Any]:
        while not self._queue:
            if self.readyState != "live":
                raise MediaStreamError
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
            self._waiter = None
        data, timestamp = self._queue.popleft()
        if self._rebase:
            # A new publisher: continue our own timeline one frame after the last one sent.
            self._offset = self._last_pts + self._step - timestamp
            self._rebase = False
        pts = timestamp + self._offset
        self._last_pts = pts
        packet = av.Packet(data)
        packet.pts = pts
        packet.time_base = self._time_base
        self.frames_out += 1
        return packet

    def stop(self) -> None:
        self.switch(None)
        super().stop()
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
