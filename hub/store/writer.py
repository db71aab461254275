"""The streaming writer: live recordings and uploads go in as plaintext and reach the disk only encrypted.

``write()`` only buffers (it is safe to call from PyAV's file-like callbacks on the event
loop); full 64 KiB chunks and ``flush()``es are sealed, written and fsync'ed on the writer's
own thread, in order. ``close()`` seals the (empty) last chunk, writes the signed manifest
and returns it. While the file is open the writer holds an exclusive ``flock`` on it, so
``recover()`` in another process leaves a live file alone.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import errno
import fcntl
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.store.container import CHUNK_SIZE, Header, seal
from hub.store.errors import StoreError, StoreFull
from hub.store.keys import StoreKeys
from hub.store.layout import Layout, fsync_dir, write_all, write_atomic
from hub.store.manifest import FileKind, Labels, Manifest, SignedManifest, sign
from hub.store.space import Space

T = TypeVar("T")


@dataclass(frozen=True)
class OpenedFile:
    """What is known of a file when it is opened (enough to register it before it closes)."""

    file_id: str
    kind: FileKind
    media_type: str
    labels: Labels
    created_at: dt.datetime


class _Sealer:
    """Owns the file descriptor. Every method runs on the writer's thread, one at a time."""

    def __init__(self, path: Path, header: Header, data_key: bytes, sync_every_chunk: bool, space: Space | None = None) -> None:
        self._space = space
        self._aead = AESGCM(data_key)
        self._prefix = header.nonce_prefix
        self._aad = header.binding.aad()
        self._sync_every_chunk = sync_every_chunk
        self._counter = 0
        self.plain_size = 0
        self.durable_size = 0
        self.cipher_size = 0
        self._plain_hash = hashlib.sha256()
        self._cipher_hash = hashlib.sha256()
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._append(header.frame())
            os.fsync(self._fd)
            fsync_dir(path.parent)
        except BaseException:
            os.close(self._fd)
            path.unlink(missing_ok=True)  # a file that never got its header holds nothing: no husk for recovery
            raise

    def _append(self, data: bytes, *, finishing: bool = False) -> None:
        if self._space is not None:
            self._space.charge(len(data), finishing=finishing)
        write_all(self._fd, data)
        self._cipher_hash.update(data)
        self.cipher_size += len(data)

    def chunk(self, plaintext: bytes, sync: bool) -> int:
        if plaintext:
            self._append(seal(self._aead, self._prefix, self._counter, False, plaintext, self._aad))
            self._counter += 1
            self._plain_hash.update(plaintext)
            self.plain_size += len(plaintext)
        if sync or (plaintext and self._sync_every_chunk):
            os.fsync(self._fd)
            self.durable_size = self.plain_size
        return self.durable_size

    def finish(self, manifest_path: Path, build: Callable[[_Sealer], Manifest], keys: StoreKeys) -> SignedManifest:
        self._append(seal(self._aead, self._prefix, self._counter, True, b"", self._aad), finishing=True)
        self._counter += 1
        os.fsync(self._fd)
        self.durable_size = self.plain_size
        signed = sign(build(self), keys)
        body = signed.file_bytes()
        if self._space is not None:
            self._space.charge(len(body), finishing=True)
        write_atomic(manifest_path, body)
        self.close()  # only now: the lock keeps recover() off until the manifest is in place
        return signed

    @property
    def chunk_count(self) -> int:
        return self._counter

    def digests(self) -> tuple[str, str]:
        return self._plain_hash.hexdigest(), self._cipher_hash.hexdigest()

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class StreamWriter:
    """Write one file. Create it with ``EvidenceStore.create()``; always ``close()`` (or ``abort()``) it.

    Call it from one thread, the event loop's: ``write()`` is synchronous and cheap, ``flush()``
    and ``close()`` are awaited. ``backlog_bytes`` tells how far the disk is behind.
    """

    def __init__(
        self,
        layout: Layout,
        keys: StoreKeys,
        header: Header,
        data_key: bytes,
        opened: OpenedFile,
        now: Callable[[], dt.datetime],
        *,
        sync_every_chunk: bool = True,
        space: Space | None = None,
    ) -> None:
        self.opened = opened
        self._space = space
        self._layout = layout
        self._keys = keys
        self._header = header
        self._data_key = data_key
        self._now = now
        self._sync_every_chunk = sync_every_chunk
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._sealer: _Sealer | None = None
        self._buffer = bytearray()
        self._written = 0
        self._submitted = 0  # plaintext given to the thread; only the loop's thread writes it
        self._sealed = 0  # plaintext the thread has sealed; only the writer thread writes it
        self._error: BaseException | None = None
        self._closed = False

    @property
    def file_id(self) -> str:
        return self.opened.file_id

    @property
    def error(self) -> BaseException | None:
        """The first failure of the writer's thread (a full disk …), as the store reports it; None while it writes."""
        return _store_error(self.file_id, self._error) if self._error is not None else None

    @property
    def written_bytes(self) -> int:
        """Plaintext handed to ``write()`` so far."""
        return self._written

    @property
    def durable_bytes(self) -> int:
        """Plaintext sealed and fsync'ed: what a crash now would not lose."""
        return self._sealer.durable_size if self._sealer is not None else 0

    @property
    def backlog_bytes(self) -> int:
        """Plaintext waiting for the writer thread (grows if the disk cannot keep up)."""
        return self._submitted - self._sealed + len(self._buffer)

    async def start(self) -> None:
        path = self._layout.ciphertext(self.file_id)

        def create() -> _Sealer:
            self._layout.make_folder(self.file_id)
            return _Sealer(path, self._header, self._data_key, self._sync_every_chunk, self._space)

        self._sealer = await self._run(create)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Buffer ``data``; every full chunk goes to the writer thread. Never blocks on the disk."""
        self._check_open()
        view = memoryview(data).cast("B")
        size = len(view)
        if self._buffer:
            take = min(CHUNK_SIZE - len(self._buffer), size)
            self._buffer += view[:take]
            view = view[take:]
            if len(self._buffer) == CHUNK_SIZE:
                self._submit_chunk(bytes(self._buffer), sync=False)
                self._buffer = bytearray()
        while len(view) >= CHUNK_SIZE:
            self._submit_chunk(bytes(view[:CHUNK_SIZE]), sync=False)
            view = view[CHUNK_SIZE:]
        self._buffer += view
        self._written += size
        return size

    async def flush(self) -> int:
        """Seal what is buffered and fsync; return the plaintext bytes now safe on disk."""
        self._check_open()
        pending = bytes(self._buffer)
        self._buffer = bytearray()
        await self._wait(self._submit_chunk(pending, sync=True))
        return self.durable_bytes

    async def close(self, *, participants: tuple[str, ...] | None = None, next_segment_id: str | None = None) -> SignedManifest:
        """Seal the rest and the last chunk, write the signed manifest, release the file."""
        self._check_open()
        self._closed = True
        labels = self.opened.labels
        if participants is not None:
            labels = replace(labels, participants=tuple(participants))
        if next_segment_id is not None:
            labels = replace(labels, next_segment_id=next_segment_id)
        closed_at = self._now()
        if self._buffer:
            self._submit_chunk(bytes(self._buffer), sync=False)
            self._buffer = bytearray()
        sealer = self._require_sealer()

        def build(s: _Sealer) -> Manifest:
            plain_sha, cipher_sha = s.digests()
            return Manifest(
                file_id=self.file_id,
                kind=self.opened.kind,
                media_type=self.opened.media_type,
                plaintext_size=s.plain_size,
                plaintext_sha256=plain_sha,
                ciphertext_size=s.cipher_size,
                ciphertext_sha256=cipher_sha,
                chunk_count=s.chunk_count,
                created_at=self.opened.created_at,
                closed_at=closed_at,
                labels=labels,
                master_key_id=self._keys.master_key_id,
            )

        try:
            return await self._run(sealer.finish, self._layout.manifest(self.file_id), build, self._keys)
        finally:
            self._executor.shutdown(wait=False)

    async def abort(self) -> None:
        """Stop without finishing: the file stays unfinished on disk until ``recover()`` seals it."""
        if self._closed:
            return
        self._closed = True
        if self._sealer is not None:
            await asyncio.wrap_future(self._executor.submit(self._sealer.close))  # earlier failures are already known
        self._executor.shutdown(wait=False)

    async def __aenter__(self) -> StreamWriter:
        return self

    async def __aexit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self._closed:
            return
        if self._error is not None:
            await self.abort()
        else:
            await self.close()

    def _submit_chunk(self, plaintext: bytes, *, sync: bool) -> concurrent.futures.Future[int]:
        sealer = self._require_sealer()
        self._submitted += len(plaintext)

        def job() -> int:
            try:
                return sealer.chunk(plaintext, sync)
            finally:
                self._sealed += len(plaintext)

        return self._submit(job)

    def _submit(self, fn: Callable[[], T]) -> concurrent.futures.Future[T]:
        future = self._executor.submit(fn)
        future.add_done_callback(self._note_failure)
        return future

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        return await self._wait(self._submit(lambda: fn(*args)))

    async def _wait(self, future: concurrent.futures.Future[T]) -> T:
        try:
            result = await asyncio.wrap_future(future)
        except (OSError, ValueError) as exc:
            raise _store_error(self.file_id, exc) from exc
        self._raise_if_failed()  # an earlier job of this writer may have failed
        return result

    def _note_failure(self, future: concurrent.futures.Future[Any]) -> None:
        if not future.cancelled() and future.exception() is not None and self._error is None:
            self._error = future.exception()

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise _store_error(self.file_id, self._error) from self._error

    def _check_open(self) -> None:
        if self._closed:
            raise StoreError(f"{self.file_id} is closed")
        self._raise_if_failed()

    def _require_sealer(self) -> _Sealer:
        if self._sealer is None:
            raise StoreError("the writer was not started")
        return self._sealer


def _store_error(file_id: str, exc: BaseException) -> StoreError:
    """A full disk (or quota, or reserve) is ``StoreFull``, so callers can name the cause; anything else ``StoreError``."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreFull(f"writing {file_id} failed, no space left: {exc.strerror or exc}")
    return StoreError(f"writing {file_id} failed: {exc}")
