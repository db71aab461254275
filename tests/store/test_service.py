"""The database side: a row when a file opens, the manifest and an audit entry when it closes or is recovered."""

from __future__ import annotations

import json

from sqlalchemy import select

from hub import audit
from hub.db import Database
from hub.store.manifest import FileKind, Labels
from hub.store.models import FileStatus, StoredFile
from hub.store.service import ACTION_CLOSED, ACTION_RECOVERED, files_of_case, reconcile, record_closed, register_file
from hub.store.store import EvidenceStore
from hub.store.verify import verify_store

LABELS = Labels(case_id=21, room_id=4, room_session_id=8, participants=("user:3",))


async def test_register_then_close_puts_the_manifest_into_the_audit_chain(store: EvidenceStore, database: Database) -> None:
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    async with database.transaction() as s:
        await register_file(s, writer.opened)
    async with database.transaction(write=False) as s:
        row = await s.get(StoredFile, writer.file_id)
        assert row is not None and row.status == FileStatus.WRITING and row.case_id == 21
        report = await verify_store(store, s)
        assert report.ok and report.unfinished == [writer.file_id] and report.checked == 0

    writer.write(b"interview" * 10000)
    signed = await writer.close()
    async with database.transaction() as s:
        await record_closed(s, signed)
    async with database.transaction(write=False) as s:
        row = await s.get(StoredFile, writer.file_id)
        assert row is not None
        assert row.status == FileStatus.CLOSED
        assert row.manifest == signed.body_json
        assert row.manifest_sha256 == signed.sha256
        assert row.plaintext_size == 90000 and row.room_session_id == 8
        assert row.closed_at == signed.manifest.closed_at
        entry = (await s.scalars(select(audit.AuditEntry).where(audit.AuditEntry.object_id == writer.file_id))).one()
        assert entry.action == ACTION_CLOSED
        assert json.loads(entry.change)["manifest_sha256"] == signed.sha256
        assert (await audit.verify(s)).ok
        assert [f.id for f in await files_of_case(s, 21)] == [writer.file_id]
        report = await verify_store(store, s)
        assert report.ok and report.checked == 1 and not report.unfinished


async def test_recovered_file_is_recorded_as_recovered(store: EvidenceStore, database: Database) -> None:
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    async with database.transaction() as s:
        await register_file(s, writer.opened)
    writer.write(b"a" * 100_000)
    await writer.flush()
    await writer.abort()  # as if the process had died
    (result,) = await store.recover()
    assert result.signed is not None and result.signed.manifest.recovery is not None
    async with database.transaction() as s:
        await record_closed(s, result.signed)
    async with database.transaction(write=False) as s:
        row = await s.get(StoredFile, writer.file_id)
        assert row is not None and row.status == FileStatus.RECOVERED and row.plaintext_size == 100_000
        entry = (await s.scalars(select(audit.AuditEntry).where(audit.AuditEntry.object_id == writer.file_id))).one()
        assert entry.action == ACTION_RECOVERED
        assert (await verify_store(store, s)).ok


async def test_close_without_registration_creates_the_row(store: EvidenceStore, database: Database) -> None:
    """A crash may come before the opening transaction commits; the close (or recovery) still records the file."""
    signed = await store.put(b"scan", FileKind.ATTACHMENT, "image/png", LABELS)
    async with database.transaction() as s:
        await record_closed(s, signed)
    async with database.transaction(write=False) as s:
        assert (await verify_store(store, s)).ok


async def test_a_row_that_still_says_writing_after_close_is_reported(store: EvidenceStore, database: Database) -> None:
    writer = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    async with database.transaction() as s:
        await register_file(s, writer.opened)
    await writer.close()  # ... and nobody called record_closed
    async with database.transaction(write=False) as s:
        report = await verify_store(store, s)
    assert [(f.file_id, f.reason) for f in report.failures] == [
        (writer.file_id, "closed in the store but the database still says writing")
    ]


async def test_recording_twice_writes_one_audit_entry(store: EvidenceStore, database: Database) -> None:
    signed = await store.put(b"doc", FileKind.DOCUMENT, "application/pdf", LABELS)
    for _ in range(2):
        async with database.transaction() as s:
            await record_closed(s, signed)
    async with database.transaction(write=False) as s:
        entries = (await s.scalars(select(audit.AuditEntry).where(audit.AuditEntry.object_type == "stored_file"))).all()
        assert len(entries) == 1


async def test_reconcile_after_a_crash(store: EvidenceStore, database: Database) -> None:
    """Start-up after a crash: recover() finishes the open files, reconcile() records every closed file not yet recorded."""
    open_then_killed = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    closed_not_recorded = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    never_registered = await store.create(FileKind.ATTACHMENT, "image/jpeg", LABELS)
    still_live = await store.create(FileKind.RECORDING, "video/webm", LABELS)
    async with database.transaction() as s:
        for writer in (open_then_killed, closed_not_recorded, still_live):
            await register_file(s, writer.opened)
    for writer in (open_then_killed, closed_not_recorded, never_registered, still_live):
        writer.write(b"frames" * 1000)
        await writer.flush()
    await open_then_killed.abort()
    await closed_not_recorded.close()
    await never_registered.close()

    results = await store.recover()
    assert {r.file_id: r.busy for r in results} == {open_then_killed.file_id: False, still_live.file_id: True}
    async with database.transaction() as s:
        recorded = await reconcile(s, store)
    assert sorted(row.id for row in recorded) == sorted(
        [open_then_killed.file_id, closed_not_recorded.file_id, never_registered.file_id]
    )
    async with database.transaction() as s:
        assert await reconcile(s, store) == []
    async with database.transaction(write=False) as s:
        report = await verify_store(store, s)
        assert report.ok, report.failures
        assert report.unfinished == [still_live.file_id] and report.checked == 3
        statuses = {row.id: row.status for row in (await s.scalars(select(StoredFile))).all()}
    assert statuses[open_then_killed.file_id] == FileStatus.RECOVERED
    assert statuses[closed_not_recorded.file_id] == FileStatus.CLOSED
    await still_live.close()
