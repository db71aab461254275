"""The store's two keys: the master key that wraps every data key, and the Ed25519 key that signs manifests.

Both live in ``<var_dir>/keys/`` (a 0700 folder), as 32 raw bytes with mode 0600, created on
first use. The master key may instead come from ``HUB_MASTER_KEY`` (base64), so that it need
not lie on the same disk as the files it protects. Loading reads files: call it in a thread.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from hub.store.errors import IntegrityError, KeyFileError
from hub.store.layout import fsync_dir

MASTER_KEY_FILE = "master.key"
SIGNING_KEY_FILE = "signing.key"
KEY_SIZE = 32


def key_id(public_or_secret: bytes, purpose: str) -> str:
    """A short name for a key that reveals nothing about it."""
    return hashlib.sha256(f"hub key id {purpose}\n".encode() + public_or_secret).hexdigest()[:16]


@dataclass(frozen=True)
class StoreKeys:
    master_key: bytes
    signing_key: Ed25519PrivateKey

    def __post_init__(self) -> None:
        if len(self.master_key) != KEY_SIZE:
            raise KeyFileError("the master key must be 32 bytes")

    @property
    def master_key_id(self) -> str:
        return key_id(self.master_key, "master")

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.signing_key.public_key()

    @property
    def signing_key_id(self) -> str:
        return key_id(self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw), "signing")

    def wrap(self, data_key: bytes) -> bytes:
        return aes_key_wrap(self.master_key, data_key)

    def unwrap(self, wrapped: bytes) -> bytes:
        try:
            return aes_key_unwrap(self.master_key, wrapped)
        except (InvalidUnwrap, ValueError) as exc:
            raise IntegrityError("the data key does not unwrap (wrong master key, or the header was altered)") from exc

    @classmethod
    def generate(cls) -> StoreKeys:
        """Fresh keys held in memory only (tests, or a throw-away demo)."""
        return cls(secrets.token_bytes(KEY_SIZE), Ed25519PrivateKey.generate())


def load_keys(keys_dir: Path, master_key_b64: str = "") -> StoreKeys:
    """Read the keys from ``keys_dir``, creating any that is missing."""
    if master_key_b64:
        try:
            master = base64.b64decode(master_key_b64, validate=True)
        except binascii.Error as exc:
            raise KeyFileError("HUB_MASTER_KEY is not valid base64") from exc
        if len(master) != KEY_SIZE:
            raise KeyFileError("HUB_MASTER_KEY must decode to 32 bytes")
    else:
        master = _load_or_create(keys_dir, MASTER_KEY_FILE)
    seed = _load_or_create(keys_dir, SIGNING_KEY_FILE)
    return StoreKeys(master, Ed25519PrivateKey.from_private_bytes(seed))


def _load_or_create(keys_dir: Path, name: str) -> bytes:
    path = keys_dir / name
    if not path.exists():
        _create(keys_dir, path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"{path} has mode {mode:04o}; it must be readable by its owner only (chmod 600)")
    secret = path.read_bytes()
    if len(secret) != KEY_SIZE:
        raise KeyFileError(f"{path} must hold exactly {KEY_SIZE} bytes")
    return secret


def _create(keys_dir: Path, path: Path) -> None:
    """Write a fresh key atomically: two processes starting together end up with the same key."""
    if not keys_dir.exists():
        keys_dir.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(keys_dir, 0o700)  # mkdir's mode is filtered by the umask
    tmp = keys_dir / f".{path.name}.{secrets.token_hex(8)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, secrets.token_bytes(KEY_SIZE))
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process won the race; then its key is used
    except FileExistsError:
        pass
    finally:
        tmp.unlink()
    fsync_dir(keys_dir)
