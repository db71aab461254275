"""Finishing files that a crash left open.

A file with ciphertext but no manifest was cut short. ``recover_file`` keeps every complete
chunk that authenticates, drops a torn tail (a partly written last frame), seals the empty
last chunk and writes a manifest that says it was recovered and how many bytes were dropped.
A chunk that fails in the middle of the file is not a tear but damage: that file is left as it
is and reported. A file still locked by a live writer (another process) is skipped.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.store.container import Header, open_sealed, read_header, scan, seal
from hub.store.errors import IntegrityError, StoreError
from hub.store.keys import StoreKeys
from hub.store.layout import Layout, write_all, write_atomic
from hub.store.manifest import FileKind, Labels, Manifest, Recovery, SignedManifest, sign
from hub.store.reader import load_manifest


@dataclass(frozen=True)
class RecoveryResult:
    file_id: str
    signed: SignedManifest | None = None  # the new manifest, when recovered
    busy: bool = False  # a live writer holds the file
    error: str = ""  # why it was left as it is


def unfinished(layout: Layout) -> list[str]:
    return [file_id for file_id in layout.file_ids() if not layout.manifest(file_id).exists()]


def recover_all(layout: Layout, keys: StoreKeys, now: Callable[[], dt.datetime]) -> list[RecoveryResult]:
    """Blocking: call it in a thread (at start-up, before recorders run, or any time: live files are skipped)."""
    results = []
    for file_id in unfinished(layout):
        try:
            signed = recover_file(layout, keys, file_id, now)
        except (StoreError, OSError) as exc:
            results.append(RecoveryResult(file_id, error=str(exc)))
        else:
            results.append(RecoveryResult(file_id, signed=signed, busy=signed is None))
    return results


def recover_file(layout: Layout, keys: StoreKeys, file_id: str, now: Callable[[], dt.datetime]) -> SignedManifest | None:
    """The recovered file's manifest, or None if a live writer holds it."""
    path = layout.ciphertext(file_id)
    fd = os.open(path, os.O_RDWR)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        if layout.manifest(file_id).exists():  # its writer finished after we looked
            return load_manifest(layout, keys, file_id)
        return _finish(layout, keys, file_id, fd, now())
    finally:
        os.close(fd)  # releases the lock


def _finish(layout: Layout, keys: StoreKeys, file_id: str, fd: int, when: dt.datetime) -> SignedManifest:
    path = layout.ciphertext(file_id)
    with path.open("rb") as f:
        size = os.fstat(f.fileno()).st_size
        header, start = read_header(f)
        if header.binding.file_id != file_id:
            raise IntegrityError(f"the header names another file ({header.binding.file_id})")
        if header.master_key_id != keys.master_key_id:
            raise IntegrityError(f"encrypted under master key {header.master_key_id}, this hub has {keys.master_key_id}")
        aead = AESGCM(keys.unwrap(header.wrapped_key))
        aad = header.binding.aad()
        chunks, torn = scan(f, start, size)
        plain_hash, plain_size, good, complete = hashlib.sha256(), 0, 0, False
        for chunk in chunks:
            f.seek(chunk.offset)
            sealed = f.read(chunk.sealed_size)
            is_final_frame = chunk.index == len(chunks) - 1
            try:
                data = open_sealed(aead, header.nonce_prefix, chunk.index, False, sealed, aad)
            except IntegrityError:
                if not is_final_frame:
                    raise IntegrityError(
                        f"chunk {chunk.index} of {len(chunks)} fails authentication in the middle of the file: "
                        "damage, not a torn tail; left as it is"
                    ) from None
                complete = _is_last_chunk(aead, header, chunk.index, sealed, aad)
                break
            plain_hash.update(data)
            plain_size += len(data)
            good += 1
        if complete and torn:
            raise IntegrityError(f"{torn} stray bytes after the last chunk; left as it is")
    if complete:
        dropped, chunk_count = 0, good + 1
    else:
        keep = chunks[good - 1].end if good else start
        dropped = size - keep
        os.ftruncate(fd, keep)
        os.lseek(fd, keep, os.SEEK_SET)
        write_all(fd, seal(aead, header.nonce_prefix, good, True, b"", aad))
        os.fsync(fd)
        chunk_count = good + 1
    cipher_size, cipher_sha = _hash_file(fd)
    manifest = Manifest(
        file_id=file_id,
        kind=FileKind(header.binding.kind),
        media_type=header.binding.media_type,
        plaintext_size=plain_size,
        plaintext_sha256=plain_hash.hexdigest(),
        ciphertext_size=cipher_size,
        ciphertext_sha256=cipher_sha,
        chunk_count=chunk_count,
        created_at=dt.datetime.fromisoformat(header.created_at),
        closed_at=when,
        labels=Labels(
            case_id=header.binding.case_id,
            room_id=header.binding.room_id,
            room_session_id=header.binding.room_session_id,
            participants=header.participants,
            previous_segment_id=header.previous_segment_id,
        ),
        master_key_id=keys.master_key_id,
        recovery=Recovery(recovered_at=when, dropped_bytes=dropped, complete=complete),
    )
    signed = sign(manifest, keys)
    write_atomic(layout.manifest(file_id), signed.file_bytes())
    return signed


def _is_last_chunk(aead: AESGCM, header: Header, index: int, sealed: bytes, aad: bytes) -> bool:
    """The writer had sealed the last chunk: only the manifest is missing."""
    try:
        return open_sealed(aead, header.nonce_prefix, index, True, sealed, aad) == b""
    except IntegrityError:
        return False


def _hash_file(fd: int) -> tuple[int, str]:
    digest, offset = hashlib.sha256(), 0
    while block := os.pread(fd, 1 << 20, offset):
        digest.update(block)
        offset += len(block)
    return offset, digest.hexdigest()
