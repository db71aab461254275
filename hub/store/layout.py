"""Where the store keeps each file, and the few disk operations that make writes survive a crash."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CIPHERTEXT_SUFFIX = ".enc"
MANIFEST_SUFFIX = ".manifest.json"
_FILE_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")  # str(uuid4())


def is_file_id(value: str) -> bool:
    return bool(_FILE_ID.match(value))


@dataclass(frozen=True)
class Layout:
    """``<root>/<first two hex digits>/<file id>.enc`` and ``….manifest.json`` beside it."""

    root: Path

    def folder(self, file_id: str) -> Path:
        if not is_file_id(file_id):
            raise ValueError(f"not a file id: {file_id!r}")
        return self.root / file_id[:2]

    def ciphertext(self, file_id: str) -> Path:
        return self.folder(file_id) / f"{file_id}{CIPHERTEXT_SUFFIX}"

    def manifest(self, file_id: str) -> Path:
        return self.folder(file_id) / f"{file_id}{MANIFEST_SUFFIX}"

    def file_ids(self) -> Iterator[str]:
        """Every file that has ciphertext, finished or not, in a stable order."""
        if not self.root.exists():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir():
                continue
            for path in sorted(folder.glob(f"*{CIPHERTEXT_SUFFIX}")):
                file_id = path.name.removesuffix(CIPHERTEXT_SUFFIX)
                if is_file_id(file_id):
                    yield file_id

    def make_folder(self, file_id: str) -> Path:
        folder = self.folder(file_id)
        if not folder.exists():
            if not self.root.exists():
                self.root.mkdir(parents=True, mode=0o700, exist_ok=True)
            folder.mkdir(mode=0o700, exist_ok=True)
            fsync_dir(self.root)
        return folder


def fsync_dir(path: Path) -> None:
    """Make a new or renamed entry in ``path`` durable."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new content."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)
