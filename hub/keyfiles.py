"""Secrets kept as files under var/keys/, created on first use with mode 0600."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def load_or_create(path: Path, size: int = 32) -> bytes:
    """The key at ``path``; if missing, a fresh random one written atomically (0600, folder 0700).

    Two processes starting together both end up with the key that won the link: each writes its own
    randomly named temporary file, links it into place (which fails if the other was first), and reads
    back what is there.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_bytes(size))
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink(missing_ok=True)
    data = path.read_bytes()
    if len(data) < size:
        raise RuntimeError(f"{path} is shorter than {size} bytes: refusing to use a damaged key")
    return data
