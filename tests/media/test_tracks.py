"""Keyframe discipline of the forwarding path, without a network."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from hub.media.keyframes import KeyframeRequester, is_keyframe
from hub.media.tracks import ForwardedTrack, PublishedStream
from hub.signaling.clip import Clip

pytestmark = pytest.mark.asyncio

VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=97)


class CountingRequester(KeyframeRequester):
    def __init__(self) -> None:
        super().__init__(self._noop)
        self.requests = 0

    async def _noop(self) -> None:
        return None

    def request(self) -> None:
        self.requests += 1


def frames(clip: Clip) -> list[tuple[bytes, bool]]:
    return [(f, is_keyframe("VP8", f)) for f in clip.video]


async def test_keyframe_detection_matches_encoder(small_clip: Clip) -> None:
    keys = [i for i, (_, key) in enumerate(frames(small_clip)) if key]
    assert keys == [0, 30]
    assert not is_keyframe("VP8", small_clip.video[0][5:])  # a keyframe's tail is not one


async def test_stream_waits_for_keyframe_and_drops_after_gap(small_clip: Clip) -> None:
    requester = CountingRequester()
    stream = PublishedStream("p", "video", requester)
    track = ForwardedTrack("video", "main")
    track.switch(stream)
    data = frames(small_clip)
    stream.on_frame(VP8, JitterFrame(data[1][0], 3000))  # delta before any keyframe: dropped
    assert track.frames_skipped == 0 and stream.frames_dropped == 1 and requester.requests >= 1
    for i in range(0, 5):
        stream.on_frame(VP8, JitterFrame(data[i][0], i * 3000))
    stream.on_gap()
    for i in range(5, 30):  # deltas after a gap never reach the viewer
        stream.on_frame(VP8, JitterFrame(data[i][0], i * 3000))
    stream.on_frame(VP8, JitterFrame(data[30][0], 30 * 3000))
    got = [await track.recv() for _ in range(6)]
    assert [p.pts for p in got] == [0, 3000, 6000, 9000, 12000, 90000]
    assert is_keyframe("VP8", bytes(got[-1]))


async def test_switch_holds_until_keyframe_and_continues_timeline(small_clip: Clip) -> None:
    first, second = CountingRequester(), CountingRequester()
    a = PublishedStream("a", "video", first)
    b = PublishedStream("b", "video", second)
    a.broken = b.broken = False
    track = ForwardedTrack("video", "main")
    track.switch(a)
    data = frames(small_clip)
    for i in range(3):
        a.on_frame(VP8, JitterFrame(data[i][0], 500_000 + i * 3000))
    assert [(await track.recv()).pts for _ in range(3)] == [0, 3000, 6000]
    track.switch(b)
    assert second.requests == 1  # a keyframe is asked for on every switch
    b.on_frame(VP8, JitterFrame(data[7][0], 70_000))  # delta: held back
    b.on_frame(VP8, JitterFrame(data[30][0], 80_000))
    a.on_frame(VP8, JitterFrame(data[3][0], 600_000))  # the old publisher no longer reaches this slot
    b.on_frame(VP8, JitterFrame(data[31][0], 83_000))
    assert [(await track.recv()).pts for _ in range(2)] == [9000, 12000]


async def test_slow_viewer_restarts_at_keyframe(small_clip: Clip) -> None:
    requester = CountingRequester()
    stream = PublishedStream("p", "video", requester)
    stream.broken = False
    track = ForwardedTrack("video", "main")
    track.switch(stream)
    data = frames(small_clip)
    for i in range(60):
        stream.on_frame(VP8, JitterFrame(data[i % 60][0], i * 3000))
    # the queue overflowed at 30 frames: dropped, then resumed at the keyframe (index 30)
    first = await track.recv()
    assert is_keyframe("VP8", bytes(first)) and requester.requests >= 1


async def test_stopped_track_ends_recv() -> None:
    track = ForwardedTrack("audio", "audio1")
    waiting = asyncio.ensure_future(track.recv())
    await asyncio.sleep(0)
    track.stop()
    with pytest.raises(MediaStreamError):
        await waiting


async def test_requester_coalesces() -> None:
    sent: list[float] = []

    async def send() -> None:
        sent.append(asyncio.get_running_loop().time())

    requester = KeyframeRequester(send, interval=0.2)
    loop = asyncio.get_running_loop()
    began = loop.time()
    for _ in range(50):
        requester.request()
        await asyncio.sleep(0.01)
    asked_for = loop.time() - began  # 0.5 s, longer on a loaded machine
    await asyncio.sleep(0.25)
    requester.close()
    assert 2 <= len(sent) <= int(asked_for / 0.2) + 2  # at most one per 0.2 s (and the one pending at the end)
    assert all(b - a >= 0.19 for a, b in itertools.pairwise(sent))
