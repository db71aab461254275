"""The on-disk layout of one encrypted file, and the STREAM construction over AES-256-GCM.

    file    = header frame, then chunk frames
    header  = MAGIC (8 bytes) | u32 length | canonical JSON (ids, labels, nonce prefix, wrapped data key)
    chunk   = u32 ciphertext length | AES-256-GCM(data key, nonce_i, plaintext_i, aad)
    nonce_i = 7-byte random prefix | u32 big-endian counter i | 0x01 on the last chunk, else 0x00
    aad     = canonical JSON of the binding (file id, kind, media type, case, room, room session)

The counter puts every chunk in its place and the flag marks the end, so a reordered, dropped,
duplicated, spliced or truncated chunk fails authentication (Hoang, Reyhanitabar, Rogaway and
Vizár, "Online authenticated-encryption and its nonce-reuse misuse-resistance", 2015; Tink's
streaming AEAD uses the same nonce layout). The last chunk is always empty: recovery after a
crash can then seal it again without ever encrypting two different plaintexts under one nonce.
"""

from __future__ import annotations

import json
import struct
from dataclasses import asdict, dataclass
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from hub.store.errors import IntegrityError

MAGIC = b"HUBSTOR1"
CHUNK_SIZE = 64 * 1024
TAG_SIZE = 16
NONCE_PREFIX_SIZE = 7
MAX_CHUNKS = 2**32
MAX_HEADER_SIZE = 64 * 1024
LENGTH = struct.Struct(">I")
_COUNTER = struct.Struct(">I")


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class Binding:
    """What every chunk is bound to: move a file to another id, case or room and it no longer decrypts."""

    file_id: str
    kind: str
    media_type: str
    case_id: int | None
    room_id: int | None
    room_session_id: int | None

    def aad(self) -> bytes:
        return canonical({"format": "hub-store/1", **asdict(self)})


@dataclass(frozen=True)
class Header:
    binding: Binding
    created_at: str
    participants: tuple[str, ...]
    previous_segment_id: str | None
    nonce_prefix: bytes
    wrapped_key: bytes
    master_key_id: str

    def frame(self) -> bytes:
        body = canonical(
            {
                "binding": asdict(self.binding),
                "created_at": self.created_at,
                "participants": list(self.participants),
                "previous_segment_id": self.previous_segment_id,
                "nonce_prefix": self.nonce_prefix.hex(),
                "wrapped_key": self.wrapped_key.hex(),
                "master_key_id": self.master_key_id,
                "chunk_size": CHUNK_SIZE,
            }
        )
        return MAGIC + LENGTH.pack(len(body)) + body

    @classmethod
    def parse(cls, body: bytes) -> Header:
        try:
            raw = json.loads(body)
            header = cls(
                binding=Binding(**raw["binding"]),
                created_at=str(raw["created_at"]),
                participants=tuple(str(p) for p in raw["participants"]),
                previous_segment_id=raw["previous_segment_id"],
                nonce_prefix=bytes.fromhex(raw["nonce_prefix"]),
                wrapped_key=bytes.fromhex(raw["wrapped_key"]),
                master_key_id=str(raw["master_key_id"]),
            )
            chunk_size = raw["chunk_size"]
        except (ValueError, KeyError, TypeError) as exc:
            raise IntegrityError(f"the file header is malformed ({exc})") from exc
        if chunk_size != CHUNK_SIZE or len(header.nonce_prefix) != NONCE_PREFIX_SIZE:
            raise IntegrityError("the file header has unexpected parameters")
        return header


def read_header(f: BinaryIO) -> tuple[Header, int]:
    """The header and the offset of the first chunk frame."""
    lead = f.read(len(MAGIC) + LENGTH.size)
    if len(lead) < len(MAGIC) + LENGTH.size or lead[: len(MAGIC)] != MAGIC:
        raise IntegrityError("not an encrypted store file (bad or torn header)")
    (size,) = LENGTH.unpack(lead[len(MAGIC) :])
    if size > MAX_HEADER_SIZE:
        raise IntegrityError("the file header is too large")
    body = f.read(size)
    if len(body) < size:
        raise IntegrityError("the file header is torn")
    return Header.parse(body), len(lead) + size


def nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    if counter >= MAX_CHUNKS:
        raise OverflowError("too many chunks for one file")
    return prefix + _COUNTER.pack(counter) + (b"\x01" if last else b"\x00")


def seal(aead: AESGCM, prefix: bytes, counter: int, last: bool, plaintext: bytes, aad: bytes) -> bytes:
    """One chunk frame: length prefix and ciphertext with its tag."""
    sealed = aead.encrypt(nonce(prefix, counter, last), plaintext, aad)
    return LENGTH.pack(len(sealed)) + sealed


def open_sealed(aead: AESGCM, prefix: bytes, counter: int, last: bool, sealed: bytes, aad: bytes) -> bytes:
    try:
        return aead.decrypt(nonce(prefix, counter, last), sealed, aad)
    except InvalidTag as exc:
        where = "the last chunk" if last else f"chunk {counter}"
        raise IntegrityError(f"{where} fails authentication") from exc


@dataclass(frozen=True)
class ChunkRef:
    """Where one chunk's ciphertext lies and which plaintext bytes it holds."""

    index: int
    offset: int  # of the ciphertext, after the length prefix
    sealed_size: int
    plain_start: int

    @property
    def plain_size(self) -> int:
        return self.sealed_size - TAG_SIZE

    @property
    def end(self) -> int:
        return self.offset + self.sealed_size


def scan(f: BinaryIO, start: int, file_size: int) -> tuple[list[ChunkRef], int]:
    """The complete chunk frames from ``start``, and how many bytes after them form no complete frame."""
    chunks: list[ChunkRef] = []
    pos, plain = start, 0
    while pos < file_size:
        if file_size - pos < LENGTH.size:
            break
        f.seek(pos)
        (sealed_size,) = LENGTH.unpack(f.read(LENGTH.size))
        if not TAG_SIZE <= sealed_size <= CHUNK_SIZE + TAG_SIZE:
            break  # garbage where a length should be: a torn or zero-filled tail
        if pos + LENGTH.size + sealed_size > file_size:
            break
        ref = ChunkRef(len(chunks), pos + LENGTH.size, sealed_size, plain)
        chunks.append(ref)
        plain += ref.plain_size
        pos = ref.end
    return chunks, file_size - pos
