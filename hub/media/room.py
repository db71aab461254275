"""A room's media: its peers, who is on which slot, and the taps (the recorder) on its frames."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Protocol

import av
from aiortc.contrib.media import MediaRelay
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from hub.media.peer import MediaPeer
from hub.media.slots import CONTENT, CONTENT_VIEW, SMALL, Candidate, SlotLayout, assign, rank, source_key
from hub.media.tracks import CLOCK_RATE, PublishedStream

if TYPE_CHECKING:
    from hub.media.engine import MediaEngine

log = logging.getLogger(__name__)

SPEAKER_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class FrameTiming:
    """When a frame reached the server and where it sits on its publisher's timeline."""

    arrival: float  # time.time() when the frame was assembled
    timestamp: int  # zero-based, in 1/clock_rate units
    clock_rate: int
    keyframe: bool
    codec: str


class RoomTap(Protocol):
    """Receives every encoded frame of a room, like a participant that sees everyone (the recorder).

    `kind` is "audio", "video" (the camera's large picture) or "content" (a shared screen, a video stream)."""

    def on_frame(self, participant_id: str, kind: str, packet: av.Packet[Any], timing: FrameTiming) -> None: ...


class RoomListener(Protocol):
    """What signaling wants to hear from the media side."""

    def on_slots(self, participant_id: str, mapping: dict[str, str | None]) -> None: ...

    def on_sending(self, participant_id: str, video: bool, line: str = "camera") -> None: ...


class _TapSink:
    """Adapts a `RoomTap` to a stream sink; each stream starts at a keyframe."""

    def __init__(self, tap: RoomTap) -> None:
        self.tap = tap
        self.started: set[int] = set()
        self.content: weakref.WeakSet[PublishedStream] = weakref.WeakSet()  # told to the tap as kind "content"

    def push(self, stream: PublishedStream, data: bytes, timestamp: int, keyframe: bool) -> None:
        if id(stream) not in self.started:
            if not keyframe:
                stream.requester.request()
                return
            self.started.add(id(stream))
        rate = CLOCK_RATE[stream.kind]
        packet = av.Packet(data)
        packet.pts = timestamp
        packet.time_base = Fraction(1, rate)
        timing = FrameTiming(time.time(), timestamp, rate, keyframe, stream.codec_name)
        kind = CONTENT if stream in self.content else stream.kind
        self.tap.on_frame(stream.participant_id, kind, packet, timing)


