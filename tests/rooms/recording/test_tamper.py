"""Tampering with a recorded case: each kind is named by `hub store verify` (the store's checks plus this part's),
and a tampered segment is refused by the player rather than served."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Callable

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select, text, update

from hub.clock import FakeClock
from hub.db import Database
from hub.rooms.recording.models import RecordingSegment
from hub.rooms.recording.verify import verify_recordings
from hub.signaling.clip import Clip
from hub.store.interface import STORE
from hub.store.keys import StoreKeys
from hub.store.store import EvidenceStore
from hub.store.verify import AUDIT_CHAIN, verify_store
from tests.rooms.recording.conftest import CaseRecording, make_case_recording
from tests.store.frames import Frames
from tests.support.clients import Browser


@pytest.fixture
async def recorded(
    browser: Browser, app: web.Application, database: Database, clock: FakeClock, small_clip: Clip
) -> CaseRecording:
    return await make_case_recording(app, database, clock, small_clip, segments=3)


async def named(app: web.Application, database: Database, store: EvidenceStore | None = None) -> dict[str, list[str]]:
    """File (or audit chain) → reasons, from both verifiers."""
    store = store or app[STORE]
    async with database.transaction(write=False) as s:
        report = await verify_store(store, s)
        failures = [*report.failures, *await verify_recordings(s, store)]
    found: dict[str, list[str]] = {}
    for failure in failures:
        found.setdefault(failure.file_id, []).append(failure.reason)
    return found


def flip_bit(store: EvidenceStore, file_id: str) -> None:
    path = store.layout.ciphertext(file_id)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def swap_manifests(store: EvidenceStore, a: str, b: str) -> None:
    pa, pb = store.layout.manifest(a), store.layout.manifest(b)
    tmp = pa.with_suffix(".tmp")
    os.replace(pa, tmp)
    os.replace(pb, pa)
    os.replace(tmp, pb)


def reorder_chunks(store: EvidenceStore, file_id: str) -> None:
    frames = Frames.load(store.layout.ciphertext(file_id))
    frames.chunks[0], frames.chunks[1] = frames.chunks[1], frames.chunks[0]
    frames.save(store.layout.ciphertext(file_id))


def drop_chunk(store: EvidenceStore, file_id: str) -> None:
    frames = Frames.load(store.layout.ciphertext(file_id))
    del frames.chunks[1]
    frames.save(store.layout.ciphertext(file_id))


def duplicate_chunk(store: EvidenceStore, file_id: str) -> None:
    frames = Frames.load(store.layout.ciphertext(file_id))
    frames.chunks.insert(1, frames.chunks[1])
    frames.save(store.layout.ciphertext(file_id))


def truncate(store: EvidenceStore, file_id: str) -> None:
    path = store.layout.ciphertext(file_id)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


FileTamper = Callable[[EvidenceStore, str], None]


@pytest.mark.parametrize("tamper", [flip_bit, reorder_chunks, drop_chunk, duplicate_chunk, truncate])
async def test_a_damaged_segment_is_named_and_not_played(
    app: web.Application, database: Database, recorded: CaseRecording, browser: Browser, tamper: FileTamper
) -> None:
    assert await named(app, database) == {}
    victim = recorded.file_ids[1]
    tamper(app[STORE], victim)
    assert set(await named(app, database)) == {victim}
    await browser.sign_in("casemgmt1")
    expected_size = (await app[STORE].manifest(victim)).manifest.plaintext_size
    resp = await browser.get(f"/recordings/{recorded.recording_id}/segments/2/media")
    if resp.status == 200:  # damage past the start: the connection breaks there, the whole file never arrives
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()
    else:
        assert resp.status == 404  # the reader checks the file against its manifest before a byte goes out
    assert expected_size > 0
    ok = await browser.get(f"/recordings/{recorded.recording_id}/segments/1/media")
    assert ok.status == 200


async def test_swapped_manifests_are_named(app: web.Application, database: Database, recorded: CaseRecording) -> None:
    a, b = recorded.file_ids[0], recorded.file_ids[2]
    swap_manifests(app[STORE], a, b)
    assert {a, b} <= set(await named(app, database))


async def test_a_dropped_segment_is_named(app: web.Application, database: Database, recorded: CaseRecording) -> None:
    store = app[STORE]
    victim = recorded.file_ids[1]
    store.layout.ciphertext(victim).unlink()
    store.layout.manifest(victim).unlink()
    found = await named(app, database)
    assert victim in found


async def test_segments_reordered_in_the_database_are_named(
    app: web.Application, database: Database, recorded: CaseRecording
) -> None:
    async with database.transaction() as s:
        rows = (await s.scalars(select(RecordingSegment).order_by(RecordingSegment.position))).all()
        first, second = rows[0].id, rows[1].id
        await s.execute(update(RecordingSegment).where(RecordingSegment.id == first).values(position=99))
        await s.execute(update(RecordingSegment).where(RecordingSegment.id == second).values(position=1))
        await s.execute(update(RecordingSegment).where(RecordingSegment.id == first).values(position=2))
    found = await named(app, database)
    assert recorded.file_ids[0] in found or recorded.file_ids[1] in found
    assert any("follow" in reason for reasons in found.values() for reason in reasons)


async def test_a_segment_moved_to_another_recording_is_named(
    app: web.Application, database: Database, clock: FakeClock, small_clip: Clip, recorded: CaseRecording
) -> None:
    other = await make_case_recording(app, database, clock, small_clip, segments=1)
    async with database.transaction() as s:
        await s.execute(
            update(RecordingSegment)
            .where(RecordingSegment.file_id == other.file_ids[0])
            .values(recording_id=recorded.recording_id, position=4)
        )
    found = await named(app, database)
    assert any("room session" in reason for reason in found.get(other.file_ids[0], []))


async def test_an_edited_audit_row_is_named(app: web.Application, database: Database, recorded: CaseRecording) -> None:
    async with database.transaction() as s:
        await s.execute(
            text("UPDATE audit_log SET change = replace(change, 'ended_by_host', 'nothing') WHERE action = 'recording.ended'")
        )
    assert AUDIT_CHAIN in await named(app, database)


async def test_a_wrong_master_key_names_every_segment(
    app: web.Application, database: Database, recorded: CaseRecording, tmp_path: object
) -> None:
    store = app[STORE]
    wrong = EvidenceStore(store.layout.root, dataclasses.replace(store.keys, master_key=StoreKeys.generate().master_key))
    found = await named(app, database, wrong)
    assert set(recorded.file_ids) <= set(found)


async def test_a_segment_copied_over_another_is_named(app: web.Application, database: Database, recorded: CaseRecording) -> None:
    store = app[STORE]
    a, b = recorded.file_ids[0], recorded.file_ids[1]
    shutil.copy(store.layout.ciphertext(a), store.layout.ciphertext(b))
    assert b in await named(app, database)
