"""Take assembled, undecoded frames out of an aiortc 1.16 `RTCRtpReceiver`.

The receiver runs SRTP, NACK, RTX and its jitter buffer, then puts ``(codec, JitterFrame)`` into a
`queue.Queue` read by its decoder thread. Replacing that one queue's ``put`` hands us the frame instead
(the decoder thread stays idle; ``None`` still passes through so it exits on stop). This is the only
private name the forwarder relies on: `DECODER_QUEUE_ATTR`. tests/rooms/media/test_tap.py fails if
aiortc renames it or changes the tuple.

The receiver also calls its own ``_send_rtcp_pli`` when its jitter buffer had to throw packets away:
that is the one moment a frame went missing, so the tap reports a gap there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

DECODER_QUEUE_ATTR = "_RTCRtpReceiver__decoder_queue"

# (codec name, frame data, zero-based timestamp in 1/clockRate units)
FrameCallback = Callable[[RTCRtpCodecParameters, JitterFrame], None]


class ReceiverTap:
    """Diverts one receiver's frames to `on_frame`; `request_keyframe()` sends a PLI to the publisher."""

    def __init__(self, receiver: RTCRtpReceiver, on_frame: FrameCallback, on_gap: Callable[[], None]) -> None:
        self.receiver = receiver
        self.media_ssrc: int | None = None
        queue = getattr(receiver, DECODER_QUEUE_ATTR)
        original_put = queue.put

        def put(item: Any, block: bool = True, timeout: float | None = None) -> None:
            if item is None:  # stop: let the idle decoder thread exit
                original_put(None)
            else:
                on_frame(item[0], item[1])

        queue.put = put
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