class MediaRoom:
    def __init__(self, engine: MediaEngine, room_id: str, layout: SlotLayout) -> None:
        self.engine = engine
        self.room_id = room_id
        self.layout = layout
        self.video_codec: str | None = None  # set by the first offer: every video slot uses it
        self.peers: dict[str, MediaPeer] = {}
        self.presenter: str | None = None
        # conferences (hub.signaling.console): venues pinned to the thumbnails in order, a viewer's own main
        # picture (the chair watching a venue) with its own pins, and publishers whose audio is not forwarded
        self.pinned: list[str] = []
        self.watch: dict[str, tuple[str | None, list[str]]] = {}
        self.silenced: set[str] = set()
        self.content: str | None = None  # who shares content (its `content` line goes to everyone's content_view)
        self.listener: RoomListener | None = None
        self._order: dict[str, int] = {}
        self._sending: dict[str, bool] = {}  # publisher → told to send its camera
        self._sending_small: dict[str, bool] = {}  # publisher → told to send its small camera (dual layouts)
        self._sending_content: dict[str, bool] = {}  # publisher → told to send its content line
        self._taps: list[_TapSink] = []
        self._ranking: tuple[list[str], list[str]] = ([], [])
        self._relay = MediaRelay() if engine.baseline_relay else None
        self._relay_tracks: dict[tuple[str, str], MediaStreamTrack] = {}
        self._drains: dict[str, asyncio.Future[None]] = {}
        self._tasks: set[asyncio.Future[None]] = set()
        self._speaker_task = asyncio.get_running_loop().create_task(self._watch_speakers())

    async def connect(self, participant_id: str, offer_sdp: str, *, publish: bool) -> str:
        """Answer a participant's offer; a second offer replaces the first connection (reconnect).

        The new connection starts from the slots the old one had, so a reconnect (a network change)
        gives the same people the same places."""
        old = self.peers.get(participant_id)
        previous = dict(old.mapping) if old is not None else {}
        await self.disconnect(participant_id, reassign=False)
        self._order.setdefault(participant_id, len(self._order))
        peer = MediaPeer(self, participant_id, publish)
        peer.previous_mapping = previous
        peer.on_failed = lambda: self._on_failed(peer)
        try:
            answer = await peer.answer(offer_sdp)
        except BaseException:
            await peer.close()
            raise
        self.peers[participant_id] = peer
        if self._relay is not None:
            self._start_drains(peer)
        self.reassign()
        # Those who watched the old connection keep the same slot (same mapping, so reassign() left it):
        # point it at the new connection's streams.
        for other in self.peers.values():
            if other is not peer and participant_id in other.mapping.values():
                self._apply(other, other.mapping)
        return answer

    async def disconnect(self, participant_id: str, *, reassign: bool = True) -> None:
        peer = self.peers.pop(participant_id, None)
        self._sending.pop(participant_id, None)
        self._sending_small.pop(participant_id, None)
        self._sending_content.pop(participant_id, None)
        if peer is None:
            return
        task = self._drains.pop(participant_id, None)
        if task is not None:
            task.cancel()
        for kind in ("video", "audio"):
            self._relay_tracks.pop((participant_id, kind), None)
        await peer.close()
        if reassign:
            self.reassign()

    def _on_failed(self, peer: MediaPeer) -> None:
        # ICE or DTLS failed for good: free the slots; the client's signaling reconnect offers again.
        if self.peers.get(peer.participant_id) is peer:
            task = asyncio.ensure_future(self.disconnect(peer.participant_id))
            self._tasks.add(task)  # keep a reference until it ran
            task.add_done_callback(self._tasks.discard)

    def preview(self, participant_id: str) -> dict[str, str | None]:
        """The slots `participant_id` has, or would get on connecting now."""
        peer = self.peers.get(participant_id)
        if peer is not None and peer.mapping:
            return dict(peer.mapping)
        video_ranked, audio_ranked = self._ranking
        mapping = assign(self.layout, participant_id, video_ranked, audio_ranked, None, self.presenter)
        if self.layout.dual:
            mapping[CONTENT_VIEW] = self.content if self.content != participant_id else None
        return mapping

    def set_presenter(self, participant_id: str | None) -> None:
        self.presenter = participant_id
        self.reassign()

    def set_watch(self, viewer: str, participant: str | None, pinned: list[str] | None = None) -> None:
        """`viewer` sees `participant` on its main slot (None: whatever everyone sees) and `pinned` first on its
        thumbnails."""
        if participant is None and not pinned:
            self.watch.pop(viewer, None)
        else:
            self.watch[viewer] = (participant, list(pinned or []))
        self.reassign()

    def set_content(self, participant: str | None) -> None:
        """Who shares content now (None: nobody): everyone else's content_view carries it."""
        if participant != self.content:
            self.content = participant
            self.reassign()

    def set_silenced(self, silenced: set[str]) -> None:
        """Publishers whose audio nobody receives (muted by a conference's chair)."""
        self.silenced = set(silenced)
        self.reassign()

    def speaking(self, within: float = 1.5) -> list[str]:
        """Publishers loud within the last `within` seconds, loudest-recent first (silenced ones excluded)."""
        now = time.monotonic()
        recent = [(self._last_spoke(p), p.participant_id) for p in self.peers.values() if p.publish]
        return [
            pid for spoke, pid in sorted(recent, reverse=True) if spoke and now - spoke <= within and pid not in self.silenced
        ]

    def add_tap(self, tap: RoomTap) -> Callable[[], None]:
        """Subscribe `tap` to every publisher's encoded frames; returns a function that unsubscribes."""
        if self._relay is not None:
            raise RuntimeError("taps need the forwarding engine, not the baseline relay")
        sink = _TapSink(tap)
        self._taps.append(sink)
        self._attach_taps()

        def remove() -> None:
            if sink in self._taps:
                self._taps.remove(sink)
            for peer in self.peers.values():
                for stream in peer.streams.values():
                    if sink in stream.sinks:
                        stream.sinks.remove(sink)
            self.reassign()

        self.reassign()
        return remove

    def _attach_taps(self) -> None:
        for peer in self.peers.values():
            for key, stream in peer.streams.items():
                if key == SMALL:
                    continue  # the recorder keeps the camera's large picture (and the shared content)
                for sink in self._taps:
                    if sink not in stream.sinks:
                        if key == CONTENT:
                            sink.content.add(stream)
                        stream.sinks.append(sink)
                        stream.requester.request()

    def reassign(self) -> None:
        """Map publishers onto every peer's slots; tell publishers nobody watches to stop sending."""
        publishers = [p for p in self.peers.values() if p.publish]
        candidates = [Candidate(p.participant_id, self._order[p.participant_id], self._last_spoke(p)) for p in publishers]
        video_ranked = rank(candidates, self.presenter)
        audio_ranked = [a for a in rank(candidates, None) if a not in self.silenced]
        self._ranking = (video_ranked, audio_ranked)
        watched: set[str] = set()  # large pictures someone needs (main slots; any slot of a publisher without a small one)
        small: set[str] = set()  # small pictures someone needs (thumbnails)
        shown: set[str] = set()  # content someone receives
        for peer in self.peers.values():
            me = peer.participant_id
            main, pins, ranked = self.presenter, self.pinned, video_ranked
            if me in self.watch:
                own, own_pins = self.watch[me]
                main = own if own is not None else self.presenter
                pins = own_pins or self.pinned
                ranked = rank(candidates, main)
            current = peer.mapping or peer.previous_mapping
            if pins:
                ranked, main = _pin(ranked, main, pins, me)
                current = {k: v for k, v in current.items() if not k.startswith("thumb")}
            mapping = assign(self.layout, me, ranked, audio_ranked, current, main)
            if self.layout.dual:
                mapping[CONTENT_VIEW] = self.content if self.content != me and self.content in self.peers else None
            if mapping != peer.mapping:
                peer.mapping = mapping
                self._apply(peer, mapping)
                if self.listener is not None:
                    self.listener.on_slots(peer.participant_id, dict(mapping))
            for slot, publisher_id in mapping.items():
                if publisher_id is not None and not slot.startswith("audio") and slot != CONTENT_VIEW:
                    (small if source_key(slot) == SMALL else watched).add(publisher_id)
            if mapping.get(CONTENT_VIEW) is not None:
                shown.add(str(mapping[CONTENT_VIEW]))
        self._attach_taps()
        if self._taps:  # the recorder takes every camera, and the content while it is shared
            watched.update(p.participant_id for p in publishers)
            if self.content is not None and self.content in self.peers:
                shown.add(self.content)
        for p in publishers:
            dual = SMALL in p.streams
            wanted = {"camera": p.participant_id in watched or (not dual and p.participant_id in small)}
            if dual:
                wanted["camera_small"] = p.participant_id in small
            if CONTENT in p.streams:
                wanted["content"] = p.participant_id in shown
            for line, needed in wanted.items():
                told = {"camera": self._sending, "camera_small": self._sending_small}.get(line, self._sending_content)
                if told.get(p.participant_id) != needed:
                    told[p.participant_id] = needed
                    if self.listener is not None:
                        self.listener.on_sending(p.participant_id, needed, line)

    def _apply(self, peer: MediaPeer, mapping: dict[str, str | None]) -> None:
        for slot, publisher_id in mapping.items():
            kind = "audio" if slot.startswith("audio") else "video"
            key = source_key(slot)
            publisher = self.peers.get(publisher_id) if publisher_id else None
            if peer.packets is not None:
                sources = publisher.packets.sources if publisher and publisher.packets else {}
                peer.packets.legs[slot].switch(sources.get(key) or sources.get(kind))
            elif self._relay is None:
                streams = publisher.streams if publisher else {}
                peer.forwarded[slot].switch(streams.get(key) or streams.get(kind))
            else:
                track = self._relayed(publisher, kind) if publisher else None
                peer.receive_sender(slot).replaceTrack(track)

    def _relayed(self, publisher: MediaPeer, kind: str) -> MediaStreamTrack | None:
        source = publisher.remote_tracks.get(kind)
        if source is None or self._relay is None:
            return None
        return self._relay.subscribe(source, buffered=False)

    def _start_drains(self, peer: MediaPeer) -> None:
        # The stock receiver decodes whether or not anyone listens, and its track queue grows
        # without bound unless read: keep one reader per published track.
        assert self._relay is not None
        tracks = [self._relay.subscribe(t, buffered=False) for t in peer.remote_tracks.values()]
        if tracks:
            self._drains[peer.participant_id] = asyncio.ensure_future(_drain(tracks))

    @staticmethod
    def _last_spoke(peer: MediaPeer) -> float:
        audio = peer.streams.get("audio")
        return audio.last_spoke if audio is not None else 0.0

    async def _watch_speakers(self) -> None:
        while True:
            await asyncio.sleep(SPEAKER_CHECK_SECONDS)
            publishers = [p for p in self.peers.values() if p.publish]
            candidates = [Candidate(p.participant_id, self._order[p.participant_id], self._last_spoke(p)) for p in publishers]
            ranking = (rank(candidates, self.presenter), [a for a in rank(candidates, None) if a not in self.silenced])
            if ranking != self._ranking:
                self.reassign()

    async def close(self) -> None:
        self._speaker_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._speaker_task
        for task in list(self._drains.values()):
            task.cancel()
        for participant_id in list(self.peers):
            await self.disconnect(participant_id, reassign=False)


def _pin(ranked: list[str], main: str | None, pinned: list[str], me: str) -> tuple[list[str], str | None]:
    """A conference multi-picture: `main` (or, if that is the viewer, the best-ranked publisher not pinned) on the main
    slot, then the `pinned` publishers in their order on the thumbnails, then the rest."""
    pins = [p for p in pinned if p in ranked and p != me and p != main]
    if main is None or main == me or main not in ranked:
        main = next((p for p in ranked if p != me and p not in pins), None)
    head = [main] if main is not None else []
    return head + pins + [p for p in ranked if p not in head and p not in pins], main


async def _drain(tracks: list[MediaStreamTrack]) -> None:
    async def one(track: MediaStreamTrack) -> None:
        with contextlib.suppress(MediaStreamError):
            while True:
                await track.recv()

    await asyncio.gather(*(one(t) for t in tracks))
