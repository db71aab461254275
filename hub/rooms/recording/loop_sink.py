"""A file object that a worker thread writes into and a store writer (event-loop only) receives, in order."""

from __future__ import annotations

import asyncio
import io
from typing import Any

from hub.store.interface import StreamWriter


class LoopSink(io.RawIOBase):
    """Hands bytes from the building thread to the writer on the event loop (the writer's only thread).

    `call_soon_threadsafe` keeps their order, and the thread's completion (awaited with `to_thread`) is
    delivered after them, so closing the writer after that await sees every byte.
    """

    def __init__(self, writer: StreamWriter, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self._writer, self._loop, self._written = writer, loop, 0

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._loop.call_soon_threadsafe(self._writer.write, chunk)
        self._written += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._written
