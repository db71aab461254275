"""Two real aiortc publishers through the hub's media engine, recorded without decoding: the file plays,
holds both parties' video and audio, lasts as long as the session, and keeps lip-sync from sender reports."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from hub.media import MediaEngine, SlotLayout
from hub.rooms.recording.recorder import Person, Recorder
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip
from hub.store.keys import StoreKeys
from hub.store.manifest import Labels
from hub.store.store import EvidenceStore
from tests.rooms.recording.support import (
    MemoryLog,
    SentMarks,
    analyse,
    lip_sync_ms,
    mark_frames,
    offsets,
    plaintext,
    wait_for,
)

RECORD_SECONDS = 5.0


async def publish(engine: MediaEngine, room: str, pid: str, clip: Clip, marks: SentMarks) -> ClientPeer:
    lines = engine.layout.describe(publish=True)
    peer = ClientPeer(lines, clip=clip, ice_addresses=["127.0.0.1"], decode=False, on_sent=marks.on_sent)
    answer = await engine.room(room).connect(pid, await peer.offer(), publish=True)
    await peer.accept(answer)
    return peer


async def test_two_party_recording_plays_with_both_parties_in_sync(tmp_path: Path, marked_clip: Clip) -> None:
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1))
    white, beep = mark_frames(marked_clip)
    sent = {pid: SentMarks(white, beep) for pid in ("interviewer", "interviewee")}
    peers = [await publish(engine, "r1", pid, marked_clip, sent[pid]) for pid in sent]
    room = engine.rooms["r1"]
    log = MemoryLog()
    people = {"interviewer": Person("Li", "interviewer"), "interviewee": Person("Wang", "interviewee")}
    recorder = Recorder(room, store, log, Labels(case_id=7, room_id=3, room_session_id=11), people.__getitem__)
    try:
        await wait_for(lambda: all(p.pc.connectionState == "connected" for p in peers))
        started = time.time()
        recorder.start()
        await asyncio.sleep(RECORD_SECONDS)
        await recorder.stop("ended")
        stopped = time.time()
    finally:
        for peer in peers:
            await peer.close()
        await engine.close()

    # one segment: both parties were there throughout
    assert len(log.segments) == 1, [s.tracks for s in log.segments]
    segment = log.segments[0]
    assert segment.signed is not None and segment.cause == "ended"
    kinds = sorted((t["participant"], t["kind"]) for t in segment.tracks)
    assert kinds == [("interviewee", "audio"), ("interviewee", "video"), ("interviewer", "audio"), ("interviewer", "video")]
    assert all(t["sync"] in ("sender_report", "arrival_until_first_report") for t in segment.tracks)
    assert segment.signed.manifest.labels.participants == ("interviewee", "interviewer")

    reports = analyse(await plaintext(store, segment.opened.file_id))
    assert sorted(r.kind for r in reports) == ["audio", "audio", "video", "video"]
    assert all(r.frames > 0 for r in reports)
    duration = max(r.last for r in reports)
    assert abs(duration - (stopped - started)) <= 0.5, (duration, stopped - started)
    assert abs(segment.duration_ms / 1000 - duration) <= 0.1
    for r in reports:  # every track covers the whole session, none starts late or stops early
        assert r.first <= 1.0 and r.last >= duration - 0.5, r

    zero = segment.started_at.timestamp()
    track_of = {(t["participant"], t["kind"]): t["track"] for t in segment.tracks}
    for pid in sent:
        v, a = reports[track_of[(pid, "video")]], reports[track_of[(pid, "audio")]]
        video_offsets = offsets(v.marks, sent[pid].video, zero)
        audio_offsets = offsets(a.marks, sent[pid].audio, zero)
        assert len(video_offsets) >= 3 and len(audio_offsets) >= 3, (video_offsets, audio_offsets)
        assert abs(lip_sync_ms(audio_offsets, video_offsets)) <= 100, (pid, audio_offsets, video_offsets)


@pytest.fixture(scope="module")
def marked_clip() -> Clip:
    from tests.rooms.recording.support import encode_marked_clip

    return encode_marked_clip()
