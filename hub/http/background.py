"""Periodic work beside the requests (the session sweep, the 督办 notices), supervised the one way DESIGN §10 asks:
a round that fails is logged with its cause and counted in ``hub_background_failures_total{task}``, and the next
round runs; the task starts and ends with the app (an aiohttp cleanup context), so nothing runs unowned."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import structlog
from aiohttp import web
from prometheus_client import Counter

log = structlog.get_logger("hub.background")

FAILURES = Counter("hub_background_failures_total", "Rounds of periodic background work that failed", ["task"])

CleanupContext = Callable[[web.Application], AsyncIterator[None]]


def periodic(
    task: str,
    step: Callable[[web.Application], Awaitable[None]],
    every: Callable[[web.Application], float],
    *,
    at_start: bool = False,
) -> CleanupContext:
    """A cleanup context that runs ``step`` every ``every(app)`` seconds (read each round, so a changed setting
    takes effect), first at start-up when ``at_start``."""

    async def run(app: web.Application) -> None:
        if not at_start:
            await asyncio.sleep(every(app))
        while True:
            try:
                await step(app)
            except Exception:  # a database hiccup or a bug in one round: said and counted, the next round tries again
                FAILURES.labels(task=task).inc()
                log.exception("background_round_failed", task=task)
            await asyncio.sleep(every(app))

    async def context(app: web.Application) -> AsyncIterator[None]:
        running = asyncio.create_task(run(app), name=task)
        yield
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running

    return context
