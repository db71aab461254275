"""Read a stored recording as a file (seekable, decrypting on demand) to learn how much media it holds.

Used after a crash to find where a recovered segment really ends, and by tests. Demuxing only: no decoding.
"""

from __future__ import annotations

import io
import json
from typing import Any

import av

from hub.store.interface import CHUNK_SIZE, FileReader


class PlainFile(io.RawIOBase):
    """A read-only, seekable view of a stored file's plaintext; keeps the last block decrypted."""

    def __init__(self, reader: FileReader) -> None:
        super().__init__()
        self._reader = reader
        self._pos = 0
        self._block_start = -1
        self._block = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._reader.size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._pos >= self._reader.size:
            return 0
        start = self._pos - self._pos % CHUNK_SIZE
        if start != self._block_start:
            self._block = b"".join(self._reader.read_range_sync(start, start + CHUNK_SIZE))
            self._block_start = start
        piece = self._block[self._pos - start : self._pos - start + len(buffer)]
        buffer[: len(piece)] = piece
        self._pos += len(piece)
        return len(piece)


def media_duration_ms(reader: FileReader) -> int:
    """The end of the last packet of any track, in ms from the file's time zero (blocking: run in a thread)."""
    if reader.size == 0:
        return 0
    end = 0
    try:
        with av.open(PlainFile(reader), mode="r") as container:
            for packet in container.demux():
                if packet.pts is None or packet.time_base is None:
                    continue
                tail = packet.pts + (packet.duration or 0)
                end = max(end, int(tail * packet.time_base * 1000))
    except av.error.FFmpegError:
        pass  # a file cut inside its header holds no media; one cut in a cluster ends at the last whole block
    return end


def track_descriptions(reader: FileReader) -> list[dict[str, Any]]:
    """What each track of a segment file says of itself (whose, what; written at its opening), in track order
    (blocking: run in a thread). Tracks without a readable description are left out."""
    found: list[dict[str, Any]] = []
    if reader.size == 0:
        return found
    try:
        with av.open(PlainFile(reader), mode="r") as container:
            for stream in container.streams:
                try:
                    described = json.loads(stream.metadata.get("title", ""))
                except ValueError:
                    continue
                if isinstance(described, dict) and "participant" in described:
                    found.append(described)
    except av.error.FFmpegError:
        pass
    return found
