"""``hub store verify``: every stored file against its manifest, the database and the audit chain.

For each file: the manifest's signature, the ciphertext's size and SHA-256, the header against
the manifest and the master key, every chunk decrypted in place, the plaintext's size and
SHA-256; then the database row against the manifest, and the manifest's SHA-256 in an audit
entry of an intact chain. Returns every failure, naming the file and the reason.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.store.container import LENGTH, open_sealed, read_header, scan
from hub.store.errors import IntegrityError, StoreError
from hub.store.keys import StoreKeys
from hub.store.layout import Layout
from hub.store.manifest import SignedManifest
from hub.store.models import FileStatus, StoredFile
from hub.store.reader import check_header, load_manifest
from hub.store.service import OBJECT_TYPE
from hub.store.store import EvidenceStore

AUDIT_CHAIN = "(audit chain)"


@dataclass(frozen=True)
class Failure:
    file_id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file_id}: {self.reason}"


@dataclass(frozen=True)
class StoreReport:
    checked: int
    failures: list[Failure] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)  # being written now by a live hub (it holds the file's lock)
    writers: dict[str, str] = field(default_factory=dict)  # unfinished file → how we know its writer is alive
    abandoned: list[str] = field(default_factory=list)  # unfinished and nobody writes it: each also a failure

    @property
    def ok(self) -> bool:
        return not self.failures


def lock_holder(path: Path) -> str | None:
    """Who holds the writer's lock on ``path``: "process N" (from /proc/locks), "a process" (the lock is taken but
    /proc/locks does not say by whom), or None when nobody does (its writer is gone). Blocking."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    try:
        with open("/proc/locks", encoding="ascii") as locks:
            for line in locks:
                fields = line.split()  # "1: FLOCK  ADVISORY  WRITE 12345 08:01:1234567 0 EOF" ("->" marks a waiter)
                if "->" not in fields and len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == device:
                    return f"process {fields[4]}"
    except OSError:
        pass
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return "a process"
        raise
    finally:
        os.close(fd)  # releases our shared lock at once
    return None


def verify_file(layout: Layout, keys: StoreKeys, file_id: str) -> tuple[SignedManifest | None, list[str]]:
    """Blocking. The file's manifest (if its signature holds) and what is wrong with the file."""
    try:
        signed = load_manifest(layout, keys, file_id)
    except StoreError as exc:
        return None, [str(exc)]
    m = signed.manifest
    reasons: list[str] = []
    try:
        with layout.ciphertext(file_id).open("rb") as f:
            size = os.fstat(f.fileno()).st_size
            if size != m.ciphertext_size:
                reasons.append(f"the ciphertext is {size} bytes, the manifest says {m.ciphertext_size}")
            header, start = read_header(f)
            aead = AESGCM(check_header(header, m, keys))
            chunks, torn = scan(f, start, size)
            if torn:
                reasons.append(f"{torn} bytes after the last complete chunk")
            if len(chunks) != m.chunk_count:
                reasons.append(f"{len(chunks)} chunks on disk, the manifest says {m.chunk_count}")
            # one pass in file order: hash every byte of the ciphertext, decrypt every chunk in place
            f.seek(0)
            cipher = hashlib.sha256(f.read(start))
            plain, plain_size, broken = hashlib.sha256(), 0, ""
            aad = header.binding.aad()
            for chunk in chunks:
                frame = f.read(LENGTH.size + chunk.sealed_size)
                cipher.update(frame)
                if broken:
                    continue
                last = chunk.index == len(chunks) - 1
                try:
                    data = open_sealed(aead, header.nonce_prefix, chunk.index, last, frame[LENGTH.size :], aad)
                except IntegrityError as exc:
                    broken = str(exc)
                    continue
                if last and data:
                    broken = "the last chunk is not the empty end marker"
                plain.update(data)
                plain_size += len(data)
            cipher.update(f.read())
            if cipher.hexdigest() != m.ciphertext_sha256:
                reasons.append("the ciphertext SHA-256 differs from the manifest")
            if broken:
                reasons.append(broken)
            elif plain_size != m.plaintext_size:
                reasons.append(f"decrypts to {plain_size} bytes, the manifest says {m.plaintext_size}")
            elif plain.hexdigest() != m.plaintext_sha256:
                reasons.append("the plaintext SHA-256 differs from the manifest")
    except FileNotFoundError:
        reasons.append("the ciphertext is missing")
    except StoreError as exc:
        reasons.append(str(exc))
    return signed, reasons


