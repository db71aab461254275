"""The recorder: a participant of the room that sees every publisher's encoded frames and muxes them into segments.

Frames come from the room's tap (`MediaRoom.add_tap`) already assembled and undecoded. Each is placed at
the moment its publisher captured it (`sync.ReportWatch`: RTCP sender reports), moved onto the server's
clock by one fixed offset per publisher (so one publisher's audio and video stay exactly as its reports
say), held `hold` seconds so the tracks can be put in order, and muxed into the open segment.

A segment holds the tracks of everyone whose media flows when it opens: each one's camera and microphone, and the
content (a shared screen) of whoever shares it, as a video track of its own whose metadata says "content". When a
publisher's media stops for `drop_after` seconds (a network drop, or they left) or a new one starts (a screen
shared, too), the segment closes and the next opens with the tracks that flow now; the absence is written down as a
gap (from, to, cause). Nobody can pause it: the recorder has no pause.

A recorder that fails (the disk is full, the store fails, a bug) stops at once: it aborts its open segment,
keeps its open gaps, and calls `on_failed`; the manager (`manager.py`) tells the room, writes the gap with its
cause and starts a new recorder into a new segment when it can.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import heapq
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import av
import structlog

from hub.media.interface import FrameTiming, MediaRoom
from hub.rooms.recording.models import GapCause
from hub.rooms.recording.segment import SegmentFile, TrackSpec, h264_size, vp8_size
from hub.rooms.recording.sync import ReportWatch
from hub.store.interface import EvidenceStore, Labels, OpenedFile, SignedManifest

log = structlog.get_logger("hub.recorder")

StreamKey = tuple[str, str]  # (participant, kind): kind "audio", "video" (the camera) or "content" (a shared screen)
SLOT_OF = {"video": "camera", "audio": "microphone", "content": "content"}
CLOCK_RATE = {"video": 90000, "audio": 48000, "content": 90000}
STREAM_OF = {"video": "video", "content": "content"}  # a video track's stream among its publisher's (keyframe requests)


def utc(unix: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(unix, dt.UTC)


class RecordingLog(Protocol):
    """Where the recorder writes down what it did (the database, in the app; a list, in tests)."""

    async def segment_opened(
        self, position: int, opened: OpenedFile, started_at: dt.datetime, tracks: list[dict[str, Any]]
    ) -> None: ...

    async def segment_closed(
        self, signed: SignedManifest, ended_at: dt.datetime, duration_ms: int, cause: str, tracks: list[dict[str, Any]]
    ) -> None: ...

    async def gap_opened(self, participant: str | None, started_at: dt.datetime, cause: GapCause) -> int: ...

    async def gap_closed(self, gap: int, ended_at: dt.datetime) -> None: ...


@dataclass(frozen=True)
class Person:
    name: str
    role: str


@dataclass
class RecorderTuning:
    hold: float = 0.3  # seconds frames wait so the tracks can be interleaved in time order
    drop_after: float = 2.0  # a publisher silent this long has dropped out: the segment is cut
    report_wait: float = 0.6  # how long frames wait for a first sender report before arrival times stand in
    flush_every: float = 0.5  # the store writer is sealed and fsync'ed at least this often
    tick: float = 0.1


@dataclass
class _Stream:
    participant: str
    kind: str
    codec: str = ""
    peer: Any = None  # the MediaPeer the frames come from; a new one (reconnect) resets the mapping
    watch: ReportWatch | None = None
    first_arrival: float = 0.0
    last_arrival: float = 0.0
    sync: str = ""  # "" until the first frame is placed, then "sender_report" or "arrival"
    width: int = 0
    height: int = 0
    pending: list[tuple[bytes, int, bool, float]] = field(default_factory=list)
    frames: int = 0
    late_report: bool = False  # placed by arrival until its first sender report came
    keyframe: bytes = b""  # H.264 only: the latest keyframe, for the segment header's parameter sets


class Recorder:
    def __init__(
        self,
        room: MediaRoom,
        store: EvidenceStore,
        log_to: RecordingLog,
        labels: Labels,
        people: Callable[[str], Person],
        *,
        first_position: int = 1,
        previous_file_id: str | None = None,
        tuning: RecorderTuning | None = None,
        now: Callable[[], float] = time.time,
        on_failed: Callable[[Recorder, BaseException], None] | None = None,
        on_segment: Callable[[Recorder], None] | None = None,
        room_gap: int | None = None,
        holds: Callable[[], bool] | None = None,
    ) -> None:
        self.room = room
        self.holds = holds  # several processes: False while this one may not act for the room (it steps nothing)
        self.store = store
        self.log = log_to
        self.labels = labels
        self.people = people
        self.tuning = tuning or RecorderTuning()
        self.now = now
        self.position = first_position
        self.previous_file_id = previous_file_id
        self.segment: SegmentFile | None = None
        self.segment_keys: list[StreamKey] = []
        self.closed_segments = 0
        self._streams: dict[StreamKey, _Stream] = {}
        self._offsets: dict[str, float] = {}  # publisher's clock → server clock, per participant
        self._heap: list[tuple[float, int, StreamKey, bytes, bool]] = []
        self._seq = itertools.count()
        self._present: dict[str, int | None] = {}  # participant → open gap id (None: present)
        self._last_seen: dict[str, float] = {}
        self._left: dict[str, GapCause] = {}
        self._room_gap: int | None = room_gap  # an open gap of the whole recording, closed by the first segment
        self._last_flush = 0.0
        self._remove_tap: Callable[[], None] | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self.failed: BaseException | None = None
        self.failed_at = 0.0  # unix time the failure was noticed
        self.on_failed = on_failed
        self.on_segment = on_segment
        self._inject: BaseException | None = None
        self.failed_segments: list[SegmentFile] = []  # aborted by a failure: the manager finishes their files

    # ---- life --------------------------------------------------------------------------------

    def start(self) -> None:
        self._remove_tap = self.room.add_tap(self)
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self, cause: str = "ended") -> None:
        """Mux what is held, close the segment and every open gap."""
        if self._stopping:
            return
        self._stopping = True
        if self._remove_tap is not None:
            self._remove_tap()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.failed is not None:
            return
        end = self.now()
        self._place_pending(end, force=True)
        self._release(float("inf"))
        if self.segment is not None:
            end = max(end, self.segment.started_at + self.segment.duration_ms / 1000)
            try:
                await self._close_segment(cause)
            except Exception as exc:  # a full disk at the very end: the segment is left for recovery, as on failure
                self.failed, self.failed_at = exc, time.time()
                await self._abort(self.segment)  # put back by _close_segment
                return
        for participant, gap in list(self._present.items()):
            if gap is not None:
                await self.log.gap_closed(gap, utc(end))
                self._present[participant] = None
        if self._room_gap is not None:
            await self.log.gap_closed(self._room_gap, utc(end))
            self._room_gap = None

    def participant_left(self, participant: str, cause: GapCause) -> None:
        """Signaling says why someone's media will stop (so the gap names the cause)."""
        self._left[participant] = cause

    def participant_joined(self, participant: str) -> None:
        self._left.pop(participant, None)

    # ---- frames (the tap; on the event loop, must stay cheap) ---------------------------------

    def on_frame(self, participant_id: str, kind: str, packet: av.Packet[Any], timing: FrameTiming) -> None:
        key = (participant_id, kind)
        stream = self._streams.get(key)
        peer = self.room.peers.get(participant_id)
        if stream is None or stream.peer is not peer:
            stream = self._streams[key] = self._new_stream(participant_id, kind, peer, timing.arrival)
        stream.last_arrival = timing.arrival
        stream.codec = "opus" if kind == "audio" else timing.codec
        if kind != "audio" and timing.keyframe:
            if timing.codec == "H264":
                stream.keyframe = bytes(packet)
                if not stream.width:
                    stream.width, stream.height = h264_size(stream.keyframe)
            else:
                stream.width, stream.height = vp8_size(bytes(packet))
        stream.frames += 1
        stream.pending.append((bytes(packet), timing.timestamp, timing.keyframe, timing.arrival))
        if stream.sync:
            self._place(stream)

    def _new_stream(self, participant: str, kind: str, peer: Any, arrival: float) -> _Stream:
        stream = _Stream(participant, kind, peer=peer, first_arrival=arrival)
        transceiver = peer.slots.get(SLOT_OF[kind]) if peer is not None else None
        if transceiver is not None:
            stream.watch = ReportWatch(transceiver.receiver, CLOCK_RATE[kind])
        if not self._has_other_stream(participant, kind, peer):
            self._offsets.pop(participant, None)  # a new connection: its clock is placed afresh
        return stream

    def _has_other_stream(self, participant: str, kind: str, peer: Any) -> bool:
        """Another stream of this connection is placed already (its content starting, say): its clock stays."""
        return any(p == participant and k != kind and s.peer is peer and bool(s.sync) for (p, k), s in self._streams.items())

    def _place(self, stream: _Stream) -> None:
        """Move `stream.pending` onto the server's timeline (the stream's sync is decided)."""
        key = (stream.participant, stream.kind)
        watch = stream.watch
        for data, ts, keyframe, arrival in stream.pending:
            captured = watch.capture_time(ts) if watch is not None else None
            if captured is None:
                at = arrival  # no sender report yet (or ever): the best we have
            else:
                if stream.sync == "arrival":  # the first report came late: from now on, by the report
                    stream.sync = "sender_report"
                    stream.late_report = True
                offset = self._offsets.get(stream.participant)
                if offset is None:
                    offset = self._offsets[stream.participant] = arrival - captured
                at = captured + offset
            heapq.heappush(self._heap, (at, next(self._seq), key, data, keyframe))
        stream.pending.clear()

    def _place_pending(self, now: float, *, force: bool = False) -> None:
        for stream in self._streams.values():
            if stream.sync or not stream.pending:
                continue
            if stream.watch is not None and stream.watch.latest is not None and stream.watch.origin() is not None:
                stream.sync = "sender_report"
            elif force or now - stream.first_arrival >= self.tuning.report_wait:
                stream.sync = "arrival"
                log.warning("recorder_no_sender_report", participant=stream.participant, kind=stream.kind)
            else:
                continue
            self._place(stream)

    # ---- the loop ----------------------------------------------------------------------------

    def inject(self, exc: BaseException) -> None:
        """Fail on the next step with `exc` (fault drills and tests: the recorder killed from inside)."""
        self._inject = exc

    async def _run(self) -> None:
        try:
            while True:
                await asyncio.sleep(self.tuning.tick)
                if self._inject is not None:
                    raise self._inject
                if self.holds is not None and not self.holds():
                    continue  # a process waking from a stall: its room may be another's now (fencing decides)
                await self._step(self.now())
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.failed, self.failed_at = exc, time.time()
            if self._remove_tap is not None:
                self._remove_tap()
                self._remove_tap = None
            self._heap.clear()
            await self._abort(self.segment)
            if self.on_failed is not None:
                self.on_failed(self, exc)
            else:
                log.exception("recorder_failed", error=str(exc))

    async def _abort(self, segment: SegmentFile | None) -> None:
        if segment is not None and segment not in self.failed_segments:
            self.failed_segments.append(segment)
            with contextlib.suppress(Exception):  # its writer may be what failed
                await segment.abort()

    async def close_gaps(self, end: float) -> None:
        """A failed recorder's open gaps end where the failure's gap begins."""
        for participant, gap in list(self._present.items()):
            if gap is not None:
                await self.log.gap_closed(gap, utc(end))
                self._present[participant] = None
        if self._room_gap is not None:
            await self.log.gap_closed(self._room_gap, utc(end))
            self._room_gap = None

    async def _step(self, now: float) -> None:
        self._place_pending(now)
        live = self._live(now)
        await self._track_presence(now, live)
        added = set(live) - set(self.segment_keys)
        removed = set(self.segment_keys) - set(live)
        # A stream still waiting for its first sender report joins at the next cut, not one by one.
        settling = any(not s.sync and now - s.last_arrival < self.tuning.drop_after for s in self._streams.values())
        if removed or (added and not settling):
            if self.segment is not None:
                cut = now - self.tuning.hold
                self._release(cut)
            else:  # the first segment starts with the earliest frame held
                cut = min(self._heap[0][0], now - self.tuning.hold) if self._heap else now - self.tuning.hold
            await self._cut(live, cut)
        if self.segment is not None:
            self._release(now - self.tuning.hold)
        else:
            self._release(now - self.tuning.report_wait - self.tuning.drop_after)  # nobody to record: forget
        if self.segment is not None:
            if self.segment.waiting_for_keyframe():
                self._request_keyframes(self.segment)
            if now - self._last_flush >= self.tuning.flush_every:
                self._last_flush = now
                await self.segment.flush()

    def _live(self, now: float) -> list[StreamKey]:
        """The streams that flow now and are placed on the timeline, in a stable order."""
        # A stream of a new connection (a reconnect, a network change) that continues a track of the open segment
        # stays in it while its timing is being decided: a short change is not a cut.
        settle = self.tuning.report_wait + self.tuning.tick
        alive = [
            key
            for key, s in self._streams.items()
            if now - s.last_arrival < self.tuning.drop_after
            and (s.kind == "audio" or s.width)
            and (s.sync or (key in self.segment_keys and now - s.first_arrival <= settle))
        ]
        return sorted(alive)

    async def _track_presence(self, now: float, live: list[StreamKey]) -> None:
        flowing = {p for p, _ in live}
        for participant in flowing:
            self._last_seen[participant] = now
            gap = self._present.get(participant)
            if gap is not None:
                await self.log.gap_closed(gap, utc(now - self.tuning.hold))
                self._left.pop(participant, None)  # back: a later stop has its own cause
            self._present[participant] = None
        for participant, gap in list(self._present.items()):
            if participant not in flowing and gap is None:
                since = max(s.last_arrival for (p, _), s in self._streams.items() if p == participant)
                cause = self._left.get(participant, GapCause.MEDIA_LOST)
                self._present[participant] = await self.log.gap_opened(participant, utc(since), cause)

    async def _cut(self, live: list[StreamKey], at: float) -> None:
        """Close the open segment (if any) at `at` and open one with the `live` tracks (if any)."""
        old = self.segment
        new: SegmentFile | None = None
        if live:
            specs = [self._spec(key) for key in live]
            labels = Labels(
                case_id=self.labels.case_id,
                room_id=self.labels.room_id,
                room_session_id=self.labels.room_session_id,
                participants=tuple(dict.fromkeys(s.participant for s in specs)),
                previous_segment_id=old.file_id if old is not None else self.previous_file_id,
            )
            new = await SegmentFile.open(self.store, labels, specs, at)
            await self.log.segment_opened(self.position, new.opened, utc(at), new.describe())
            self.position += 1
            self._request_keyframes(new)
        if old is not None:
            cause = "participants_changed" if new is not None else "media_stopped"
            try:
                await self._close_segment(cause, next_segment_id=new.file_id if new is not None else None)
            except BaseException:
                await self._abort(new)
                raise
        if new is None and self._room_gap is None and old is not None:
            self._room_gap = await self.log.gap_opened(None, utc(at), GapCause.NO_MEDIA)
        if new is not None and self._room_gap is not None:
            await self.log.gap_closed(self._room_gap, utc(at))
            self._room_gap = None
        self.segment = new
        self.segment_keys = live
        self._last_flush = self.now()
        if new is not None and self.on_segment is not None:
            self.on_segment(self)

    async def _close_segment(self, cause: str, *, next_segment_id: str | None = None) -> None:
        segment = self.segment
        assert segment is not None
        self.segment = None
        self.segment_keys = []
        try:
            signed = await segment.close(next_segment_id=next_segment_id)
        except BaseException:
            self.segment = segment  # still the open (failed) segment: the failure path aborts it
            raise
        self.previous_file_id = segment.file_id
        self.closed_segments += 1
        tracks = segment.describe()
        for track in tracks:  # a stream placed by arrival at first may have had its first report since
            stream = self._streams.get((track["participant"], track["kind"]))
            if stream is not None and stream.late_report and track["sync"] == "arrival":
                track["sync"] = "arrival_until_first_report"
        await self.log.segment_closed(signed, segment.ended_at(), segment.duration_ms, cause, tracks)

    def _spec(self, key: StreamKey) -> TrackSpec:
        stream = self._streams[key]
        person = self.people(stream.participant)
        return TrackSpec(
            participant=stream.participant,
            name=person.name,
            role=person.role,
            kind=stream.kind,
            codec=stream.codec,
            width=stream.width,
            height=stream.height,
            sync="arrival_until_first_report" if stream.late_report else stream.sync,
            keyframe=stream.keyframe,
        )

    def _release(self, until: float) -> None:
        heap, segment = self._heap, self.segment
        index = {key: i for i, key in enumerate(self.segment_keys)}
        while heap and heap[0][0] <= until:
            at, _, key, data, keyframe = heapq.heappop(heap)
            i = index.get(key)
            if segment is not None and i is not None:
                segment.write(i, data, at, keyframe)

    def _request_keyframes(self, segment: SegmentFile) -> None:
        for i in segment.waiting_for_keyframe():
            spec = segment.tracks[i].spec
            peer = self.room.peers.get(spec.participant)
            stream = peer.streams.get(STREAM_OF[spec.kind]) if peer is not None else None
            if stream is not None:
                stream.requester.request()  # coalesced by the publisher's requester
