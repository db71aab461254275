"""One participant's `RTCPeerConnection` with the server, with its fixed transceivers.

The client offers (see docs/protocol.md, "Why the client offers"); the server answers with
transceivers created beforehand in the same order as `SlotLayout.describe`, so aiortc matches each
offered m-line to the transceiver meant for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiortc import (
    RTCPeerConnection,
    RTCRtpSender,
    RTCRtpTransceiver,
    RTCSessionDescription,
)
from aiortc import sdp as aiortc_sdp
from aiortc.mediastreams import MediaStreamTrack
from aiortc.rtcrtpparameters import RTCRtpCodecCapability

from hub.media.ice import peer_configuration, restrict_host_addresses
from hub.media.ice_restart import RestartError, make_restartable, prepare_restart
from hub.media.keyframes import KeyframeRequester
from hub.media.packets import PacketLeg, PacketSource, PeerPackets, line_infos
from hub.media.slots import SOURCE_KEYS
from hub.media.tap import ReceiverTap
from hub.media.tracks import ForwardedTrack, PublishedStream

if TYPE_CHECKING:
    from hub.media.room import MediaRoom

log = logging.getLogger(__name__)

VIDEO_CODECS = ("VP8", "H264")


class MediaError(Exception):
    """An offer the server cannot answer (wrong shape, no common codec, garbage SDP)."""


class RestartFailed(MediaError):
    """A re-offer that asks for an ICE restart the server cannot do on this connection (the reason says why)."""


def offered_video_codec(description: aiortc_sdp.SessionDescription) -> str | None:
    """The first codec we can forward in the first video m-line: the publisher's preference."""
    for media in description.media:
        if media.kind == "video":
            for codec in media.rtp.codecs:
                if codec.name in VIDEO_CODECS:
                    return codec.name
    return None


def codec_preferences(kind: str, video_codec: str | None) -> list[RTCRtpCodecCapability]:
    caps = RTCRtpSender.getCapabilities(kind).codecs
    if kind == "audio":
        return [c for c in caps if c.name == "opus"]
    return [c for c in caps if c.name in (video_codec, "rtx")]


