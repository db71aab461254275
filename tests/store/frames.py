"""Take a stored file apart into header and chunk frames and put it back together: the tamper tests' scalpel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hub.store.container import LENGTH, read_header, scan


@dataclass
class Frames:
    header: bytes
    chunks: list[bytes]  # each with its length prefix
    tail: bytes = b""

    @classmethod
    def load(cls, path: Path) -> Frames:
        with path.open("rb") as f:
            size = path.stat().st_size
            _header, start = read_header(f)
            refs, torn = scan(f, start, size)
            f.seek(0)
            raw = f.read()
        chunks = [raw[r.offset - LENGTH.size : r.end] for r in refs]
        return cls(raw[:start], chunks, raw[size - torn :] if torn else b"")

    def save(self, path: Path) -> None:
        path.write_bytes(self.header + b"".join(self.chunks) + self.tail)
