"""Segments and gaps, driven frame by frame on a fake clock: a network drop closes the segment, the gap is written
with its cause, the next segment starts when media returns, and the segments are chained in their manifests."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import av

from hub.media import FrameTiming
from hub.media.keyframes import is_keyframe
from hub.rooms.recording.models import GapCause
from hub.rooms.recording.recorder import Person, Recorder, RecorderTuning
from hub.signaling.clip import Clip
from hub.store.keys import StoreKeys
from hub.store.manifest import Labels
from hub.store.store import EvidenceStore
from tests.rooms.recording.support import MemoryLog, analyse, plaintext

T0 = 1_800_000_000.0


class FakeRoom:
    """What the recorder needs of a `MediaRoom`: taps and peers (none here: frames are placed by arrival)."""

    def __init__(self) -> None:
        self.peers: dict[str, Any] = {}
        self.taps: list[Any] = []

    def add_tap(self, tap: Any) -> Any:
        self.taps.append(tap)
        return lambda: self.taps.remove(tap)


class Feed:
    """Plays a clip's frames for some participants into the recorder, in time order, stepping its loop."""

    def __init__(self, recorder: Recorder, clip: Clip) -> None:
        self.recorder, self.clip = recorder, clip
        self.codec = clip.codec
        self.sent: dict[str, int] = {}

    def frames(self, participant: str, start: float, end: float) -> list[tuple[float, str, str, bytes, int, bool]]:
        out = []
        count = self.sent.get(participant, 0)
        for i in range(int((end - start) * 30)):
            data = self.clip.video[(count + i) % len(self.clip.video)]
            at = start + i / 30
            out.append((at, participant, "video", data, round(at * 90000), is_keyframe(self.codec, data)))
        for i in range(int((end - start) * 50)):
            at = start + i / 50
            out.append((at, participant, "audio", self.clip.audio[i % len(self.clip.audio)], round(at * 48000), True))
        self.sent[participant] = count + int((end - start) * 30)
        return out

    async def play(self, frames: list[tuple[float, str, str, bytes, int, bool]], until: float) -> None:
        frames.sort(key=lambda f: f[0])
        tick = frames[0][0] if frames else until
        for at, participant, kind, data, ts, key in frames:
            while tick + 0.1 <= at:
                tick += 0.1
                await self.recorder._step(T0 + tick)
            packet = av.Packet(data)
            timing = FrameTiming(T0 + at, ts, 90000 if kind == "video" else 48000, key, self.codec)
            self.recorder.on_frame(participant, kind, packet, timing)
        while tick + 0.1 <= until:
            tick += 0.1
            await self.recorder._step(T0 + tick)


async def test_a_network_drop_cuts_the_segment_and_writes_the_gap(tmp_path: Path, small_clip: Clip) -> None:
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    log = MemoryLog()
    people = {"a": Person("李四", "interviewer"), "b": Person("张三", "interviewee")}
    recorder = Recorder(FakeRoom(), store, log, Labels(case_id=3, room_session_id=5), people.__getitem__,
                        tuning=RecorderTuning(report_wait=0.3), now=lambda: T0)  # fmt: skip
    feed = Feed(recorder, small_clip)
    # both talk for 3 s, then b's network drops for 4 s while a goes on, then b is back for 3 s
    await feed.play(feed.frames("a", 0, 3) + feed.frames("b", 0, 3), until=3.0)
    await feed.play(feed.frames("a", 3, 7), until=7.0)
    await feed.play(feed.frames("a", 7, 10) + feed.frames("b", 7, 10), until=10.0)
    recorder.now = lambda: T0 + 10.0
    await recorder.stop("ended")

    assert [len(s.tracks) for s in log.segments] == [4, 2, 4]
    first, second, third = log.segments
    assert first.cause == "participants_changed" and second.cause == "participants_changed" and third.cause == "ended"
    assert {t["participant"] for t in second.tracks} == {"a"}
    # the gap: b's media stopped at 3 s and came back at 7 s, cause: the network (b never said they left)
    gaps = [g for g in log.gaps.values() if g[0] == "b"]
    assert len(gaps) == 1
    _participant, began, ended, cause = gaps[0]
    assert cause is GapCause.MEDIA_LOST
    assert abs(began.timestamp() - (T0 + 3.0)) < 0.1
    assert ended is not None and abs(ended.timestamp() - (T0 + 7.0)) < 0.6
    # the segments follow each other without a hole for a, and are chained in their signed manifests
    assert abs(first.ended_at.timestamp() - second.started_at.timestamp()) < 0.1 if first.ended_at else False
    assert second.signed and first.signed and third.signed
    assert first.signed.manifest.labels.next_segment_id == second.opened.file_id
    assert second.signed.manifest.labels.previous_segment_id == first.opened.file_id
    assert third.signed.manifest.labels.previous_segment_id == second.opened.file_id
    for segment in log.segments:
        reports = analyse(await plaintext(store, segment.opened.file_id))
        assert len(reports) == len(segment.tracks) and all(r.frames > 0 for r in reports)
    total = sum((s.duration_ms or 0) for s in log.segments) / 1000
    assert abs(total - 10.0) < 0.6, total