def _row_mismatches(row: StoredFile, signed: SignedManifest) -> list[str]:
    m = signed.manifest
    expected = {
        "kind": m.kind,
        "media_type": m.media_type,
        "plaintext_size": m.plaintext_size,
        "ciphertext_size": m.ciphertext_size,
        "plaintext_sha256": m.plaintext_sha256,
        "ciphertext_sha256": m.ciphertext_sha256,
        "case_id": m.labels.case_id,
        "room_session_id": m.labels.room_session_id,
        "status": FileStatus.RECOVERED if m.recovery is not None else FileStatus.CLOSED,
    }
    return [name for name, value in expected.items() if getattr(row, name) != value]


async def _audited_manifests(session: AsyncSession) -> dict[str, list[tuple[int, str]]]:
    """File id → (audit seq, manifest SHA-256) of every store entry in the audit log."""
    found: dict[str, list[tuple[int, str]]] = {}
    rows = await session.execute(
        select(audit.AuditEntry.seq, audit.AuditEntry.object_id, audit.AuditEntry.change).where(
            audit.AuditEntry.object_type == OBJECT_TYPE
        )
    )
    for seq, object_id, change in rows:
        try:
            manifest_sha = json.loads(change).get("manifest_sha256")
        except (ValueError, AttributeError):
            continue
        if isinstance(manifest_sha, str):
            found.setdefault(object_id, []).append((seq, manifest_sha))
    return found


async def verify_store(store: EvidenceStore, session: AsyncSession) -> StoreReport:
    """Check every file in the store and every row in ``stored_files``; read-only."""
    chain = await audit.verify(session)
    audited = await _audited_manifests(session)
    rows = {row.id: row for row in (await session.scalars(select(StoredFile))).all()}
    on_disk = await store.file_ids()
    failures: list[Failure] = []
    if not chain.ok:
        failures.append(Failure(AUDIT_CHAIN, chain.message()))
    unfinished: list[str] = []
    writers: dict[str, str] = {}
    abandoned: list[str] = []
    checked = 0
    for file_id in sorted(set(on_disk) | set(rows)):
        row = rows.get(file_id)
        has_manifest = await asyncio.to_thread(store.layout.manifest(file_id).exists)
        if file_id not in on_disk:
            failures.append(Failure(file_id, "registered in the database but missing from the store"))
            continue
        if not has_manifest and (row is None or row.status == FileStatus.WRITING):
            holder = await asyncio.to_thread(lock_holder, store.layout.ciphertext(file_id))
            if holder is not None:
                unfinished.append(file_id)
                writers[file_id] = holder
            else:
                abandoned.append(file_id)
                failures.append(
                    Failure(file_id, "unfinished, and no live hub writes it (no process holds its lock): its writer stopped")
                )
            continue
        checked += 1
        signed, reasons = await asyncio.to_thread(verify_file, store.layout, store.keys, file_id)
        failures.extend(Failure(file_id, reason) for reason in reasons)
        if signed is None:
            continue
        if row is None:
            failures.append(Failure(file_id, "in the store but not registered in the database"))
            continue
        if row.status == FileStatus.WRITING:
            failures.append(Failure(file_id, "closed in the store but the database still says writing"))
            continue
        if row.manifest_sha256 != signed.sha256 or row.manifest != signed.body_json:
            failures.append(Failure(file_id, "the manifest in the database differs from the one in the store"))
        mismatched = _row_mismatches(row, signed)
        if mismatched:
            failures.append(Failure(file_id, f"the database row differs from the manifest in {', '.join(mismatched)}"))
        entries = [seq for seq, sha in audited.get(file_id, []) if sha == signed.sha256]
        if not entries:
            failures.append(Failure(file_id, "the manifest's SHA-256 is in no audit entry"))
        elif not chain.ok and chain.broken_seq is not None and min(entries) >= chain.broken_seq:
            failures.append(
                Failure(file_id, f"its audit entry (seq {min(entries)}) lies at or after the break (seq {chain.broken_seq})")
            )
    return StoreReport(checked, failures, unfinished, writers, abandoned)
