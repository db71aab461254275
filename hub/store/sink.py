"""A write-only file object over a ``StreamWriter``, so PyAV can mux a recording straight into the store.

``av.open(WriterSink(writer), mode="w", format="webm", options={"cluster_time_limit": "1000"})``
muxes without seeking back (WebM written live plays without its seek index). The muxer keeps
its open cluster in memory, so a crash loses it as well as the writer's unflushed buffer: keep
clusters short (``cluster_time_limit``, in ms) and ``flush()`` the writer every second. Closing
the sink does not close the writer: close the container, then ``await writer.close()``.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from hub.store.writer import StreamWriter

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class WriterSink(io.RawIOBase):
    def __init__(self, writer: StreamWriter) -> None:
        super().__init__()
        self._writer = writer

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readable(self) -> bool:
        return False

    def write(self, data: ReadableBuffer) -> int:
        return self._writer.write(memoryview(data))

    def tell(self) -> int:
        return self._writer.written_bytes
