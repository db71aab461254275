"""Pieces the recording tests share: a clip with marks to measure lip-sync, a log in memory, and file analysis."""

from __future__ import annotations

import array
import asyncio
import datetime as dt
import io
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import av
from av.audio.frame import AudioFrame
from av.video.frame import VideoFrame

from hub.rooms.recording.models import GapCause
from hub.signaling.clip import Clip
from hub.store.manifest import SignedManifest
from hub.store.store import EvidenceStore
from hub.store.writer import OpenedFile

FPS = 30
MARKS = (0.5, 1.5)  # seconds into the 2 s clip: a white video frame and the start of a beep, together


def encode_marked_clip(width: int = 320, height: int = 240, seconds: float = 2.0) -> Clip:
    """Dark video with one white frame at each mark; silence with a 60 ms beep starting at each mark."""
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuv420p"  # type: ignore[attr-defined]
    encoder.bit_rate = 400_000
    encoder.time_base = Fraction(1, FPS)
    encoder.gop_size = FPS  # type: ignore[attr-defined]
    encoder.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0", "error-resilient": "1"}
    marks = {round(m * FPS) for m in MARKS}
    video: list[bytes] = []
    frames = int(seconds * FPS)
    for i in range(frames):
        frame = VideoFrame(width, height, "yuv420p")
        luma = 235 if i in marks else 30
        row = bytearray([luma]) * width
        x = (i * 5) % (width - 16)
        if i not in marks:
            row[x : x + 16] = bytes([120]) * 16  # a moving bar: ordinary delta frames
        frame.planes[0].update(bytes(row) * height)
        frame.planes[1].update(bytes([128]) * (width // 2 * height // 2))
        frame.planes[2].update(bytes([128]) * (width // 2 * height // 2))
        frame.pts = i
        video += [bytes(p) for p in encoder.encode(frame)]  # type: ignore[attr-defined]
    video += [bytes(p) for p in encoder.encode(None)]  # type: ignore[attr-defined]
    audio_encoder = av.CodecContext.create("libopus", "w")
    audio_encoder.sample_rate = 48000  # type: ignore[attr-defined]
    audio_encoder.layout = "stereo"  # type: ignore[attr-defined]
    audio_encoder.format = "s16"  # type: ignore[attr-defined]
    audio_encoder.bit_rate = 48000
    audio_encoder.time_base = Fraction(1, 48000)
    beeps = {round(m * 50) + k for m in MARKS for k in range(3)}
    audio: list[bytes] = []
    for i in range(int(seconds * 50)):
        pcm = bytearray()
        for n in range(960):
            value = int(12000 * math.sin(2 * math.pi * 880 * n / 48000)) if i in beeps else 0
            pcm += value.to_bytes(2, "little", signed=True) * 2
        frame = AudioFrame(format="s16", layout="stereo", samples=960)
        frame.planes[0].update(bytes(pcm))
        frame.sample_rate = 48000
        frame.pts = i * 960
        audio += [bytes(p) for p in audio_encoder.encode(frame)]  # type: ignore[attr-defined]
    audio += [bytes(p) for p in audio_encoder.encode(None)]  # type: ignore[attr-defined]
    return Clip(width, height, FPS, "VP8", video[:frames], audio[: int(seconds * 50)])


def mark_frames(clip: Clip) -> tuple[set[bytes], set[bytes]]:
    """The encoded frames that carry a mark: (white video frames, first frames of each beep)."""
    white = {clip.video[round(m * FPS)] for m in MARKS}
    beep = {clip.audio[round(m * 50)] for m in MARKS}
    return white, beep


@dataclass
class SentMarks:
    """When each marked frame left a publisher (on this machine's clock, the server's too)."""

    white: set[bytes]
    beep: set[bytes]
    video: list[float] = field(default_factory=list)
    audio: list[float] = field(default_factory=list)

    def on_sent(self, data: bytes, at: float) -> None:
        if data in self.white:
            self.video.append(at)
        elif data in self.beep:
            self.audio.append(at)


@dataclass
class Segment:
    position: int
    opened: OpenedFile
    started_at: dt.datetime
    tracks: list[dict[str, Any]]
    signed: SignedManifest | None = None
    ended_at: dt.datetime | None = None
    duration_ms: int | None = None
    cause: str = ""


@dataclass
class MemoryLog:
    """A `RecordingLog` that keeps everything in lists."""

    segments: list[Segment] = field(default_factory=list)
    gaps: dict[int, list[Any]] = field(default_factory=dict)

    async def segment_opened(
        self, position: int, opened: OpenedFile, started_at: dt.datetime, tracks: list[dict[str, Any]]
    ) -> None:
        self.segments.append(Segment(position, opened, started_at, tracks))

    async def segment_closed(
        self, signed: SignedManifest, ended_at: dt.datetime, duration_ms: int, cause: str, tracks: list[dict[str, Any]]
    ) -> None:
        segment = next(s for s in self.segments if s.opened.file_id == signed.manifest.file_id)
        segment.tracks = tracks
        segment.signed, segment.ended_at, segment.duration_ms, segment.cause = signed, ended_at, duration_ms, cause

    async def gap_opened(self, participant: str | None, started_at: dt.datetime, cause: GapCause) -> int:
        gap_id = len(self.gaps) + 1
        self.gaps[gap_id] = [participant, started_at, None, cause]
        return gap_id

    async def gap_closed(self, gap: int, ended_at: dt.datetime) -> None:
        self.gaps[gap][2] = ended_at


async def plaintext(store: EvidenceStore, file_id: str) -> bytes:
    reader = await store.open_reader(file_id)
    return b"".join([piece async for piece in reader.iter_all()])


@dataclass
class TrackReport:
    kind: str
    frames: int
    first: float  # seconds from the file's time zero
    last: float
    marks: list[float]  # seconds from the file's time zero where a mark shows (white frame, beep start)


def analyse(data: bytes) -> list[TrackReport]:
    """Decode every track of a recording (tests only: the recorder never decodes)."""
    reports = []
    with av.open(io.BytesIO(data)) as probe:
        count = len(probe.streams)
    for index in range(count):
        with av.open(io.BytesIO(data)) as container:
            stream = container.streams[index]
            times: list[float] = []
            marks: list[float] = []
            loud_before = False
            for frame in container.decode(stream):
                t = float(frame.pts * frame.time_base) if frame.pts is not None else 0.0
                times.append(t)
                if stream.type == "video":
                    plane = frame.planes[0]  # type: ignore[union-attr]
                    luma = bytes(plane)
                    if sum(luma[::97]) / len(luma[::97]) > 150:
                        marks.append(t)
                else:
                    assert frame.format.name == "fltp"  # type: ignore[union-attr]
                    samples = array.array("f", bytes(frame.planes[0]))[: frame.samples]  # type: ignore[union-attr]
                    loud = max((abs(x) for x in samples), default=0.0) > 0.1
                    if loud and not loud_before:
                        marks.append(t)
                    loud_before = loud
            reports.append(TrackReport(stream.type, len(times), min(times, default=0), max(times, default=0), marks))
    return reports


def offsets(recorded: list[float], sent: list[float], zero: float) -> list[float]:
    """For each mark in the file, its time on the server's clock minus when the nearest such mark was sent."""
    result = []
    for t in recorded:
        at = zero + t
        nearest = min(sent, key=lambda s: abs(s - at), default=None)
        if nearest is not None and abs(nearest - at) < 0.8:
            result.append(at - nearest)
    return result


def lip_sync_ms(audio: list[float], video: list[float]) -> float:
    """Audio minus video delay (ms) relative to the sender: 0 is perfect lip-sync."""
    return (statistics.median(audio) - statistics.median(video)) * 1000


async def wait_for(condition: Callable[[], bool], limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)
