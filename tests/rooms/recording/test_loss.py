"""A recording made while the publisher's link loses packets and cuts out holds only frames that decode as sent.

The publisher replays a known clip, so every recorded video frame can be checked against it: each must be one of
the clip's frames byte for byte (no partial frame), and each delta frame must follow, in the clip, the frame
written just before it in the segment (no frame that references a picture the file lacks). Every frame must also
decode with PyAV. Loss and outages come from the seeded impairment proxy; an outage longer than the publisher's
retransmission history leaves holes no NACK can repair, which is where partial frames came from.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import av
import pytest

from hub.media import MediaEngine, SlotLayout
from hub.media.keyframes import is_keyframe
from hub.rooms.recording.recorder import Person, Recorder
from hub.signaling.client_media import ClientPeer
from hub.signaling.clip import Clip
from hub.store.keys import StoreKeys
from hub.store.manifest import Labels
from hub.store.store import EvidenceStore
from tests.rooms.recording.support import MemoryLog, plaintext, wait_for
from tests.support.udp_proxy import Impairment, UdpProxy, route_through


async def publish_through(
    engine: MediaEngine, pid: str, clip: Clip, impairment: Impairment, seed: int
) -> tuple[ClientPeer, UdpProxy]:
    """A publisher whose every datagram to and from the hub passes the proxy (both ends' candidates name it)."""
    peer = ClientPeer(engine.layout.describe(publish=True), clip=clip, ice_addresses=["127.0.0.1"], decode=False)
    proxy = UdpProxy(("127.0.0.1", 0), impairment, seed=seed)
    await proxy.start()
    offer, _ = route_through(await peer.offer(), proxy.server_port)
    answer, server_port = route_through(await engine.room("r1").connect(pid, offer, publish=True), proxy.client_port)
    proxy.server = ("127.0.0.1", server_port)
    await peer.accept(answer)
    return peer, proxy


def check_video(data: bytes, clip: Clip) -> tuple[int, list[str]]:
    """(frames that decoded, what is wrong) for every video track of one segment file."""
    index_of = {frame: i for i, frame in enumerate(clip.video)}
    problems: list[str] = []
    decoded = 0
    with av.open(io.BytesIO(data)) as container:
        for stream in [s for s in container.streams if s.type == "video"]:
            previous: int | None = None
            with av.open(io.BytesIO(data)) as reader:
                video = reader.streams[stream.index]
                for packet in reader.demux(video):
                    if packet.size == 0:
                        continue
                    frame = bytes(packet)
                    i = index_of.get(frame)
                    at = float(packet.pts * packet.time_base) if packet.pts is not None else -1.0
                    if i is None:
                        problems.append(f"track {stream.index} at {at:.3f}s: {len(frame)} bytes that are no frame of the clip")
                        previous = None
                    elif not is_keyframe("VP8", frame) and (previous is None or i != (previous + 1) % len(clip.video)):
                        problems.append(f"track {stream.index} at {at:.3f}s: delta frame {i} after frame {previous}")
                        previous = i
                    else:
                        previous = i
                    try:
                        decoded += len(video.codec_context.decode(packet))
                    except av.error.InvalidDataError as exc:
                        problems.append(f"track {stream.index} at {at:.3f}s: {exc}")
    return decoded, problems


@pytest.mark.parametrize("forwarding", ["packets", "frames"])
async def test_a_recording_under_loss_and_outages_holds_only_whole_frames_in_order(
    tmp_path: Path, small_clip: Clip, forwarding: str
) -> None:
    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    engine = MediaEngine(ice_addresses=["127.0.0.1"], layout=SlotLayout(thumbnails=0, audio=1), forwarding=forwarding)
    # 5 % loss throughout and two cuts: 1.4 s (repaired from the publisher's history), then 2.6 s (longer than the
    # publisher keeps packets to resend: holes nobody can repair).
    impairment = Impairment(loss=0.05, outages=[(3.0, 4.4), (6.0, 8.6)])
    peer, proxy = await publish_through(engine, "interviewee", small_clip, impairment, seed=16)
    log = MemoryLog()
    recorder = Recorder(
        engine.room("r1"), store, log, Labels(case_id=7, room_id=3, room_session_id=11), lambda p: Person(p, "interviewee")
    )
    try:
        await wait_for(lambda: peer.pc.connectionState == "connected", limit=15)
        recorder.start()
        await asyncio.sleep(11.0)
        await recorder.stop("ended")
        packets = engine.rooms["r1"].peers["interviewee"].packets
        unrepaired = packets.sources["video"].unrepaired if packets is not None else None
    finally:
        proxy.close()
        await peer.close()
        await engine.close()

    assert proxy.dropped > 100  # the link did lose packets, and cut out
    assert unrepaired is None or unrepaired > 0  # packets mode: some holes were beyond repair
    assert log.segments
    decoded, problems = 0, []
    for segment in log.segments:
        if segment.duration_ms == 0:
            continue  # cut again before its first frame was due (media came back one track at a time): no frames
        frames, wrong = check_video(await plaintext(store, segment.opened.file_id), small_clip)
        decoded += frames
        problems += [f"segment {segment.position}: {p}" for p in wrong]
    assert not problems, problems
    assert decoded > 50  # the call is there (how much of it depends on the machine's load: bench/network.py measures)
