"""Reading a closed file back: the whole stream, or a byte range for HTTP range requests.

Opening checks the signed manifest against the file (size, labels, master key, chunk layout,
the authenticated last chunk); each range then decrypts only the chunks it touches. A whole
read also checks the plaintext SHA-256 against the manifest at the end.
"""

from __future__ import annotations

import asyncio
import bisect
import hashlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.store.container import ChunkRef, Header, open_sealed, read_header, scan
from hub.store.errors import IntegrityError, StoredFileMissing
from hub.store.keys import StoreKeys
from hub.store.layout import Layout
from hub.store.manifest import Manifest, SignedManifest

_BATCH = 16  # chunks (1 MiB) decrypted per trip to a thread


def load_manifest(layout: Layout, keys: StoreKeys, file_id: str) -> SignedManifest:
    """The signed manifest of a closed file, its signature checked."""
    path = layout.manifest(file_id)
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise StoredFileMissing(f"{file_id} has no manifest (missing, or unfinished: run recover)") from exc
    signed = SignedManifest.parse(raw, keys.public_key)
    if signed.manifest.file_id != file_id:
        raise IntegrityError(f"the manifest belongs to another file ({signed.manifest.file_id})")
    return signed


def check_header(header: Header, manifest: Manifest, keys: StoreKeys) -> bytes:
    """The data key, once the header is shown to match the manifest and this hub's master key."""
    if header.binding != manifest.binding:
        raise IntegrityError("the file's labels (id, kind, case, room, session) differ from its manifest")
    if header.master_key_id != keys.master_key_id or manifest.master_key_id != keys.master_key_id:
        raise IntegrityError(
            f"encrypted under master key {header.master_key_id}, but this hub's master key is {keys.master_key_id}"
        )
    return keys.unwrap(header.wrapped_key)


class FileReader:
    """A verified, closed file. Cheap to keep: it holds no open file descriptor."""

    def __init__(self, path: Path, signed: SignedManifest, header: Header, data_key: bytes, chunks: list[ChunkRef]) -> None:
        self.path = path
        self.signed = signed
        self._aead = AESGCM(data_key)
        self._prefix = header.nonce_prefix
        self._aad = header.binding.aad()
        self._chunks = chunks
        self._starts = [c.plain_start for c in chunks]

    @property
    def manifest(self) -> Manifest:
        return self.signed.manifest

    @property
    def size(self) -> int:
        return self.signed.manifest.plaintext_size

    @classmethod
    def open(cls, layout: Layout, keys: StoreKeys, file_id: str) -> FileReader:
        """Blocking (reads the manifest and every chunk header): call it in a thread."""
        signed = load_manifest(layout, keys, file_id)
        manifest = signed.manifest
        path = layout.ciphertext(file_id)
        try:
            f = path.open("rb")
        except FileNotFoundError as exc:
            raise StoredFileMissing(f"{file_id} has a manifest but no ciphertext") from exc
        with f:
            size = os.fstat(f.fileno()).st_size
            if size != manifest.ciphertext_size:
                raise IntegrityError(f"the ciphertext is {size} bytes, the manifest says {manifest.ciphertext_size}")
            header, start = read_header(f)
            data_key = check_header(header, manifest, keys)
            chunks, torn = scan(f, start, size)
        if torn or len(chunks) != manifest.chunk_count:
            raise IntegrityError(
                f"{len(chunks)} chunks (+{torn} stray bytes) on disk, the manifest says {manifest.chunk_count}: "
                "chunks were dropped, duplicated or cut"
            )
        reader = cls(path, signed, header, data_key, chunks)
        last = chunks[-1] if chunks else None
        if last is None or last.plain_start != manifest.plaintext_size or reader._decrypt([last])[0]:
            raise IntegrityError("the chunks do not add up to the manifest's plaintext size")
        return reader

    def read_range_sync(self, start: int, end: int) -> Iterator[bytes]:
        """Plaintext bytes ``[start, end)`` (clamped to the file), decrypting only the chunks they lie in."""
        for group, lo, hi in self._plan(start, end):
            for chunk, data in zip(group, self._decrypt(group), strict=True):
                yield data[max(lo - chunk.plain_start, 0) : hi - chunk.plain_start]

    async def iter_range(self, start: int, end: int) -> AsyncIterator[bytes]:
        """``read_range_sync`` with the reading and decrypting done in threads."""
        for group, lo, hi in self._plan(start, end):
            plain = await asyncio.to_thread(self._decrypt, group)
            for chunk, data in zip(group, plain, strict=True):
                yield data[max(lo - chunk.plain_start, 0) : hi - chunk.plain_start]

    async def iter_all(self) -> AsyncIterator[bytes]:
        """The whole plaintext; raises ``IntegrityError`` at the end if it is not the manifest's."""
        digest = hashlib.sha256()
        async for piece in self.iter_range(0, self.size):
            digest.update(piece)
            yield piece
        if digest.hexdigest() != self.manifest.plaintext_sha256:
            raise IntegrityError("the plaintext SHA-256 differs from the manifest")

    def _plan(self, start: int, end: int) -> Iterator[tuple[list[ChunkRef], int, int]]:
        lo, hi = max(start, 0), min(end, self.size)
        if lo >= hi:
            return
        first = bisect.bisect_right(self._starts, lo) - 1
        i = first
        while i < len(self._chunks) and self._chunks[i].plain_start < hi:
            group = [c for c in self._chunks[i : i + _BATCH] if c.plain_start < hi]
            yield group, lo, hi
            i += len(group)

    def _decrypt(self, group: list[ChunkRef]) -> list[bytes]:
        """Decrypt consecutive chunks, read in one go."""
        begin, stop = group[0].offset, group[-1].end
        with self.path.open("rb") as f:
            f.seek(begin)
            span = f.read(stop - begin)
        if len(span) != stop - begin:
            raise IntegrityError("the ciphertext ended early")
        last_index = len(self._chunks) - 1
        return [
            open_sealed(
                self._aead,
                self._prefix,
                c.index,
                c.index == last_index,
                span[c.offset - begin : c.end - begin],
                self._aad,
            )
            for c in group
        ]
