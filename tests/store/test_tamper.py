"""Every kind of tampering is caught: by ``verify_store`` naming the file, and by the reader refusing it.

Two files A and B are stored and recorded (row + audit entry) in a real database; one thing is
changed; verify must name A (and leave B alone where B was not touched).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

import pytest
from sqlalchemy import text

from hub.db import Database
from hub.store.container import CHUNK_SIZE, LENGTH, MAGIC, TAG_SIZE, canonical
from hub.store.errors import StoreError
from hub.store.keys import StoreKeys
from hub.store.manifest import FileKind, Labels, SignedManifest, sign
from hub.store.service import record_closed
from hub.store.store import EvidenceStore
from hub.store.verify import AUDIT_CHAIN, StoreReport, verify_store
from tests.store.frames import Frames


@dataclass
class Scene:
    store: EvidenceStore
    database: Database
    a: SignedManifest
    b: SignedManifest

    @property
    def a_id(self) -> str:
        return self.a.manifest.file_id

    @property
    def b_id(self) -> str:
        return self.b.manifest.file_id

    def frames(self, file_id: str) -> Frames:
        return Frames.load(self.store.layout.ciphertext(file_id))

    def save(self, file_id: str, frames: Frames) -> None:
        frames.save(self.store.layout.ciphertext(file_id))

    async def sql(self, statement: str, **params: object) -> None:
        async with self.database.transaction() as s:
            await s.execute(text(statement), params)


@pytest.fixture
async def scene(store: EvidenceStore, database: Database) -> Scene:
    rng = random.Random(3)
    a = await store.put(rng.randbytes(4 * CHUNK_SIZE + 100), FileKind.RECORDING, "video/webm", Labels(1, 2, 3))
    b = await store.put(rng.randbytes(4 * CHUNK_SIZE + 100), FileKind.RECORDING, "video/webm", Labels(5, 6, 7))
    async with database.transaction() as s:
        await record_closed(s, a)
        await record_closed(s, b)
    return Scene(store, database, a, b)


async def report_of(scene: Scene, store: EvidenceStore | None = None) -> StoreReport:
    async with scene.database.transaction(write=False) as s:
        return await verify_store(store or scene.store, s)


async def reader_refuses(store: EvidenceStore, file_id: str) -> bool:
    try:
        reader = await store.open_reader(file_id)
        async for _ in reader.iter_all():
            pass
    except StoreError:
        return True
    return False


# --- the tampering, one function each -------------------------------------------------------


async def flip_bit(sc: Scene) -> None:
    frames = sc.frames(sc.a_id)
    chunk = bytearray(frames.chunks[2])
    chunk[1000] ^= 0x04
    frames.chunks[2] = bytes(chunk)
    sc.save(sc.a_id, frames)


async def reorder(sc: Scene) -> None:
    frames = sc.frames(sc.a_id)
    frames.chunks[1], frames.chunks[2] = frames.chunks[2], frames.chunks[1]
    sc.save(sc.a_id, frames)


async def drop(sc: Scene) -> None:
    frames = sc.frames(sc.a_id)
    del frames.chunks[1]
    sc.save(sc.a_id, frames)


async def duplicate(sc: Scene) -> None:
    frames = sc.frames(sc.a_id)
    frames.chunks.insert(2, frames.chunks[1])
    sc.save(sc.a_id, frames)


async def truncate_last(sc: Scene) -> None:
    frames = sc.frames(sc.a_id)
    del frames.chunks[-1]
    sc.save(sc.a_id, frames)


async def truncate_mid_chunk(sc: Scene) -> None:
    path = sc.store.layout.ciphertext(sc.a_id)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - CHUNK_SIZE // 2])


async def splice(sc: Scene) -> None:
    frames, other = sc.frames(sc.a_id), sc.frames(sc.b_id)
    frames.chunks[1] = other.chunks[1]  # same position, same size, another file's key
    sc.save(sc.a_id, frames)


async def swap_manifest(sc: Scene) -> None:
    layout = sc.store.layout
    shutil.copy(layout.manifest(sc.b_id), layout.manifest(sc.a_id))


async def edit_manifest(sc: Scene) -> None:
    path = sc.store.layout.manifest(sc.a_id)
    outer = json.loads(path.read_bytes())
    outer["manifest"]["labels"]["participants"] = ["user:999"]
    path.write_bytes(canonical(outer))


def _relabel_header(sc: Scene, case_id: int) -> None:
    frames = sc.frames(sc.a_id)
    body = json.loads(frames.header[len(MAGIC) + LENGTH.size :])
    body["binding"]["case_id"] = case_id
    new = canonical(body)
    frames.header = MAGIC + LENGTH.pack(len(new)) + new
    sc.save(sc.a_id, frames)


async def relabel_header(sc: Scene) -> None:
    _relabel_header(sc, 99)


async def relabel_and_resign(sc: Scene) -> None:
    """Even someone holding the signing key cannot move a file to another case: the chunks are bound to it."""
    _relabel_header(sc, 99)
    path = sc.store.layout.ciphertext(sc.a_id)
    m = sc.a.manifest
    forged = replace(
        m,
        labels=replace(m.labels, case_id=99),
        ciphertext_size=path.stat().st_size,
        ciphertext_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    signed = sign(forged, sc.store.keys)
    sc.store.layout.manifest(sc.a_id).write_bytes(signed.file_bytes())
    await sc.sql("UPDATE stored_files SET case_id = 99 WHERE id = :id", id=sc.a_id)


async def flip_wrapped_key(sc: Scene) -> None:
    frames = sc.frames(sc.a_id)
    body = json.loads(frames.header[len(MAGIC) + LENGTH.size :])
    wrapped = bytearray.fromhex(body["wrapped_key"])
    wrapped[5] ^= 1
    body["wrapped_key"] = wrapped.hex()
    new = canonical(body)
    frames.header = MAGIC + LENGTH.pack(len(new)) + new
    sc.save(sc.a_id, frames)


async def delete_ciphertext(sc: Scene) -> None:
    sc.store.layout.ciphertext(sc.a_id).unlink()


FILE_TAMPERS: dict[str, Callable[[Scene], Awaitable[None]]] = {
    "flipped bit": flip_bit,
    "reordered chunks": reorder,
    "dropped chunk": drop,
    "duplicated chunk": duplicate,
    "truncated last chunk": truncate_last,
    "truncated mid-chunk": truncate_mid_chunk,
    "spliced chunk": splice,
    "swapped manifest": swap_manifest,
    "edited manifest": edit_manifest,
    "relabelled case id": relabel_header,
    "relabelled and re-signed": relabel_and_resign,
    "flipped wrapped key": flip_wrapped_key,
    "deleted ciphertext": delete_ciphertext,
}


async def test_untouched_store_verifies(scene: Scene) -> None:
    report = await report_of(scene)
    assert report.ok, report.failures
    assert report.checked == 2
    assert not await reader_refuses(scene.store, scene.a_id)


@pytest.mark.parametrize("name", list(FILE_TAMPERS))
async def test_file_tampering_is_detected(scene: Scene, name: str) -> None:
    await FILE_TAMPERS[name](scene)
    report = await report_of(scene)
    named = {f.file_id for f in report.failures}
    assert scene.a_id in named, report.failures
    assert scene.b_id not in named, report.failures
    assert await reader_refuses(scene.store, scene.a_id)
    assert not await reader_refuses(scene.store, scene.b_id)


async def test_relabelled_and_resigned_fails_on_the_chunks(scene: Scene) -> None:
    await relabel_and_resign(scene)
    reasons = [f.reason for f in (await report_of(scene)).failures if f.file_id == scene.a_id]
    assert reasons[0] == "chunk 0 fails authentication"  # the rest: the database and the audit chain disagree too


def resign_to_match(sc: Scene) -> None:
    """Forge a manifest that fits the tampered file (sizes, hashes, chunk count), signed with the hub's own key."""
    path = sc.store.layout.ciphertext(sc.a_id)
    frames = Frames.load(path)
    m = sc.a.manifest
    forged = replace(
        m,
        ciphertext_size=path.stat().st_size,
        ciphertext_sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
        chunk_count=len(frames.chunks),
        plaintext_size=sum(len(c) - LENGTH.size - TAG_SIZE for c in frames.chunks),
    )
    sc.store.layout.manifest(sc.a_id).write_bytes(sign(forged, sc.store.keys).file_bytes())


