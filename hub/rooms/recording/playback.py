"""Serve a stored recording over HTTP with range requests, decrypting on the fly (the access check is the caller's).

A player seeks by asking for byte ranges; each answer decrypts only the 64 KiB chunks it touches.
Opening a `FileReader` checks the manifest and reads every chunk header, so one reader per file is kept
(a small cache on the app) for the many range requests of one playback.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field

from aiohttp import web

from hub.store.interface import EvidenceStore, FileReader

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CACHE_SIZE = 32


@dataclass
class ReaderCache:
    store: EvidenceStore
    readers: OrderedDict[str, FileReader] = field(default_factory=OrderedDict)

    async def get(self, file_id: str) -> FileReader:
        reader = self.readers.get(file_id)
        if reader is None:
            reader = await self.store.open_reader(file_id)  # StoredFileMissing / IntegrityError propagate
            self.readers[file_id] = reader
            while len(self.readers) > CACHE_SIZE:
                self.readers.popitem(last=False)
        else:
            self.readers.move_to_end(file_id)
        return reader


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Inclusive (first, last) byte of a single `bytes=` range; None for the whole file.

    Raises `web.HTTPRequestRangeNotSatisfiable` for a range outside the file or one we do not serve
    (several ranges at once).
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    unsatisfiable = web.HTTPRequestRangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
    if match is None:
        raise unsatisfiable
    first_text, last_text = match.groups()
    if not first_text:
        if not last_text or int(last_text) == 0:
            raise unsatisfiable
        first, last = max(size - int(last_text), 0), size - 1
    else:
        first = int(first_text)
        last = min(int(last_text), size - 1) if last_text else size - 1
    if first >= size or first > last:
        raise unsatisfiable
    return first, last


async def serve(request: web.Request, reader: FileReader, media_type: str, *, filename: str | None = None) -> web.StreamResponse:
    size, etag = reader.size, f'"{reader.signed.sha256}"'
    wanted = parse_range(request.headers.get("Range"), size)
    if_range = request.headers.get("If-Range")
    if wanted is not None and if_range is not None and if_range != etag:
        wanted = None  # the file the client has is not this one: send it whole
    first, last = wanted if wanted is not None else (0, size - 1)
    headers = {
        "Content-Type": media_type,
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Cache-Control": "private, no-store",
        "Content-Length": str(max(last - first + 1, 0)),
    }
    if wanted is not None:
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    if filename is not None:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    pieces = reader.iter_range(first, last + 1) if request.method != "HEAD" and size else None
    # The first piece is decrypted before the status goes out, so a damaged start is an error answer; damage
    # further in breaks the connection there (a player never receives bytes that fail authentication).
    head = await anext(pieces, b"") if pieces is not None else b""
    response = web.StreamResponse(status=206 if wanted is not None else 200, headers=headers)
    await response.prepare(request)
    if pieces is not None:
        await response.write(head)
        async for piece in pieces:
            await response.write(piece)
    await response.write_eof()
    return response
