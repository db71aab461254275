"""PyAV muxes a WebM recording straight into the store; it plays back, and a crash-cut one still plays its prefix."""

from __future__ import annotations

import fractions
import io

import av
import av.video.frame

from hub.store.manifest import FileKind
from hub.store.sink import WriterSink
from hub.store.store import EvidenceStore

WIDTH, HEIGHT, FPS = 320, 240, 30
TIME_BASE = fractions.Fraction(1, FPS)
# The WebM muxer keeps the open cluster in memory; a crash loses it. Clusters of at most a flush interval
# bound the loss (measured: with the default, about 1 s on unseekable output, 31 of 60 frames survived).
MUX_OPTIONS = {"cluster_time_limit": "300"}


def vp8_packets(count: int) -> list[av.Packet]:
    """Encoded frames, as the recorder receives them from a publisher (keyframe first)."""
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = WIDTH, HEIGHT, "yuv420p"  # type: ignore[attr-defined]
    encoder.time_base = TIME_BASE
    packets: list[av.Packet] = []
    for i in range(count):
        frame = av.video.frame.VideoFrame(WIDTH, HEIGHT, "yuv420p")
        for plane in frame.planes:
            plane.update(bytes([(i * 7 + plane.line_size) % 256]) * plane.buffer_size)
        frame.pts, frame.time_base = i, TIME_BASE
        packets += encoder.encode(frame)  # type: ignore[attr-defined]
    packets += encoder.encode(None)  # type: ignore[attr-defined]
    return packets


async def mux(store: EvidenceStore, packets: list[av.Packet], *, finish: bool) -> str:
    writer = await store.create(FileKind.RECORDING, "video/webm")
    container = av.open(WriterSink(writer), mode="w", format="webm", options=MUX_OPTIONS)
    stream = container.add_mux_stream("vp8", rate=FPS, width=WIDTH, height=HEIGHT)
    for i, packet in enumerate(packets):
        packet.stream = stream
        packet.pts = packet.dts = i
        packet.time_base = TIME_BASE
        container.mux(packet)
        if i % 10 == 9:
            await writer.flush()  # the recorder's once-a-second flush, sped up
    if finish:
        container.close()
        await writer.close()
    else:
        await writer.abort()  # the process dies: the container never writes its end
    return writer.file_id


def decoded_frames(data: bytes) -> int:
    with av.open(io.BytesIO(data)) as container:
        return sum(1 for _ in container.decode(video=0))


async def read_all(store: EvidenceStore, file_id: str) -> bytes:
    reader = await store.open_reader(file_id)
    return b"".join([p async for p in reader.iter_all()])


async def test_recording_plays_back(store: EvidenceStore) -> None:
    packets = vp8_packets(60)
    file_id = await mux(store, packets, finish=True)
    assert decoded_frames(await read_all(store, file_id)) == len(packets)


async def test_crash_cut_recording_plays_up_to_the_last_flush(store: EvidenceStore) -> None:
    packets = vp8_packets(60)
    file_id = await mux(store, packets, finish=False)
    (result,) = await store.recover()
    assert result.signed is not None
    frames = decoded_frames(await read_all(store, file_id))
    assert 50 <= frames < 60  # all but the open cluster (≤ 300 ms, 10 frames)
