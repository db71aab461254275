"""The recorder's rows, written in order by a task of their own, and kept while the database is down.

The recorder must never wait on, or die of, the database: every row it reports (segment opened and closed,
gap opened and closed, a failed segment, the recording's end) is queued here and returns at once. A writer
task writes them in order; while the database does not answer it keeps them and tries again, so the media
goes on into the store and the rows follow when the database is back. A gap's id is known only once its row
is written: the recorder gets a handle instead, which the backlog maps to the row.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

import structlog

from hub.errors import Unavailable
from hub.rooms.recording.models import GapCause
from hub.rooms.recording.recorder import RecordingLog
from hub.store.interface import OpenedFile, SignedManifest

log = structlog.get_logger("hub.recorder")

RETRY_FIRST, RETRY_MOST = 0.25, 5.0  # seconds between tries while the database is down


class RowBacklog:
    """A `RecordingLog` that never blocks: it queues for the `RecordingLog` it wraps (the database's)."""

    def __init__(self, inner: RecordingLog, *, on_database: Callable[[bool], None] | None = None) -> None:
        self.inner = inner
        self.on_database = on_database  # told False when the database stops answering, True when it is back
        self.database_down_since: float | None = None
        self.written = 0
        self.dropped = 0
        self._queue: deque[tuple[str, Callable[[], Awaitable[None]]]] = deque()
        self._handles = itertools.count(1)
        self._gaps: dict[int, int] = {}  # handle → gap row id
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    @property
    def pending(self) -> int:
        return len(self._queue)

    def later(self, what: str, write: Callable[[], Awaitable[None]]) -> None:
        """Queue any write (the manager queues the recording's end here too, so it follows the rows before it)."""
        self._queue.append((what, write))
        self._idle.clear()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    # ---- RecordingLog -----------------------------------------------------------------------

    async def segment_opened(
        self, position: int, opened: OpenedFile, started_at: dt.datetime, tracks: list[dict[str, Any]]
    ) -> None:
        self.later("segment_opened", lambda: self.inner.segment_opened(position, opened, started_at, tracks))

    async def segment_closed(
        self, signed: SignedManifest, ended_at: dt.datetime, duration_ms: int, cause: str, tracks: list[dict[str, Any]]
    ) -> None:
        self.later("segment_closed", lambda: self.inner.segment_closed(signed, ended_at, duration_ms, cause, tracks))

    async def gap_opened(self, participant: str | None, started_at: dt.datetime, cause: GapCause) -> int:
        handle = next(self._handles)

        async def write() -> None:
            self._gaps[handle] = await self.inner.gap_opened(participant, started_at, cause)

        self.later("gap_opened", write)
        return handle

    async def gap_closed(self, gap: int, ended_at: dt.datetime) -> None:
        async def write() -> None:
            row = self._gaps.pop(gap, None)
            if row is not None:
                await self.inner.gap_closed(row, ended_at)

        self.later("gap_closed", write)

    # ---- writing ------------------------------------------------------------------------------

    async def _run(self) -> None:
        delay = RETRY_FIRST
        while self._queue:
            what, write = self._queue[0]
            try:
                await write()
            except Unavailable:
                if self.database_down_since is None:
                    self.database_down_since = time.time()
                    log.warning("recording_rows_waiting_for_database", pending=len(self._queue))
                    if self.on_database is not None:
                        self.on_database(False)
                await asyncio.sleep(delay)
                delay = min(delay * 2, RETRY_MOST)
                continue
            except Exception:  # a row that can never be written must not hold back the ones after it
                log.exception("recording_row_failed", row=what)
                self.dropped += 1
            else:
                self.written += 1
            self._queue.popleft()
            delay = RETRY_FIRST
            if self.database_down_since is not None:
                log.info("recording_rows_written_after_outage", down_s=round(time.time() - self.database_down_since, 1))
                self.database_down_since = None
                if self.on_database is not None:
                    self.on_database(True)
        self._idle.set()

    async def drain(self, timeout: float | None = None) -> bool:  # noqa: ASYNC109 (a bound, not a cancel scope)
        """Wait until every queued row is written; False if `timeout` passed first (the rows stay queued)."""
        if not self._queue:
            return True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), timeout)
        return not self._queue

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
