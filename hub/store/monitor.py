"""The store's free space, watched: metrics every few seconds, a warning before the disk is full, readiness.

``StoreMonitor.verdict()`` is what readiness and the refusal of new recorded sessions read: None while
the store is writable and has room for at least ``min_minutes`` of recording, else the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import math

import structlog
from prometheus_client import Gauge

from hub.http.keys import Readiness
from hub.store.space import Measure
from hub.store.store import EvidenceStore

log = structlog.get_logger("hub.store")

FREE_BYTES = Gauge("hub_store_free_bytes", "Bytes the evidence store may still write (quota and reserve deducted)")
MINUTES_LEFT = Gauge("hub_store_minutes_left", "Minutes of recording the store has room for at the current rate")
WRITE_RATE = Gauge("hub_store_write_bytes_per_second", "Bytes per second written into the evidence store lately")
LOW = Gauge("hub_store_low", "1 while the store is below the warning threshold, 2 below the refusal threshold, else 0")

INTERVAL = 2.0  # seconds between measures


class StoreMonitor:
    def __init__(self, store: EvidenceStore, *, warn_minutes: float, min_minutes: float, interval: float = INTERVAL) -> None:
        self.store = store
        self.warn_minutes = warn_minutes
        self.min_minutes = min_minutes
        self.interval = interval
        self.last: Measure | None = None
        self._level = 0
        self._task: asyncio.Task[None] | None = None

    async def measure(self) -> Measure:
        measure = await asyncio.to_thread(self.store.space.measure)
        self.last = measure
        FREE_BYTES.set(measure.free_bytes)
        MINUTES_LEFT.set(measure.minutes_left if math.isfinite(measure.minutes_left) else -1)
        WRITE_RATE.set(measure.rate)
        level = 2 if self._refused(measure) else 1 if measure.minutes_left < self.warn_minutes else 0
        LOW.set(level)
        if level != self._level:
            fields = {"minutes_left": round(measure.minutes_left, 1), "free_bytes": measure.free_bytes, "error": measure.error}
            if level == 2:
                log.error("store_space_exhausted", refusing_below_minutes=self.min_minutes, **fields)
            elif level == 1:
                log.warning("store_space_low", warn_below_minutes=self.warn_minutes, **fields)
            else:
                log.info("store_space_ok", **fields)
            self._level = level
        return measure

    def _refused(self, measure: Measure) -> bool:
        return not measure.writable or measure.free_bytes <= 0 or measure.minutes_left < self.min_minutes

    def verdict(self) -> str | None:
        """Why recording is impossible now (None: it is possible), from the latest measure."""
        measure = self.last
        if measure is None:
            return None
        if not measure.writable:
            return "store_error"
        if measure.free_bytes <= 0 or measure.minutes_left < self.min_minutes:
            return "disk_full"
        return None

    async def readiness(self) -> Readiness:
        measure = await self.measure()
        verdict = self.verdict()
        detail: dict[str, object] = {
            "free_bytes": measure.free_bytes,
            "minutes_left": round(measure.minutes_left, 1),
            "min_minutes": self.min_minutes,
            "writable": measure.writable,
        }
        if verdict:
            detail["reason"] = verdict
        if measure.error:
            detail["error"] = measure.error
        return Readiness("store", verdict is None, detail)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            try:
                await self.measure()
            except Exception:  # the monitor must outlive whatever the disk does
                log.exception("store_measure_failed")
            await asyncio.sleep(self.interval)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
