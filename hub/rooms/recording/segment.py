"""One segment file: every participant's tracks muxed by PyAV, without decoding, straight into the encrypted store.

WebM for VP8 and Opus, Matroska when a track is H.264. The muxer writes live (no seeking back):
short clusters and a flush of every packet to the store's writer bound what a crash can lose to
the open cluster plus what the writer has not yet sealed (the recorder flushes it twice a second).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import av
from av.container import OutputContainer

from hub.store.interface import EvidenceStore, FileKind, Labels, OpenedFile, SignedManifest, StreamWriter, WriterSink

MS = Fraction(1, 1000)
CLUSTER_MS = 400
# flush_packets: hand every packet to the store at once; max_interleave_delta: the recorder orders
# packets itself, so libavformat must not hold them back waiting for a silent track.
MUX_OPTIONS = {"cluster_time_limit": str(CLUSTER_MS), "flush_packets": "1", "max_interleave_delta": "1", "live": "1"}


@dataclass(frozen=True)
class TrackSpec:
    """One track of a segment: whose, what, and how its frames were put on the timeline."""

    participant: str
    name: str
    role: str
    kind: str  # "audio" | "video" (the camera) | "content" (a shared screen: a video track too)
    codec: str  # "VP8" | "H264" | "opus"
    width: int = 0
    height: int = 0
    sync: str = "sender_report"  # or "arrival" when the publisher sent no sender report in time
    keyframe: bytes = field(default=b"", repr=False)  # H.264: a recent keyframe, whose SPS/PPS go in the header

    def describe(self, index: int) -> dict[str, Any]:
        return {
            "track": index,
            "participant": self.participant,
            "name": self.name,
            "role": self.role,
            "kind": self.kind,
            "codec": self.codec,
            "width": self.width,
            "height": self.height,
            "sync": self.sync,
        }


def vp8_size(data: bytes) -> tuple[int, int]:
    """Width and height from a VP8 keyframe header (RFC 6386 §9.1)."""
    if len(data) < 10:
        return 0, 0
    width, height = struct.unpack("<HH", data[6:10])
    return width & 0x3FFF, height & 0x3FFF


def h264_size(data: bytes) -> tuple[int, int]:
    """Width and height of an H.264 keyframe: decodes that one frame (once per segment, not per packet)."""
    decoder = av.CodecContext.create("h264", "r")
    for frame in decoder.decode(av.Packet(data)):  # type: ignore[attr-defined]
        return frame.width, frame.height
    for frame in decoder.decode(None):  # type: ignore[attr-defined]
        return frame.width, frame.height
    return 0, 0


def _h264_stream(container: OutputContainer, keyframe: bytes) -> Any:
    """Matroska needs H.264's parameter sets in the track header: take them from a keyframe (Annex B, as the
    depayloader gives it) through the raw H.264 demuxer, which parses them without decoding the picture."""
    with av.open(io.BytesIO(keyframe), format="h264") as template:
        return container.add_stream_from_template(template.streams.video[0])


def container_format(tracks: list[TrackSpec]) -> tuple[str, str]:
    """(PyAV format, media type) for these tracks."""
    if any(t.codec == "H264" for t in tracks):
        return "matroska", "video/x-matroska"
    return "webm", "video/webm"


@dataclass
class _Track:
    spec: TrackSpec
    stream: Any
    need_key: bool
    last_pts: int = -1
    packets: int = 0


@dataclass
class SegmentFile:
    """An open segment. Methods are called from the event loop only."""

    writer: StreamWriter
    container: OutputContainer
    tracks: list[_Track]
    started_at: float  # unix seconds of the segment's time zero
    end_pts: int = 0
    dropped: int = 0
    _closed: bool = field(default=False)

    @property
    def file_id(self) -> str:
        return self.writer.file_id

    @property
    def opened(self) -> OpenedFile:
        return self.writer.opened

    @classmethod
    async def open(cls, store: EvidenceStore, labels: Labels, specs: list[TrackSpec], started_at: float) -> SegmentFile:
        fmt, media_type = container_format(specs)
        writer = await store.create(FileKind.RECORDING, media_type, labels)
        try:
            container = av.open(WriterSink(writer), mode="w", format=fmt, options=MUX_OPTIONS)
            tracks: list[_Track] = []
            for spec in specs:
                if spec.codec == "H264":
                    stream = _h264_stream(container, spec.keyframe)
                elif spec.kind != "audio":
                    stream = container.add_mux_stream(spec.codec.lower(), rate=30, width=spec.width, height=spec.height)
                else:
                    # An encoder that is opened but never used writes the OpusHead Matroska needs.
                    stream = container.add_stream("libopus", rate=48000)
                    stream.layout = "stereo"  # type: ignore[union-attr]
                # each track says whose it is in the file too: segments whose rows were lost get them back from it
                stream.metadata["title"] = json.dumps(spec.describe(len(tracks)), ensure_ascii=False)
                tracks.append(_Track(spec, stream, need_key=spec.kind != "audio"))
            container.start_encoding()
        except BaseException:
            await writer.abort()
            raise
        return cls(writer, container, tracks, started_at)

    def write(self, index: int, data: bytes, at: float, keyframe: bool) -> bool:
        """Mux one frame captured at unix time `at`; False if it had to be dropped."""
        track = self.tracks[index]
        pts = round((at - self.started_at) * 1000)
        if pts < 0 or (track.need_key and not keyframe):
            self.dropped += 1
            return False
        track.need_key = False
        if pts <= track.last_pts:  # keep each track's timestamps strictly increasing
            pts = track.last_pts + 1
        track.last_pts = pts
        packet = av.Packet(data)
        packet.pts = packet.dts = pts
        packet.time_base = MS
        packet.stream = track.stream
        if keyframe and track.spec.kind != "audio":
            packet.is_keyframe = True
        self.container.mux_one(packet)
        track.packets += 1
        self.end_pts = max(self.end_pts, pts)
        return True

    def waiting_for_keyframe(self) -> list[int]:
        return [i for i, t in enumerate(self.tracks) if t.need_key]

    async def flush(self) -> int:
        return await self.writer.flush()

    @property
    def duration_ms(self) -> int:
        return self.end_pts + (20 if self.end_pts else 0)  # the last frame lasts about one audio frame

    def ended_at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.started_at + self.duration_ms / 1000, dt.UTC)

    def describe(self) -> list[dict[str, Any]]:
        return [t.spec.describe(i) for i, t in enumerate(self.tracks)]

    async def close(self, *, next_segment_id: str | None = None) -> SignedManifest:
        self._closed = True
        participants = tuple(dict.fromkeys(t.spec.participant for t in self.tracks))
        self.container.close()
        return await self.writer.close(participants=participants, next_segment_id=next_segment_id)

    async def abort(self) -> None:
        """The recorder failed: leave the file for the store's recovery (what is flushed survives)."""
        self._closed = True
        await self.writer.abort()
