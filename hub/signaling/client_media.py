"""The media side of the Python client: fixed transceivers, replayed pre-encoded tracks, receive counts."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import av
import structlog
from aiortc import RTCPeerConnection, RTCRtpTransceiver, RTCSessionDescription
from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from av.video.frame import VideoFrame

from hub.media.interface import CLOCK_RATE, ReceiverTap, is_keyframe, peer_configuration, restrict_host_addresses
from hub.signaling.clip import Clip

log = structlog.get_logger("hub.signaling.client")

CLOSE_SECONDS = 5.0  # a peer connection's close that takes longer is cut short (see ClientPeer.close)


class ReplayTrack(MediaStreamTrack):
    """Plays encoded frames in a loop at their real rate; the sender packs them without encoding.

    A keyframe request jumps to the nearest keyframe of the clip (any keyframe restarts a decoder).
    `on_sent(data, time)` is told about every frame sent, for latency measurement.
    """

    def __init__(
        self,
        kind: str,
        frames: list[bytes],
        interval: float,
        codec: str = "VP8",
        on_sent: Callable[[bytes, float], None] | None = None,
    ) -> None:
        super().__init__()
        self.kind = kind
        self._frames = frames
        self._interval = interval
        self._step = int(interval * CLOCK_RATE[kind])
        self._time_base = Fraction(1, CLOCK_RATE[kind])
        self._keyframes = [i for i, f in enumerate(frames) if kind == "audio" or is_keyframe(codec, f)]
        self._index = 0
        self._count = 0
        self._start: float | None = None
        self._want_key = False
        self.on_sent = on_sent
        self.sent = 0

    def request_keyframe(self) -> None:
        self._want_key = True

    async def recv(self) -> av.Packet[Any]:
        if self.readyState != "live":
            raise MediaStreamError
        now = time.monotonic()
        if self._start is None:
            self._start = now
        wait = self._start + self._count * self._interval - now
        if wait > 0:
            await asyncio.sleep(wait)
        elif wait < -1.0:  # paused (replaceTrack(None)) or starved: restart the clock
            self._start = now - self._count * self._interval
        if self._want_key and self._keyframes:
            self._want_key = False
            self._index = next((k for k in self._keyframes if k >= self._index), self._keyframes[0])
        index = self._index
        data = self._frames[index]
        self._index = (index + 1) % len(self._frames)
        packet = av.Packet(data)
        packet.pts = self._count * self._step
        packet.time_base = self._time_base
        self._count += 1
        self.sent += 1
        if self.on_sent is not None:
            self.on_sent(data, time.time())
        return packet


NACK_GENERATOR_ATTR = "_RTCRtpReceiver__nack_generator"


class NackRetry:
    """Asks again for video packets still missing, as browsers do (WebRTC's NACK module resends each request every
    round trip, up to 10 times); aiortc's receiver asks once, and again only when it notices another loss, so a lost
    NACK on a lossy link costs a freeze. Touches aiortc 1.16's receiver `NACK_GENERATOR_ATTR` and `_send_rtcp_nack`."""

    def __init__(self, receiver: Any, interval: float = 0.05, tries: int = 10) -> None:
        self.receiver = receiver
        self.interval = interval
        self.tries = tries
        self.sent = 0
        self._media_ssrc: int | None = None
        self._asked: dict[int, tuple[float, int]] = {}  # sequence number → (last asked, times)
        original = receiver._send_rtcp_nack

        async def send_nack(media_ssrc: int, lost: list[int]) -> None:
            self._media_ssrc = media_ssrc
            now = time.monotonic()
            for seq in lost:
                self._asked[seq] = (now, self._asked.get(seq, (now, 0))[1] + 1)
            await original(media_ssrc, lost)

        receiver._send_rtcp_nack = send_nack
        self._send = original
        self.task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval / 2)
            generator = getattr(self.receiver, NACK_GENERATOR_ATTR, None)
            if generator is None or self._media_ssrc is None:
                continue
            missing = generator.missing
            now = time.monotonic()
            for seq in [s for s in self._asked if s not in missing]:
                del self._asked[seq]
            again = [s for s, (at, n) in self._asked.items() if now - at >= self.interval and n < self.tries]
            if again:
                for seq in again:
                    self._asked[seq] = (now, self._asked[seq][1] + 1)
                self.sent += 1
                with contextlib.suppress(ConnectionError):
                    await self._send(self._media_ssrc, sorted(again))

    def stop(self) -> None:
        self.task.cancel()


@dataclass
class SlotStats:
    """What one receive slot got."""

    kind: str
    frames: int = 0
    decoded: int = 0
    keyframes: int = 0
    width: int = 0
    height: int = 0
    latencies: list[float] = field(default_factory=list)
    last_keyframe: bytes = b""  # with decode=False: the newest keyframe as it arrived, and when (time.monotonic())
    keyframe_at: float = 0.0


