"""The recording keeps the shared content (issue 12): a chair and two venues over real aiortc peers, the recorder on
the conference's media room as one more participant; the chair shares a screen (a clip of its own size and pattern)
for a few seconds. The segment of that stretch holds the content as a track of its own, described as the chair's
content; its frames are the very frames sent and decode with PyAV; starting and stopping cut the segments with no
hole and no undecodable frame."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path
from typing import Any

import av
import pytest

from hub.conferences.interface import ConferenceConsole
from hub.rooms.participants import ParticipantRole
from hub.rooms.recording.recorder import Person, Recorder
from hub.signaling.client import HubClient
from hub.signaling.clip import Clip, encode_clip, read_index
from hub.store.keys import StoreKeys
from hub.store.manifest import Labels
from hub.store.store import EvidenceStore
from tests.conferences.conftest import ROOM, eventually
from tests.rooms.recording.support import MemoryLog, plaintext
from tests.signaling.conftest import ORIGIN, Hub

PEOPLE = {"chair": Person("旗纪委书记", "host"), "v1": Person("苏木v1", "venue"), "v2": Person("苏木v2", "venue")}


@pytest.fixture(scope="module")
def clips() -> tuple[Clip, Clip]:
    camera = encode_clip(320, 240, 15, seconds=2.0, keyframe_seconds=1.0, bitrate=200_000)
    screen = encode_clip(480, 272, 10, seconds=4.0, keyframe_seconds=1.0, bitrate=300_000)
    return camera, screen


def decode_tracks(data: bytes) -> list[dict[str, Any]]:
    """Every track of a segment decoded packet by packet: what it says of itself, its packets, frames, failures."""
    with av.open(io.BytesIO(data)) as container:
        tracks: list[dict[str, Any]] = [
            {"meta": json.loads(s.metadata["title"]), "packets": [], "frames": [], "errors": 0, "first_key": None}
            for s in container.streams
        ]
        decoders = [av.CodecContext.create(s.codec_context.name, "r") for s in container.streams]
        for packet in container.demux():
            if packet.size == 0:
                continue
            track = tracks[packet.stream.index]
            if track["first_key"] is None:
                track["first_key"] = packet.is_keyframe
            track["packets"].append(bytes(packet))
            try:
                track["frames"] += decoders[packet.stream.index].decode(av.Packet(bytes(packet)))  # type: ignore[attr-defined]
            except av.error.FFmpegError:
                track["errors"] += 1
    return tracks


async def test_the_recording_keeps_the_shared_content_as_its_own_track(
    conference: tuple[Hub, ConferenceConsole], clips: tuple[Clip, Clip], tmp_path: Path
) -> None:
    hub, _console = conference
    camera, screen = clips

    async def join(pid: str, role: ParticipantRole, **options: Any) -> HubClient:
        client = HubClient(hub.url, hub.token(ROOM, pid, role), ROOM, origin=ORIGIN, clip=camera, decode=False, **options)
        hub.clients.append(client)
        await client.connect()
        await client.join()
        await client.start_media()
        return client

    chair = await join("chair", ParticipantRole.HOST, content_clip=screen)
    await join("v1", ParticipantRole.VENUE)
    await join("v2", ParticipantRole.VENUE)
    room = hub.service.media_room(ROOM)
    assert room is not None
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    log = MemoryLog()
    recorder = Recorder(room, store, log, Labels(room_session_id=900), PEOPLE.__getitem__)
    recorder.start()
    try:
        cameras = sorted((p, k) for p in PEOPLE for k in ("audio", "video"))
        await eventually(lambda: recorder.segment_keys == cameras, 20)
        await asyncio.sleep(1.5)
        await chair.request({"type": "share_content", "on": True})
        await eventually(lambda: ("chair", "content") in recorder.segment_keys, 10)
        await asyncio.sleep(3.0)
        await chair.request({"type": "share_content", "on": False})
        await eventually(lambda: ("chair", "content") not in recorder.segment_keys and recorder.segment is not None, 10)
        await asyncio.sleep(1.5)
    finally:
        await recorder.stop("ended")
    assert recorder.failed is None

    # three segments: cameras, cameras and the content, cameras again; cut where the content came and went
    kinds = [sorted((t["participant"], t["kind"]) for t in s.tracks) for s in log.segments]
    with_content = sorted([*cameras, ("chair", "content")])
    assert kinds == [cameras, with_content, cameras], kinds
    assert [s.cause for s in log.segments] == ["participants_changed", "participants_changed", "ended"]
    for before, after in zip(log.segments, log.segments[1:], strict=False):
        assert before.ended_at is not None
        assert abs((after.started_at - before.ended_at).total_seconds()) < 0.2, "no hole between the segments"
    assert not [g for g in log.gaps.values() if g[0] is not None], "sharing is no one's absence"
    content = next(t for t in log.segments[1].tracks if t["kind"] == "content")
    assert content | {"track": 0, "sync": ""} == {
        "track": 0, "participant": "chair", "name": "旗纪委书记", "role": "host", "kind": "content", "codec": "VP8",
        "width": 480, "height": 272, "sync": "",
    }  # fmt: skip
    assert content["sync"] in ("sender_report", "arrival_until_first_report")  # aiortc's first report comes late at times

    sent = {frame: index for index, frame in enumerate(screen.video)}
    for segment in log.segments:
        tracks = decode_tracks(await plaintext(store, segment.opened.file_id))
        said = [{**t["meta"], "sync": ""} for t in tracks]  # sync: the file has it as at the opening
        assert said == [{**t, "sync": ""} for t in segment.tracks], "each track says whose and what it is in the file too"
        for track in tracks:
            assert track["errors"] == 0 and track["packets"], track["meta"]
            assert len(track["frames"]) == len(track["packets"]), "every frame decodes"
            if track["meta"]["kind"] != "audio":
                assert track["first_key"], "a video track starts at a keyframe"
        shared = [t for t in tracks if t["meta"]["kind"] == "content"]
        if segment is not log.segments[1]:
            assert not shared
            continue
        (track,) = shared
        assert len(track["packets"]) >= 20, "about three seconds of a 10 fps screen"
        assert all(p in sent for p in track["packets"]), "the content track holds the frames the chair sent"
        assert {(f.width, f.height) for f in track["frames"]} == {(480, 272)}
        # and the pictures are those frames: each decoded picture carries its index in the shared clip
        assert [read_index(f) for f in track["frames"]] == [sent[p] % 256 for p in track["packets"]]
        cameras_of_chair = next(t for t in tracks if t["meta"]["participant"] == "chair" and t["meta"]["kind"] == "video")
        assert {(f.width, f.height) for f in cameras_of_chair["frames"]} == {(320, 240)}, "the camera stays the camera"