CHUNK_TAMPERS = ["reordered chunks", "dropped chunk", "duplicated chunk", "truncated last chunk", "spliced chunk"]


@pytest.mark.parametrize("name", CHUNK_TAMPERS)
async def test_chunk_tampering_fails_authentication_even_under_a_forged_manifest(scene: Scene, name: str) -> None:
    """The STREAM construction alone catches it: the manifest is made to agree with the tampered file."""
    await FILE_TAMPERS[name](scene)
    resign_to_match(scene)
    reasons = [f.reason for f in (await report_of(scene)).failures if f.file_id == scene.a_id]
    assert reasons[0].endswith("fails authentication"), reasons
    assert await reader_refuses(scene.store, scene.a_id)


async def test_wrong_master_key(scene: Scene) -> None:
    keys = StoreKeys(StoreKeys.generate().master_key, scene.store.keys.signing_key)
    stranger = EvidenceStore(scene.store.layout.root, keys)
    report = await report_of(scene, stranger)
    assert {f.file_id for f in report.failures} == {scene.a_id, scene.b_id}
    assert all("master key" in f.reason for f in report.failures)
    assert await reader_refuses(stranger, scene.a_id)


async def test_relabelled_database_row(scene: Scene) -> None:
    await scene.sql("UPDATE stored_files SET case_id = 99 WHERE id = :id", id=scene.a_id)
    report = await report_of(scene)
    assert [(f.file_id, f.reason) for f in report.failures] == [
        (scene.a_id, "the database row differs from the manifest in case_id")
    ]


