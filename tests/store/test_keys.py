"""The master and signing keys: created once with tight modes, read back the same, refused when exposed."""

from __future__ import annotations

import base64
import secrets
import stat
from pathlib import Path

import pytest

from hub.store.errors import IntegrityError, KeyFileError
from hub.store.keys import StoreKeys, load_keys
from hub.store.manifest import FileKind
from hub.store.store import EvidenceStore


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_created_on_first_use_with_owner_only_modes(tmp_path: Path) -> None:
    keys_dir = tmp_path / "var" / "keys"
    first = load_keys(keys_dir)
    assert mode(keys_dir) == 0o700
    assert mode(keys_dir / "master.key") == 0o600
    assert mode(keys_dir / "signing.key") == 0o600
    assert len((keys_dir / "master.key").read_bytes()) == 32
    again = load_keys(keys_dir)
    assert again.master_key == first.master_key
    assert again.signing_key_id == first.signing_key_id
    assert sorted(p.name for p in keys_dir.iterdir()) == ["master.key", "signing.key"]  # no temp files left


def test_master_key_from_environment(tmp_path: Path) -> None:
    master = secrets.token_bytes(32)
    keys = load_keys(tmp_path / "keys", base64.b64encode(master).decode())
    assert keys.master_key == master
    assert not (tmp_path / "keys" / "master.key").exists()  # the given key is not written down
    with pytest.raises(KeyFileError):
        load_keys(tmp_path / "keys", base64.b64encode(b"short").decode())
    with pytest.raises(KeyFileError):
        load_keys(tmp_path / "keys", "not base64!")


def test_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    load_keys(tmp_path / "keys")
    (tmp_path / "keys" / "master.key").chmod(0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_keys(tmp_path / "keys")


def test_wrong_master_key_does_not_unwrap() -> None:
    keys, other = StoreKeys.generate(), StoreKeys.generate()
    wrapped = keys.wrap(secrets.token_bytes(32))
    with pytest.raises(IntegrityError):
        other.unwrap(wrapped)


async def test_store_open_uses_var_dir(tmp_path: Path) -> None:
    store = await EvidenceStore.open(tmp_path / "var")
    signed = await store.put(b"evidence", FileKind.ATTACHMENT, "text/plain")
    assert store.layout.ciphertext(signed.manifest.file_id).is_relative_to(tmp_path / "var" / "store")
    reopened = await EvidenceStore.open(tmp_path / "var")
    reader = await reopened.open_reader(signed.manifest.file_id)
    assert b"".join(reader.read_range_sync(0, 100)) == b"evidence"