class MediaPeer:
    """The server end of one participant's connection."""

    def __init__(self, room: MediaRoom, participant_id: str, publish: bool) -> None:
        self.room = room
        self.participant_id = participant_id
        self.publish = publish
        self.pc = RTCPeerConnection(peer_configuration(room.engine.ice_servers))
        self.slots: dict[str, RTCRtpTransceiver] = {}
        self.forwarded: dict[str, ForwardedTrack] = {}
        self.streams: dict[str, PublishedStream] = {}
        self.remote_tracks: dict[str, MediaStreamTrack] = {}  # baseline relay only
        self.mapping: dict[str, str | None] = {}
        self.previous_mapping: dict[str, str | None] = {}  # the slots of the connection this one replaced
        self._taps: dict[str, ReceiverTap] = {}
        self.packets: PeerPackets | None = None  # the packet path (engine.forwarding == "packets")
        self.closed = False
        self.on_failed: Callable[[], None] | None = None

        @self.pc.on("connectionstatechange")
        def _state() -> None:
            if self.pc.connectionState == "failed" and self.on_failed is not None:
                self.on_failed()

    async def answer(self, offer_sdp: str) -> str:
        try:
            description = aiortc_sdp.SessionDescription.parse(offer_sdp)
        except Exception as exc:  # aiortc's parser raises whatever it trips on
            raise MediaError(f"unreadable offer: {exc.__class__.__name__}") from exc
        expected = self.room.layout.describe(self.publish)
        kinds = [m.kind for m in description.media]
        if kinds != [line["kind"] for line in expected]:
            raise MediaError(f"offer must have m-lines {[line['kind'] for line in expected]}, got {kinds}")
        if self.room.video_codec is None:
            self.room.video_codec = offered_video_codec(description)
        if self.room.video_codec is None:
            raise MediaError(f"offer has none of the video codecs {VIDEO_CODECS}")

        self._create_transceivers(expected)
        restrict_host_addresses(self.pc, self.room.engine.ice_addresses)
        make_restartable(self.pc)
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            self._note_media_ssrcs(description)
            for name in ("camera", "microphone"):
                if name in self.slots and self.room.engine.baseline_relay:
                    self.remote_tracks[self.slots[name].kind] = self.slots[name].receiver.track
            await self.pc.setLocalDescription(await self.pc.createAnswer())
        except Exception as exc:  # OperationError, ValueError: the offer does not fit our transceivers
            raise MediaError(f"cannot answer the offer: {exc}") from exc
        answer = self.pc.localDescription.sdp
        if self.room.engine.forwarding == "packets" and not self.room.engine.baseline_relay:
            self._start_packets(expected, description, aiortc_sdp.SessionDescription.parse(answer))
        return answer

    async def restart(self, offer_sdp: str) -> str:
        """Answer a re-offer of this same connection that restarts ICE (RFC 8445 §9): new credentials and host
        candidates in the answer, new checks against the offer's candidates (and those trickled after it); the DTLS
        session, the SRTP keys, every transceiver and the slots carry on. Media keeps flowing on the old pair until
        the new one is nominated (see hub/media/ice_restart.py)."""
        try:
            offer = aiortc_sdp.SessionDescription.parse(offer_sdp)
        except Exception as exc:  # aiortc's parser raises whatever it trips on
            raise MediaError(f"unreadable offer: {exc.__class__.__name__}") from exc
        current = self.pc.remoteDescription
        if self.closed or current is None:
            raise RestartFailed("no connection to restart: offer without restart")
        before = aiortc_sdp.SessionDescription.parse(current.sdp)
        if [(m.kind, m.rtp.muxId) for m in offer.media] != [(m.kind, m.rtp.muxId) for m in before.media]:
            raise RestartFailed("a restart offer must keep the m-lines (kinds and mids) of the connection")
        if not offer.media or not offer.media[0].dtls or not before.media[0].dtls:
            raise RestartFailed("the offer has no DTLS fingerprint")
        if offer.media[0].dtls.fingerprints != before.media[0].dtls.fingerprints:
            raise RestartFailed("the DTLS fingerprint changed: that is a new connection, offer it without restart")
        ice, previous = offer.media[0].ice, before.media[0].ice
        if ice is None or previous is None or not ice.usernameFragment or not ice.password:
            raise RestartFailed("the offer has no ice-ufrag or ice-pwd")
        if ice.usernameFragment == previous.usernameFragment or ice.password == previous.password:
            raise RestartFailed("the offer keeps the ICE credentials: a restart needs a new ice-ufrag and ice-pwd")
        try:
            connection = await prepare_restart(self.pc)
        except RestartError as exc:
            raise RestartFailed(str(exc)) from None
        if self.packets is not None:  # the packet path reads the new generation's sockets too
            for protocol in connection.newest._protocols:
                self.packets._hook(protocol)
        try:
            await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
            await self.pc.setLocalDescription(await self.pc.createAnswer())
        except Exception as exc:  # OperationError, ValueError, InvalidStateError
            raise RestartFailed(f"cannot answer the restart offer: {exc}") from exc
        task = connection.start(ice.usernameFragment, ice.password, lite=ice.iceLite)
        task.add_done_callback(self._restart_done)
        return self.pc.localDescription.sdp

    def _restart_done(self, task: asyncio.Task[None]) -> None:
        if task.cancelled():
            return
        error = task.exception()
        if error is not None:  # the old pair still carries media; the client falls back to a new connection
            log.warning("ice restart of %s failed: %s", self.participant_id, error)
        else:
            log.info("ice restart of %s done", self.participant_id)

    def _start_packets(
        self,
        lines: list[dict[str, str]],
        offer: aiortc_sdp.SessionDescription,
        answer: aiortc_sdp.SessionDescription,
    ) -> None:
        # m-lines are in the order of `lines` (checked above) and all share one bundled transport.
        infos = line_infos(offer, answer)
        first = self.slots[lines[0]["name"]]
        packets = PeerPackets(first.sender.transport, repair=self.room.engine.repair)
        for index, line in enumerate(lines):
            name, kind = line["name"], line["kind"]
            transceiver = self.slots[name]
            if line["direction"] == "sendonly":
                key = SOURCE_KEYS[name]
                source = PacketSource(packets, kind, self.streams[key], transceiver.receiver)
                packets.add_source(source, infos[index], key)
            else:
                packets.add_leg(PacketLeg(packets, name, kind, transceiver.sender, infos[index]))
        packets.start()
        self.packets = packets

    def _create_transceivers(self, lines: list[dict[str, str]]) -> None:
        baseline = self.room.engine.baseline_relay
        for line in lines:
            kind, name = line["kind"], line["name"]
            if line["direction"] == "sendonly":  # the client sends, we receive
                transceiver = self.pc.addTransceiver(kind, direction="recvonly")
                if not baseline:
                    self._tap(name, kind, transceiver)
            else:
                track: MediaStreamTrack | str = kind
                if not baseline:
                    forwarded = ForwardedTrack(kind, name)
                    self.forwarded[name] = forwarded
                    track = forwarded
                transceiver = self.pc.addTransceiver(track, direction="sendonly")
                if not baseline:
                    # pack() ignores keyframe requests: send them to the publisher instead.
                    transceiver.sender._send_keyframe = forwarded.request_keyframe  # type: ignore[method-assign]
            transceiver.setCodecPreferences(codec_preferences(kind, self.room.video_codec))
            self.slots[name] = transceiver

    def _tap(self, name: str, kind: str, transceiver: RTCRtpTransceiver) -> None:
        receiver = transceiver.receiver
        holder: dict[str, ReceiverTap] = {}

        async def pli() -> None:
            await holder["tap"].request_keyframe()

        stream = PublishedStream(self.participant_id, kind, KeyframeRequester(pli))
        tap = ReceiverTap(receiver, stream.on_frame, stream.on_gap, on_audio_level=stream.note_audio_level)
        holder["tap"] = tap
        key = SOURCE_KEYS[name]
        self.streams[key] = stream
        self._taps[key] = tap

    def _note_media_ssrcs(self, description: aiortc_sdp.SessionDescription) -> None:
        # A PLI names the publisher's media SSRC: the first a=ssrc of its m-line (the second is RTX).
        for name, key in SOURCE_KEYS.items():
            transceiver = self.slots.get(name)
            tap = self._taps.get(key) if transceiver else None
            if transceiver is None or tap is None:
                continue
            index = transceiver._get_mline_index()
            if index is not None and description.media[index].ssrc:
                tap.media_ssrc = description.media[index].ssrc[0].ssrc

    def receive_sender(self, slot: str) -> RTCRtpSender:
        return self.slots[slot].sender

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.packets is not None:
            self.packets.close()
        for track in self.forwarded.values():
            track.stop()
        for stream in self.streams.values():
            stream.requester.close()
            stream.sinks.clear()
        # aiortc may already be closing this connection itself (the remote closed DTLS); if our wait
        # were cancelled, its own close would fail setting the shared "closed" future. The engine
        # waits for every such close on shutdown, so no socket outlives the loop.
        closing = asyncio.ensure_future(self.pc.close())
        self.room.engine.closing.add(closing)
        closing.add_done_callback(self.room.engine.closing.discard)
        await asyncio.shield(closing)