async def test_edited_audit_row(scene: Scene) -> None:
    fake = json.dumps({"manifest_sha256": "0" * 64})
    await scene.sql("UPDATE audit_log SET change = :c WHERE object_id = :id", c=fake, id=scene.a_id)
    report = await report_of(scene)
    assert report.failures[0].file_id == AUDIT_CHAIN
    assert "altered" in report.failures[0].reason
    assert (scene.a_id, "the manifest's SHA-256 is in no audit entry") in [(f.file_id, f.reason) for f in report.failures]


async def test_audit_row_edited_elsewhere_names_the_files_after_the_break(scene: Scene) -> None:
    await scene.sql("UPDATE audit_log SET actor_label = 'someone else' WHERE object_id = :id", id=scene.a_id)
    report = await report_of(scene)
    named = [f.file_id for f in report.failures]
    assert named[0] == AUDIT_CHAIN
    assert scene.a_id in named and scene.b_id in named  # B's entry comes after the break too


async def test_deleted_audit_row(scene: Scene) -> None:
    await scene.sql("DELETE FROM audit_log WHERE object_id = :id", id=scene.b_id)
    report = await report_of(scene)
    assert (scene.b_id, "the manifest's SHA-256 is in no audit entry") in [(f.file_id, f.reason) for f in report.failures]
    assert scene.a_id not in {f.file_id for f in report.failures}


async def test_file_missing_from_database(scene: Scene) -> None:
    extra = await scene.store.put(b"unregistered", FileKind.ATTACHMENT, "text/plain")
    report = await report_of(scene)
    assert [(f.file_id, f.reason) for f in report.failures] == [
        (extra.manifest.file_id, "in the store but not registered in the database")
    ]