class ClientPeer:
    """A client's connection to the server, shaped exactly as the `joined` message's `lines` say.

    `decode=True` lets aiortc decode what arrives (proves the stream decodes, costs CPU);
    `decode=False` counts assembled frames only (the benchmark's viewers, so the load generator
    stays cheap). `on_video_frame(frame)` sees every decoded video frame (latency measurement).
    `content_clip` is what the `content` line shares (the camera's clip if None); `microphone`, a live audio track
    that aiortc encodes (and so sends its RFC 6464 audio level with), replaces the clip's pre-encoded Opus.
    """

    def __init__(
        self,
        lines: list[dict[str, str]],
        *,
        clip: Clip | None,
        ice_addresses: list[str],
        ice_servers: list[dict[str, Any]] | None = None,
        decode: bool = True,
        nack_retry: bool = False,
        on_video_frame: Callable[[VideoFrame], None] | None = None,
        on_sent: Callable[[bytes, float], None] | None = None,
        content_clip: Clip | None = None,
        microphone: MediaStreamTrack | None = None,
    ) -> None:
        self.pc = RTCPeerConnection(peer_configuration(ice_servers or []))
        self.lines = lines
        self.stats: dict[str, SlotStats] = {}
        self.tracks: dict[str, ReplayTrack] = {}
        self.microphone = microphone
        self.transceivers: dict[str, RTCRtpTransceiver] = {}
        self._ice_addresses = ice_addresses
        self._decode = decode
        self._on_video_frame = on_video_frame
        self._tasks: list[asyncio.Task[None]] = []
        self._taps: list[ReceiverTap] = []
        self._retries: list[NackRetry] = []
        for line in lines:
            name, kind = line["name"], line["kind"]
            if line["direction"] == "sendonly":
                if clip is None:
                    raise ValueError("a publishing client needs a clip")
                if kind == "audio" and microphone is not None:
                    transceiver = self.pc.addTransceiver(microphone, direction="sendonly")
                    self.transceivers[name] = transceiver
                    continue
                if kind == "video":
                    shown = content_clip if name == "content" and content_clip is not None else clip
                    track = ReplayTrack("video", shown.video, 1 / shown.fps, shown.codec, on_sent)
                else:
                    track = ReplayTrack("audio", clip.audio, 0.02, on_sent=on_sent)
                self.tracks[name] = track
                transceiver = self.pc.addTransceiver(track, direction="sendonly")
                transceiver.sender._send_keyframe = track.request_keyframe  # type: ignore[method-assign]
            else:
                transceiver = self.pc.addTransceiver(kind, direction="recvonly")
                self.stats[name] = SlotStats(kind)
                if nack_retry and kind == "video":
                    self._retries.append(NackRetry(transceiver.receiver))
                if not decode:
                    self._taps.append(self._count_frames(transceiver, self.stats[name]))
            self.transceivers[name] = transceiver
        if clip is not None:
            for t in self.pc.getTransceivers():
                if t.kind == "video":
                    caps = [c for c in t.sender.getCapabilities("video").codecs if c.name in (clip.codec, "rtx")]
                    t.setCodecPreferences(caps)

    async def offer(self) -> str:
        restrict_host_addresses(self.pc, self._ice_addresses)
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def accept(self, answer_sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer_sdp, type="answer"))
        if self._decode:
            for name, transceiver in self.transceivers.items():
                if name in self.stats:
                    self._tasks.append(asyncio.ensure_future(self._consume(transceiver.receiver.track, self.stats[name])))

    def set_sending(self, video: bool, line: str = "camera") -> None:
        """The server's stop_sending/start_sending for one send line: replaceTrack, no renegotiation."""
        transceiver = self.transceivers.get(line)
        if transceiver is not None and line in self.tracks:
            transceiver.sender.replaceTrack(self.tracks[line] if video else None)

    def _count_frames(self, transceiver: RTCRtpTransceiver, stats: SlotStats) -> ReceiverTap:
        def on_frame(codec: RTCRtpCodecParameters, frame: JitterFrame) -> None:
            stats.frames += 1
            if stats.kind == "video" and is_keyframe(codec.name, frame.data):
                stats.keyframes += 1
                stats.last_keyframe, stats.keyframe_at = frame.data, time.monotonic()

        return ReceiverTap(transceiver.receiver, on_frame, lambda: None)

    async def _consume(self, track: MediaStreamTrack, stats: SlotStats) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                stats.frames += 1
                stats.decoded += 1
                if isinstance(frame, VideoFrame):
                    stats.width, stats.height = frame.width, frame.height
                    if self._on_video_frame is not None:
                        self._on_video_frame(frame)

    async def close(self, wait: float = CLOSE_SECONDS) -> None:
        """Close the connection within `wait` seconds.

        aiortc's close stops every sender and receiver in turn; should it hang (a transport that never answers), the
        receivers' decoder threads are stopped here all the same: they are not daemon threads, and one left running
        keeps the whole Python process from exiting. The close itself goes on in the background."""
        for retry in self._retries:
            retry.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for track in self.tracks.values():
            track.stop()
        if self.microphone is not None:
            self.microphone.stop()
        closing = asyncio.ensure_future(self.pc.close())
        try:
            await asyncio.wait_for(asyncio.shield(closing), wait)
        except TimeoutError:
            log.warning("client_peer_close_timeout", seconds=wait)
            for transceiver in self.pc.getTransceivers():
                transceiver.receiver._handle_disconnect()  # puts the end marker in the decoder's queue
