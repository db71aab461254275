"""``EvidenceStore``: the one object the rest of the hub holds (under an ``AppKey``) to use the store."""

from __future__ import annotations

import asyncio
import datetime as dt
import secrets
import uuid
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.clock import Clock
from hub.store.container import NONCE_PREFIX_SIZE, Binding, Header
from hub.store.keys import StoreKeys, load_keys
from hub.store.layout import Layout
from hub.store.manifest import FileKind, Labels, SignedManifest
from hub.store.reader import FileReader, load_manifest
from hub.store.recovery import RecoveryResult, recover_all, recover_file
from hub.store.space import Space, folder_size
from hub.store.writer import OpenedFile, StreamWriter


class EvidenceStore:
    def __init__(self, root: Path, keys: StoreKeys, *, clock: Clock | None = None, space: Space | None = None) -> None:
        self.layout = Layout(root)
        self.keys = keys
        self.clock = clock or Clock()
        self.space = space or Space(root)

    @classmethod
    async def open(
        cls,
        var_dir: Path,
        *,
        master_key_b64: str = "",
        root: Path | None = None,
        clock: Clock | None = None,
        quota_bytes: int = 0,
        reserve_bytes: int = 0,
    ) -> EvidenceStore:
        """The store under ``<var_dir>/store`` with keys from ``<var_dir>/keys`` (created on first use)."""
        keys = await asyncio.to_thread(load_keys, var_dir / "keys", master_key_b64)
        root = root or var_dir / "store"
        used = await asyncio.to_thread(folder_size, root) if quota_bytes else 0
        space = Space(root, quota_bytes=quota_bytes, reserve_bytes=reserve_bytes, used_bytes=used)
        return cls(root, keys, clock=clock, space=space)

    async def create(
        self, kind: FileKind, media_type: str, labels: Labels | None = None, *, sync_every_chunk: bool = True
    ) -> StreamWriter:
        """A new file, open for writing. ``sync_every_chunk=False`` fsyncs only on flush and close (uploads)."""
        labels = labels or Labels()
        file_id = str(uuid.uuid4())
        created_at = self.clock.now().astimezone(dt.UTC)
        data_key = AESGCM.generate_key(bit_length=256)
        header = Header(
            binding=Binding(
                file_id=file_id,
                kind=kind.value,
                media_type=media_type,
                case_id=labels.case_id,
                room_id=labels.room_id,
                room_session_id=labels.room_session_id,
            ),
            created_at=created_at.isoformat(),
            participants=labels.participants,
            previous_segment_id=labels.previous_segment_id,
            nonce_prefix=secrets.token_bytes(NONCE_PREFIX_SIZE),
            wrapped_key=self.keys.wrap(data_key),
            master_key_id=self.keys.master_key_id,
        )
        opened = OpenedFile(file_id, kind, media_type, labels, created_at)
        writer = StreamWriter(
            self.layout, self.keys, header, data_key, opened, self.clock.now, sync_every_chunk=sync_every_chunk, space=self.space
        )
        await writer.start()
        return writer

    async def put(self, data: bytes, kind: FileKind, media_type: str, labels: Labels | None = None) -> SignedManifest:
        """Store a whole file held in memory (an upload, a generated document)."""
        writer = await self.create(kind, media_type, labels, sync_every_chunk=False)
        writer.write(data)
        return await writer.close()

    async def open_reader(self, file_id: str) -> FileReader:
        return await asyncio.to_thread(FileReader.open, self.layout, self.keys, file_id)

    async def manifest(self, file_id: str) -> SignedManifest:
        return await asyncio.to_thread(load_manifest, self.layout, self.keys, file_id)

    async def recover(self) -> list[RecoveryResult]:
        """Finish every file a crash left open (files held by a live writer are skipped)."""
        return await asyncio.to_thread(recover_all, self.layout, self.keys, self.clock.now)

    async def recover_one(self, file_id: str) -> SignedManifest | None:
        """Finish one file its writer abandoned (a failed recorder), at once; None if a live writer still holds it."""
        return await asyncio.to_thread(recover_file, self.layout, self.keys, file_id, self.clock.now)

    async def file_ids(self) -> list[str]:
        return await asyncio.to_thread(lambda: list(self.layout.file_ids()))
