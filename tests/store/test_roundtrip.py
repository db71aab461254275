"""What goes in comes out: whole files, byte ranges, many small writes, and nothing readable on disk."""

from __future__ import annotations

import asyncio
import os
import random
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.store.container import CHUNK_SIZE
from hub.store.errors import StoredFileMissing, StoreError
from hub.store.manifest import FileKind, Labels, grouped
from hub.store.reader import FileReader
from hub.store.store import EvidenceStore

SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 5 * 1024 * 1024 + 12345]
LABELS = Labels(case_id=12, room_id=3, room_session_id=45, participants=("user:7", "kiosk:2"))


async def read_all(store: EvidenceStore, file_id: str) -> bytes:
    reader = await store.open_reader(file_id)
    return b"".join([piece async for piece in reader.iter_all()])


@pytest.mark.parametrize("size", SIZES)
async def test_round_trip(store: EvidenceStore, size: int) -> None:
    data = random.Random(size).randbytes(size)
    signed = await store.put(data, FileKind.ATTACHMENT, "application/pdf", LABELS)
    m = signed.manifest
    assert await read_all(store, m.file_id) == data
    assert m.plaintext_size == size
    assert m.chunk_count == -(-size // CHUNK_SIZE) + 1  # full and partial chunks, then the empty last one
    assert m.labels == LABELS
    assert m.ciphertext_size == store.layout.ciphertext(m.file_id).stat().st_size
    assert await store.manifest(m.file_id) == signed


async def test_streaming_writes_of_every_shape(store: EvidenceStore) -> None:
    """Writes of random sizes with flushes in between give chunks of many sizes; every range still reads right."""
    rng = random.Random(7)
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    expected = bytearray()
    for _ in range(300):
        piece = rng.randbytes(rng.choice([1, 100, 4000, 30000, 70000, 200000]))
        assert writer.write(piece) == len(piece)
        expected += piece
        if rng.random() < 0.2:
            durable = await writer.flush()
            assert durable == len(expected) == writer.written_bytes
    signed = await writer.close(participants=("user:7",), next_segment_id="0" * 8)
    assert await read_all(store, writer.file_id) == expected
    assert signed.manifest.labels.participants == ("user:7",)
    assert signed.manifest.labels.next_segment_id == "0" * 8
    reader = await store.open_reader(writer.file_id)
    for _ in range(200):
        a = rng.randrange(len(expected) + 10)
        b = rng.randrange(a, len(expected) + 20)
        assert b"".join([p async for p in reader.iter_range(a, b)]) == expected[a:b]


def test_range_reads_match_slices(tmp_path: Path) -> None:
    """Hypothesis picks the ranges; the file spans variable-size chunks (flushes every few writes)."""
    from hub.store.keys import StoreKeys

    store = EvidenceStore(tmp_path / "store", StoreKeys.generate())
    rng = random.Random(11)
    data = rng.randbytes(3 * CHUNK_SIZE + 777)

    async def make() -> str:
        writer = await store.create(FileKind.RECORDING, "video/webm")
        for offset in range(0, len(data), 50_000):
            writer.write(data[offset : offset + 50_000])
            await writer.flush()
        await writer.close()
        return writer.file_id

    file_id = asyncio.run(make())
    reader = FileReader.open(store.layout, store.keys, file_id)

    @settings(max_examples=300, deadline=None)
    @given(start=st.integers(-5, len(data) + 5), length=st.integers(0, len(data) + 5))
    def check(start: int, length: int) -> None:
        assert b"".join(reader.read_range_sync(start, start + length)) == data[max(start, 0) : max(start + length, 0)]

    check()


async def test_no_plaintext_on_disk(store: EvidenceStore, tmp_path: Path) -> None:
    marker = b"WITNESS-STATEMENT-" * 5000
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    writer.write(marker)
    await writer.flush()
    writer.write(marker[:1000])  # an unflushed tail stays in memory only
    for path in store.layout.root.rglob("*"):
        if path.is_file():
            assert b"WITNESS" not in path.read_bytes()
    await writer.close()
    for path in store.layout.root.rglob("*"):
        if path.is_file():
            assert b"WITNESS" not in path.read_bytes()
            assert stat.S_IMODE(path.stat().st_mode) == 0o600


async def test_fingerprint_is_the_manifest_hash_grouped(store: EvidenceStore) -> None:
    signed = await store.put(b"x", FileKind.DOCUMENT, "application/pdf")
    assert len(signed.sha256) == 64
    assert signed.fingerprint.replace(" ", "") == signed.sha256
    assert all(len(group) == 4 for group in signed.fingerprint.split(" "))
    assert grouped("abcdef", 2) == "ab cd ef"
    other = await store.put(b"x", FileKind.DOCUMENT, "application/pdf")
    assert other.sha256 != signed.sha256  # same content, another file: another fingerprint


async def test_closed_writer_refuses_more(store: EvidenceStore) -> None:
    writer = await store.create(FileKind.ATTACHMENT, "text/plain")
    writer.write(b"abc")
    await writer.close()
    with pytest.raises(StoreError):
        writer.write(b"more")
    with pytest.raises(StoreError):
        await writer.flush()


async def test_unfinished_file_cannot_be_read(store: EvidenceStore) -> None:
    writer = await store.create(FileKind.RECORDING, "video/webm")
    writer.write(b"abc")
    await writer.flush()
    with pytest.raises(StoredFileMissing):
        await store.open_reader(writer.file_id)
    await writer.close()
    assert await read_all(store, writer.file_id) == b"abc"


async def test_write_failure_surfaces(store: EvidenceStore) -> None:
    """A disk error on the writer thread is raised by the next call instead of being lost."""
    writer = await store.create(FileKind.RECORDING, "video/webm")
    sealer = writer._require_sealer()
    os.close(sealer._fd)  # the descriptor goes bad under the writer's feet
    sealer._fd = os.open(os.devnull, os.O_RDONLY)
    writer.write(b"x" * (CHUNK_SIZE + 1))
    with pytest.raises(StoreError, match="failed"):
        await writer.flush()
    with pytest.raises(StoreError):
        writer.write(b"y")
    await writer.abort()
    sealer.close()
