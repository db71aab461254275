"""Keeping the database in step with the store. Services take a session and never commit.

``register_file`` when a writer opens (so a crash leaves a ``writing`` row to find), and
``record_closed`` when it closes or is recovered: that fills the row from the signed manifest
and appends an audit entry carrying the manifest's SHA-256, which puts the manifest into the
audit chain.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.audit import SYSTEM, AuditActor
from hub.store.manifest import SignedManifest
from hub.store.models import FileStatus, StoredFile
from hub.store.store import EvidenceStore
from hub.store.writer import OpenedFile

OBJECT_TYPE = "stored_file"
ACTION_CLOSED = "store.file_closed"
ACTION_RECOVERED = "store.file_recovered"


async def register_file(session: AsyncSession, opened: OpenedFile) -> StoredFile:
    row = StoredFile(
        id=opened.file_id,
        kind=opened.kind,
        media_type=opened.media_type,
        status=FileStatus.WRITING,
        case_id=opened.labels.case_id,
        room_session_id=opened.labels.room_session_id,
        created_at=opened.created_at,
    )
    session.add(row)
    await session.flush()
    return row


async def record_closed(session: AsyncSession, signed: SignedManifest, *, actor: AuditActor = SYSTEM) -> StoredFile:
    """Fill the file's row from its manifest (creating it if the opening was never committed) and audit it."""
    m = signed.manifest
    row = await session.get(StoredFile, m.file_id)
    if row is not None and row.manifest_sha256 == signed.sha256:
        return row  # recorded already (a retry): one audit entry per manifest
    if row is None:
        row = StoredFile(id=m.file_id, created_at=m.created_at)
        session.add(row)
    row.kind = m.kind
    row.media_type = m.media_type
    row.status = FileStatus.RECOVERED if m.recovery is not None else FileStatus.CLOSED
    row.plaintext_size = m.plaintext_size
    row.ciphertext_size = m.ciphertext_size
    row.plaintext_sha256 = m.plaintext_sha256
    row.ciphertext_sha256 = m.ciphertext_sha256
    row.manifest = signed.body_json
    row.manifest_sha256 = signed.sha256
    row.case_id = m.labels.case_id
    row.room_session_id = m.labels.room_session_id
    row.created_at = m.created_at
    row.closed_at = m.closed_at
    await session.flush()
    change = {
        "manifest_sha256": signed.sha256,
        "kind": m.kind.value,
        "media_type": m.media_type,
        "plaintext_size": m.plaintext_size,
        "plaintext_sha256": m.plaintext_sha256,
        "ciphertext_sha256": m.ciphertext_sha256,
        "case_id": m.labels.case_id,
        "room_id": m.labels.room_id,
        "room_session_id": m.labels.room_session_id,
    }
    if m.recovery is not None:
        change["dropped_bytes"] = m.recovery.dropped_bytes
    action = ACTION_RECOVERED if m.recovery is not None else ACTION_CLOSED
    await audit.record(session, actor, action, OBJECT_TYPE, m.file_id, change)
    return row


async def reconcile(session: AsyncSession, store: EvidenceStore) -> list[StoredFile]:
    """Record every file that is closed in the store but not (yet) in the database.

    Run at start-up after ``store.recover()``: it records the files just recovered, and those
    whose closing transaction a crash cut off (a ``writing`` row, or no row at all).
    """
    on_disk = set(await store.file_ids())
    status = {file_id: state for file_id, state in await session.execute(select(StoredFile.id, StoredFile.status))}
    pending = sorted(file_id for file_id in on_disk if status.get(file_id, FileStatus.WRITING) == FileStatus.WRITING)
    recorded = []
    for file_id in pending:
        if not await asyncio.to_thread(store.layout.manifest(file_id).exists):
            continue  # still being written, or recover() could not finish it
        recorded.append(await record_closed(session, await store.manifest(file_id)))
    return recorded


async def get_file(session: AsyncSession, file_id: str) -> StoredFile | None:
    return await session.get(StoredFile, file_id)


async def files_of_case(session: AsyncSession, case_id: int) -> Sequence[StoredFile]:
    rows = await session.scalars(select(StoredFile).where(StoredFile.case_id == case_id).order_by(StoredFile.created_at))
    return rows.all()


async def files_of_room_session(session: AsyncSession, room_session_id: int) -> Sequence[StoredFile]:
    rows = await session.scalars(
        select(StoredFile).where(StoredFile.room_session_id == room_session_id).order_by(StoredFile.created_at)
    )
    return rows.all()
