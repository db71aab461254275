"""The one private aiortc name the forwarder relies on. If this fails, aiortc changed its receiver:
re-read rtcrtpreceiver.py and adapt hub/media/tap.py before upgrading."""

from __future__ import annotations

import asyncio
import queue

import pytest
from aiortc import RTCPeerConnection, RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtp import RtpPacket

from hub.media.ice import restrict_host_addresses
from hub.media.packets import PacketSource
from hub.media.tap import DECODER_QUEUE_ATTR, JITTER_BUFFER_ATTR, reset_jitter_buffer
from hub.signaling.client_media import ReplayTrack
from hub.signaling.clip import Clip

pytestmark = pytest.mark.asyncio


async def test_decoder_queue_carries_codec_and_jitter_frame(small_clip: Clip) -> None:
    sender_pc, receiver_pc = RTCPeerConnection(), RTCPeerConnection()
    sender_pc.addTransceiver(ReplayTrack("video", small_clip.video, 1 / 30), direction="sendonly")
    receiver_pc.addTransceiver("video", direction="recvonly")
    receiver = receiver_pc.getTransceivers()[0].receiver
    assert isinstance(receiver, RTCRtpReceiver)
    decoder_queue = getattr(receiver, DECODER_QUEUE_ATTR)
    assert isinstance(decoder_queue, queue.Queue)
    # The stall reset empties this one in place (the packet path holds it: see the test below).
    jitter_buffer = getattr(receiver, JITTER_BUFFER_ATTR)
    assert isinstance(jitter_buffer, JitterBuffer) and jitter_buffer._is_video and jitter_buffer.capacity == 512
    items: list[object] = []
    original_put = decoder_queue.put

    def put(item: object, block: bool = True, timeout: float | None = None) -> None:
        items.append(item)
        original_put(item, block, timeout)

    decoder_queue.put = put  # type: ignore[method-assign]
    try:
        for pc in (sender_pc, receiver_pc):
            for t in pc.getTransceivers():
                t.setCodecPreferences([c for c in t.receiver.getCapabilities("video").codecs if c.name == "VP8"])
        restrict_host_addresses(sender_pc, ["127.0.0.1"])
        restrict_host_addresses(receiver_pc, ["127.0.0.1"])
        await sender_pc.setLocalDescription(await sender_pc.createOffer())
        await receiver_pc.setRemoteDescription(sender_pc.localDescription)
        await receiver_pc.setLocalDescription(await receiver_pc.createAnswer())
        await sender_pc.setRemoteDescription(receiver_pc.localDescription)
        for _ in range(200):
            if len([i for i in items if i is not None]) >= 3:
                break
            await asyncio.sleep(0.05)
        frames = [i for i in items if i is not None]
        assert len(frames) >= 3
        for item in frames:
            assert isinstance(item, tuple) and len(item) == 2
            codec, frame = item
            assert isinstance(codec, RTCRtpCodecParameters) and codec.name == "VP8"
            assert isinstance(frame, JitterFrame)
            assert isinstance(frame.data, bytes) and isinstance(frame.timestamp, int)
        assert frames[0][1].timestamp == 0  # zero-based: the receiver maps timestamps before queueing
    finally:
        await sender_pc.close()
        await receiver_pc.close()
    assert items[-1] is None  # closing passes None through so the decoder thread ends


async def test_a_reset_empties_the_jitter_buffer_the_packet_path_holds() -> None:
    """The packet path looks the receiver's jitter buffer up once (`PacketSource.jitter`) and reads where it stands
    per packet: a reset (restart of the frame path, a stall) must empty that same object, not swap in another."""
    pc = RTCPeerConnection()
    pc.addTransceiver("video", direction="recvonly")
    receiver = pc.getTransceivers()[0].receiver
    source = PacketSource(None, "video", None, receiver)  # type: ignore[arg-type]
    held = getattr(receiver, JITTER_BUFFER_ATTR)
    assert source.jitter is held
    held.add(RtpPacket(sequence_number=500, timestamp=1))
    assert source._feeds(499) is False and source._feeds(500) is True  # behind where the buffer stands: not fed
    source.feed_floor = 400
    reset_jitter_buffer(receiver)
    assert getattr(receiver, JITTER_BUFFER_ATTR) is held and held._origin is None
    assert held._is_video and held.capacity == 512
    assert source._feeds(450) is True and source._feeds(399) is False  # the floor decides until a packet comes
    await pc.close()
