"""The event loop never waits for the disk or the cipher while the store writes and reads megabytes."""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from hub.store.manifest import FileKind, Labels
from hub.store.store import EvidenceStore

TICK = 0.002
MAX_LAG = 0.05  # a 50 ms stall would be audible in every room this process forwards


@asynccontextmanager
async def lag_monitor() -> AsyncIterator[list[float]]:
    """Sleeps a short tick over and over; the overshoot of each sleep is how long the loop was held up."""
    lags: list[float] = []
    stop = asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            before = time.perf_counter()
            await asyncio.sleep(TICK)
            lags.append(time.perf_counter() - before - TICK)

    task = asyncio.create_task(watch())
    await asyncio.sleep(TICK * 3)
    try:
        yield lags
    finally:
        stop.set()
        await task


async def measure(work: Callable[[], Awaitable[None]]) -> float:
    async with lag_monitor() as lags:
        await work()
    return max(lags)


async def test_monitor_sees_a_blocked_loop() -> None:
    """The control: a loop blocked for 0.2 s shows up as lag, so the bound below means something."""

    async def block() -> None:
        time.sleep(0.2)  # noqa: ASYNC251 - blocking the loop on purpose
        await asyncio.sleep(TICK * 3)

    assert await measure(block) > 0.15


async def test_writing_and_reading_megabytes_keeps_the_loop_free(store: EvidenceStore) -> None:
    rng = random.Random(9)
    data = rng.randbytes(8 * 1024 * 1024)
    file_id = ""

    async def record() -> None:
        nonlocal file_id
        writer = await store.create(FileKind.RECORDING, "video/webm", Labels(case_id=1))
        file_id = writer.file_id
        for offset in range(0, len(data), 16 * 1024):
            writer.write(data[offset : offset + 16 * 1024])  # as PyAV's muxer would, from the loop
            if offset % (1024 * 1024) == 0:
                await writer.flush()
            await asyncio.sleep(0)
        await writer.close()

    async def play() -> None:
        reader = await store.open_reader(file_id)
        total = 0
        async for piece in reader.iter_all():
            total += len(piece)
        assert total == len(data)

    started = time.perf_counter()
    write_lag = await measure(record)
    elapsed = time.perf_counter() - started
    read_lag = await measure(play)
    print(f"\n8 MiB written in {elapsed:.2f} s; max loop lag writing {write_lag * 1000:.1f} ms, reading {read_lag * 1000:.1f} ms")
    assert write_lag < MAX_LAG
    assert read_lag < MAX_LAG


async def test_a_slow_disk_does_not_slow_the_loop(store: EvidenceStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fsync takes 60 ms (a busy disk): the recorder's writes still return at once."""
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:
        time.sleep(0.06)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    data = random.Random(4).randbytes(1024 * 1024)
    writer = await store.create(FileKind.RECORDING, "video/webm")
    backlog = 0

    async def record() -> None:
        nonlocal backlog
        for offset in range(0, len(data), 8 * 1024):
            writer.write(data[offset : offset + 8 * 1024])
            backlog = max(backlog, writer.backlog_bytes)
            await asyncio.sleep(0.001)
        await writer.close()

    assert await measure(record) < 0.04
    assert backlog > 256 * 1024  # the disk fell behind, and the loop did not wait for it

    control = await store.create(FileKind.RECORDING, "video/webm")

    async def seal_on_the_loop() -> None:
        control._require_sealer().chunk(data[:1000], True)  # what the writer thread does, done inline
        await asyncio.sleep(TICK * 3)

    assert await measure(seal_on_the_loop) >= 0.055  # the monitor does see a loop that waits for the disk
    await control.close()
