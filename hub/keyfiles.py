"""Secrets kept as files under var/keys/, created on first use with mode 0600."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create(path: Path, size: int = 32) -> bytes:
    """The key at ``path``; if missing, a fresh random one written atomically (0600, folder 0700)."""
    if path.exists():
        data = path.read_bytes()
        if len(data) < size:
            raise RuntimeError(f"{path} is shorter than {size} bytes: refusing to use a damaged key")
        return data
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    data = secrets.token_bytes(size)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if another process created it meanwhile: then use theirs
    except FileExistsError:
        data = path.read_bytes()
    finally:
        tmp.unlink(missing_ok=True)
    return data
