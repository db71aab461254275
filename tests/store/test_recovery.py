"""Recovery from torn writes, simulated by cutting an unfinished file at many places."""

from __future__ import annotations

import os
import random

import pytest

from hub.store.container import LENGTH, TAG_SIZE
from hub.store.manifest import FileKind, Labels
from hub.store.recovery import recover_file
from hub.store.store import EvidenceStore
from hub.store.verify import verify_file
from tests.store.frames import Frames

LABELS = Labels(case_id=1, room_id=2, room_session_id=3, participants=("user:1",), previous_segment_id="prev")


async def unfinished_file(store: EvidenceStore, seed: int = 5) -> tuple[str, bytes]:
    """A recording cut off after several flushes of varied sizes; its writer is gone, the file left open."""
    rng = random.Random(seed)
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    data = bytearray()
    for size in [1000, 70_000, 5, 140_000, 33_333, 64 * 1024, 12]:
        piece = rng.randbytes(size)
        writer.write(piece)
        data += piece
        await writer.flush()
    await writer.abort()
    return writer.file_id, bytes(data)


async def read_all(store: EvidenceStore, file_id: str) -> bytes:
    reader = await store.open_reader(file_id)
    return b"".join([p async for p in reader.iter_all()])


async def test_torn_tails_at_many_places(store: EvidenceStore) -> None:
    file_id, data = await unfinished_file(store)
    path, manifest = store.layout.ciphertext(file_id), store.layout.manifest(file_id)
    original = path.read_bytes()
    frames = Frames.load(path)
    ends, plain, pos = [], 0, len(frames.header)  # (end offset of each chunk, plaintext before it ends)
    for chunk in frames.chunks:
        pos += len(chunk)
        plain += len(chunk) - LENGTH.size - TAG_SIZE
        ends.append((pos, plain))
    rng = random.Random(1)
    cuts = {len(frames.header), len(original)} | {rng.randrange(len(frames.header), len(original)) for _ in range(250)}
    cuts |= {end + d for end, _ in ends for d in (-1, 0, 1, 4) if len(frames.header) <= end + d <= len(original)}
    for cut in sorted(cuts):
        path.write_bytes(original[:cut])
        manifest.unlink(missing_ok=True)
        signed = recover_file(store.layout, store.keys, file_id, store.clock.now)
        assert signed is not None
        kept_end, kept_plain = max(((e, p) for e, p in ends if e <= cut), default=(len(frames.header), 0))
        assert signed.manifest.plaintext_size == kept_plain, cut
        assert signed.manifest.recovery is not None
        assert signed.manifest.recovery.dropped_bytes == cut - kept_end
        assert not signed.manifest.recovery.complete
        assert verify_file(store.layout, store.keys, file_id)[1] == []
        assert await read_all(store, file_id) == data[:kept_plain]
    assert len(cuts) > 250


async def test_labels_survive_recovery(store: EvidenceStore) -> None:
    file_id, data = await unfinished_file(store)
    (result,) = await store.recover()
    assert result.signed is not None
    m = result.signed.manifest
    assert m.labels == LABELS
    assert m.kind == FileKind.RECORDING and m.media_type == "video/webm"
    assert m.recovery is not None and m.recovery.dropped_bytes == 0
    assert await read_all(store, file_id) == data
    assert await store.recover() == []  # nothing left to do


async def test_zero_filled_tail_is_dropped(store: EvidenceStore) -> None:
    """After a power cut a file may end in zeros where the last unsynced write should be."""
    file_id, data = await unfinished_file(store)
    with store.layout.ciphertext(file_id).open("ab") as f:
        f.write(b"\0" * 4096)
    (result,) = await store.recover()
    assert result.signed is not None and result.signed.manifest.recovery is not None
    assert result.signed.manifest.recovery.dropped_bytes == 4096
    assert await read_all(store, file_id) == data


async def test_garbage_frame_at_the_end_is_dropped(store: EvidenceStore) -> None:
    file_id, data = await unfinished_file(store)
    with store.layout.ciphertext(file_id).open("ab") as f:
        f.write(LENGTH.pack(1000 + TAG_SIZE) + os.urandom(1000 + TAG_SIZE))
    (result,) = await store.recover()
    assert result.signed is not None and result.signed.manifest.plaintext_size == len(data)
    assert await read_all(store, file_id) == data


async def test_manifest_lost_after_the_last_chunk(store: EvidenceStore) -> None:
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    writer.write(b"z" * 200_000)
    await writer.close()
    store.layout.manifest(writer.file_id).unlink()
    (result,) = await store.recover()
    assert result.signed is not None and result.signed.manifest.recovery is not None
    assert result.signed.manifest.recovery.complete
    assert result.signed.manifest.recovery.dropped_bytes == 0
    assert await read_all(store, writer.file_id) == b"z" * 200_000


async def test_damage_in_the_middle_is_not_cut_away(store: EvidenceStore) -> None:
    file_id, _ = await unfinished_file(store)
    path = store.layout.ciphertext(file_id)
    frames = Frames.load(path)
    chunk = bytearray(frames.chunks[1])
    chunk[50] ^= 1
    frames.chunks[1] = bytes(chunk)
    frames.save(path)
    before = path.read_bytes()
    (result,) = await store.recover()
    assert result.signed is None
    assert "damage, not a torn tail" in result.error
    assert path.read_bytes() == before
    assert not store.layout.manifest(file_id).exists()


async def test_live_writer_is_left_alone(store: EvidenceStore) -> None:
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    writer.write(b"live")
    await writer.flush()
    (result,) = await store.recover()
    assert result.busy and result.signed is None
    writer.write(b" and well")
    await writer.close()
    assert await read_all(store, writer.file_id) == b"live and well"


async def test_torn_header_is_reported(store: EvidenceStore) -> None:
    file_id, _ = await unfinished_file(store)
    path = store.layout.ciphertext(file_id)
    path.write_bytes(path.read_bytes()[:20])
    (result,) = await store.recover()
    assert result.signed is None and "header" in result.error


@pytest.mark.parametrize("cut_back", [1, TAG_SIZE])
async def test_torn_last_chunk_of_a_closing_file(store: EvidenceStore, cut_back: int) -> None:
    """A crash while sealing the last (empty) chunk: the data chunks are all kept."""
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    writer.write(b"q" * 70_000)
    await writer.close()
    path = store.layout.ciphertext(writer.file_id)
    path.write_bytes(path.read_bytes()[:-cut_back])
    store.layout.manifest(writer.file_id).unlink()
    (result,) = await store.recover()
    assert result.signed is not None and result.signed.manifest.plaintext_size == 70_000
    assert await read_all(store, writer.file_id) == b"q" * 70_000
