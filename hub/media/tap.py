"""Take assembled, undecoded frames out of an aiortc 1.16 `RTCRtpReceiver`.

The receiver runs SRTP, NACK, RTX and its jitter buffer, then puts ``(codec, JitterFrame)`` into a
`queue.Queue` read by its decoder thread. Replacing that one queue's ``put`` hands us the frame instead
(the decoder thread stays idle; ``None`` still passes through so it exits on stop). This is the only
private name the forwarder relies on: `DECODER_QUEUE_ATTR`. tests/media/test_tap.py fails if
aiortc renames it or changes the tuple.

The receiver also calls its own ``_send_rtcp_pli`` when its jitter buffer had to throw packets away:
that is the one moment a frame went missing, so the tap reports a gap there.

A video jitter buffer that misses a packet NACK could not recover waits until 512 newer packets have
arrived (seconds of frozen video) before giving up. The tap sees every packet (it wraps
``_handle_rtp_packet``, which also hands audio levels out) and, when packets keep coming but no frame has
come out for `STALL_MS`, replaces the jitter buffer (`JITTER_BUFFER_ATTR`, the second private name) and
reports a gap, so forwarding resumes at the next keyframe instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

DECODER_QUEUE_ATTR = "_RTCRtpReceiver__decoder_queue"
JITTER_BUFFER_ATTR = "_RTCRtpReceiver__jitter_buffer"
STALL_MS = 1000  # longer than a NACK round trip, shorter than anyone waits for a frozen picture

# (codec name, frame data, zero-based timestamp in 1/clockRate units)
FrameCallback = Callable[[RTCRtpCodecParameters, JitterFrame], None]


def reset_jitter_buffer(receiver: RTCRtpReceiver) -> None:
    """Start the receiver's jitter buffer afresh (packets fed again after a pause, a stall; see packets.py).

    The same object is emptied in place (its constructor run again with its capacity and kind), never replaced: the
    packet path holds it from the start (`PacketSource.jitter`) and reads where it stands per packet without
    looking it up on the receiver again."""
    buffer: JitterBuffer = getattr(receiver, JITTER_BUFFER_ATTR)
    JitterBuffer.__init__(buffer, capacity=buffer._capacity, is_video=buffer._is_video)  # no prefetch, as before


class ReceiverTap:
    """Diverts one receiver's frames to `on_frame`; `request_keyframe()` sends a PLI to the publisher."""

    def __init__(
        self,
        receiver: RTCRtpReceiver,
        on_frame: FrameCallback,
        on_gap: Callable[[], None],
        *,
        on_audio_level: Callable[[int], None] | None = None,
    ) -> None:
        self.receiver = receiver
        self.media_ssrc: int | None = None
        self.stalls = 0
        queue = getattr(receiver, DECODER_QUEUE_ATTR)
        original_put = queue.put
        last_packet_ms = 0
        last_frame_ms = 0
        video = getattr(receiver, JITTER_BUFFER_ATTR)._is_video

        def put(item: Any, block: bool = True, timeout: float | None = None) -> None:
            nonlocal last_frame_ms
            if item is None:  # stop: let the idle decoder thread exit
                original_put(None)
            else:
                last_frame_ms = last_packet_ms
                on_frame(item[0], item[1])

        queue.put = put
        original_handle = receiver._handle_rtp_packet

        def handle_rtp(packet: Any, arrival_time_ms: int) -> Any:
            # A plain function returning aiortc's coroutine: no extra coroutine frame per packet.
            nonlocal last_packet_ms, last_frame_ms
            if video:
                if not last_frame_ms or arrival_time_ms - last_packet_ms > STALL_MS:
                    # The first packet, or the first after a pause in the flow (an outage, a paused camera): the
                    # packets held before it may still be repaired, so the wait for a frame starts again here.
                    last_frame_ms = arrival_time_ms
                elif arrival_time_ms - last_frame_ms > STALL_MS:
                    last_frame_ms = arrival_time_ms
                    self.stalls += 1
                    reset_jitter_buffer(receiver)
                    on_gap()
            elif on_audio_level is not None:
                level = packet.extensions.audio_level
                if level is not None:
                    on_audio_level(level[1])
            last_packet_ms = arrival_time_ms
            return original_handle(packet, arrival_time_ms)

        receiver._handle_rtp_packet = handle_rtp  # type: ignore[method-assign]
        self._send_pli = receiver._send_rtcp_pli

        async def jitter_buffer_pli(media_ssrc: int) -> None:
            # The receiver only asks for a keyframe itself when it dropped packets.
            self.media_ssrc = media_ssrc
            on_gap()
            await self._send_pli(media_ssrc)

        receiver._send_rtcp_pli = jitter_buffer_pli  # type: ignore[method-assign]

    async def request_keyframe(self) -> None:
        ssrc = self.media_ssrc
        if ssrc is None:
            sources = self.receiver.getSynchronizationSources()
            if not sources:
                return
            ssrc = sources[0].source
        await self._send_pli(ssrc)