async def test_a_network_change_keeps_the_segment(tmp_path: Path, small_clip: Clip) -> None:
    """b's address changes: half a second without b's media, then b's new connection (a new offer) sends again.
    The recording goes on in the same segment, with no gap written (shorter than `drop_after`), and plays."""
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    log = MemoryLog()
    people = {"a": Person("李四", "interviewer"), "b": Person("张三", "interviewee")}
    room = FakeRoom()
    room.peers = {"a": SimpleNamespace(slots={}, streams={}), "b": SimpleNamespace(slots={}, streams={})}
    recorder = Recorder(room, store, log, Labels(case_id=3, room_session_id=5), people.__getitem__,
                        tuning=RecorderTuning(report_wait=0.3), now=lambda: T0)  # fmt: skip
    feed = Feed(recorder, small_clip)
    await feed.play(feed.frames("a", 0, 3) + feed.frames("b", 0, 3), until=3.0)
    room.peers["b"] = SimpleNamespace(slots={}, streams={})  # the new connection: its frames start at a keyframe (the tap)
    feed.sent["b"] = 30
    await feed.play(feed.frames("a", 3, 7) + feed.frames("b", 3.5, 7), until=7.0)
    recorder.now = lambda: T0 + 7.0
    await recorder.stop("ended")

    assert [(len(s.tracks), s.cause) for s in log.segments] == [(4, "ended")]
    assert not [g for g in log.gaps.values() if g[0] == "b"]
    reports = analyse(await plaintext(store, log.segments[0].opened.file_id))
    assert len(reports) == 4 and all(r.frames > 0 for r in reports)
    track_b = next(t["track"] for t in log.segments[0].tracks if (t["participant"], t["kind"]) == ("b", "video"))
    video_b = reports[track_b]
    assert video_b.frames >= (3 + 3.5) * 30 - 15  # b before and after the change, all of it decodes


async def test_a_participant_who_left_is_a_gap_with_that_cause(tmp_path: Path, small_clip: Clip) -> None:
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    log = MemoryLog()
    recorder = Recorder(FakeRoom(), store, log, Labels(room_session_id=5), lambda p: Person(p, "x"),
                        tuning=RecorderTuning(report_wait=0.3), now=lambda: T0)  # fmt: skip
    feed = Feed(recorder, small_clip)
    await feed.play(feed.frames("a", 0, 2) + feed.frames("b", 0, 2), until=2.0)
    recorder.participant_left("b", GapCause.LEFT)
    await feed.play(feed.frames("a", 2, 5), until=5.0)
    recorder.now = lambda: T0 + 5.0
    await recorder.stop("ended")
    (gap,) = [g for g in log.gaps.values() if g[0] == "b"]
    assert gap[3] is GapCause.LEFT and gap[2] is not None  # closed at the end of the recording
    assert abs(gap[2].timestamp() - (T0 + 5.0)) < 0.5


async def test_nobody_sending_is_a_gap_of_the_whole_recording(tmp_path: Path, small_clip: Clip) -> None:
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    log = MemoryLog()
    recorder = Recorder(FakeRoom(), store, log, Labels(room_session_id=5), lambda p: Person(p, "x"),
                        tuning=RecorderTuning(report_wait=0.3), now=lambda: T0)  # fmt: skip
    feed = Feed(recorder, small_clip)
    await feed.play(feed.frames("a", 0, 2), until=5.0)  # then silence for 3 s
    await feed.play(feed.frames("a", 5, 7), until=7.0)
    recorder.now = lambda: T0 + 7.0
    await recorder.stop("ended")
    assert len(log.segments) == 2
    whole = [g for g in log.gaps.values() if g[0] is None]
    assert len(whole) == 1 and whole[0][3] is GapCause.NO_MEDIA and whole[0][2] is not None


async def test_h264_is_recorded_into_matroska(tmp_path: Path) -> None:
    import asyncio

    from hub.signaling.clip import encode_clip

    clip = await asyncio.to_thread(encode_clip, 320, 240, 30, 2.0, codec="H264")
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    log = MemoryLog()
    recorder = Recorder(FakeRoom(), store, log, Labels(room_session_id=5), lambda p: Person(p, "x"),
                        tuning=RecorderTuning(report_wait=0.3), now=lambda: T0)  # fmt: skip
    feed = Feed(recorder, clip)
    await feed.play(feed.frames("a", 0, 3), until=3.0)
    recorder.now = lambda: T0 + 3.0
    await recorder.stop("ended")
    (segment,) = log.segments
    assert segment.opened.media_type == "video/x-matroska"
    video = next(t for t in segment.tracks if t["kind"] == "video")
    assert (video["codec"], video["width"], video["height"]) == ("H264", 320, 240)
    reports = analyse(await plaintext(store, segment.opened.file_id))
    assert sorted(r.kind for r in reports) == ["audio", "video"] and all(r.frames > 30 for r in reports)
