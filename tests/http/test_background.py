"""Periodic background work is supervised: a failing round is logged with its cause and counted, the next round runs,
and the task ends with the app."""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web
from structlog.testing import capture_logs

from hub.http.background import FAILURES, periodic


async def test_a_failed_round_is_said_counted_and_followed_by_the_next() -> None:
    app = web.Application()
    rounds: list[int] = []
    two_done = asyncio.Event()

    async def step(app: web.Application) -> None:
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise RuntimeError("the database hiccuped")
        if len(rounds) == 2:
            two_done.set()

    before = FAILURES.labels(task="drill")._value.get()
    context = periodic("drill", step, lambda app: 0.01, at_start=True)(app)
    with capture_logs() as logs:
        await anext(context)
        await asyncio.wait_for(two_done.wait(), 2)
        with contextlib.suppress(StopAsyncIteration):
            await anext(context)  # the app's cleanup: the task is cancelled and awaited
    assert rounds[:2] == [0, 1]
    assert FAILURES.labels(task="drill")._value.get() == before + 1
    failed = [line for line in logs if line["event"] == "background_round_failed"]
    assert failed and failed[0]["task"] == "drill" and failed[0]["log_level"] == "error"
    ran = len(rounds)
    await asyncio.sleep(0.05)
    assert len(rounds) == ran  # ended with the app: no round after cleanup


async def test_without_at_start_the_first_round_waits_its_interval() -> None:
    app = web.Application()
    rounds: list[float] = []

    async def step(app: web.Application) -> None:
        rounds.append(asyncio.get_running_loop().time())

    context = periodic("late", step, lambda app: 0.2)(app)
    started = asyncio.get_running_loop().time()
    await anext(context)
    await asyncio.sleep(0.05)
    assert rounds == []
    await asyncio.sleep(0.3)
    assert rounds and rounds[0] - started >= 0.19
    with contextlib.suppress(StopAsyncIteration):
        await anext(context)
