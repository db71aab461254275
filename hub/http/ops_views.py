"""Operations endpoints: liveness and readiness (anyone), and Prometheus metrics, only for the addresses or the token
an operator configured (HUB_METRICS_ADDRESSES, HUB_METRICS_TOKEN); anyone else gets 404, as if there were none.

`/healthz` is liveness: the process answers (restarting it would not help a database that is down, so it stays 200
and only says how the database is). `/readyz` is readiness: 503 while the database, the store (writable, room for
`HUB_STORE_MIN_MINUTES` of recording) or a recorder is unhealthy, with each part's answer in the body.
"""

from __future__ import annotations

import asyncio
import hmac

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.http.context import peer_within, relayed
from hub.http.keys import READINESS, SETTINGS, Readiness
from hub.http.views import Call, Routes, Who, in_transaction

routes = Routes()
CHECK_SECONDS = 3.0  # a check that takes longer counts as failed


async def _ping(s: AsyncSession) -> None:
    await s.execute(text("SELECT 1"))


_late_pings: set[asyncio.Task[None]] = set()  # slow checks left to finish by themselves (held, so never collected)


def _forget(task: asyncio.Task[None]) -> None:
    _late_pings.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved: a late failure was already reported as "not ready"


async def database_readiness(request: web.Request) -> Readiness:
    # A slow ping is not cancelled: cancelling a unit of work while it connects abandons the driver's connection
    # (aiosqlite's thread, asyncpg's socket), which is then collected unclosed. It is left to finish on its own.
    ping = asyncio.ensure_future(in_transaction(request, _ping, write=False))
    done, _ = await asyncio.wait({ping}, timeout=CHECK_SECONDS)
    if not done:
        _late_pings.add(ping)
        ping.add_done_callback(_forget)
        return Readiness("database", False, {"error": "TimeoutError"})
    exc = ping.exception()
    if exc is not None:  # any database failure means not ready, and says why
        return Readiness("database", False, {"error": type(exc).__name__})
    return Readiness("database", True)


@routes.get("/healthz", who=Who.ANYONE, tx=False, summary="Liveness: the hub answers (and how its database is).")
async def healthz(call: Call[None]) -> web.Response:
    database = await database_readiness(call.request)
    return web.json_response({"status": "ok", "database": "ok" if database.ok else "unavailable"})


@routes.get("/readyz", who=Who.ANYONE, tx=False, summary="Readiness: the database, the store and the recorders.")
async def readyz(call: Call[None]) -> web.Response:
    answers = [await database_readiness(call.request)]
    for check in call.app.get(READINESS, []):
        try:
            answers.append(await asyncio.wait_for(check(), CHECK_SECONDS))
        except Exception as exc:  # a check that fails is an unhealthy part
            answers.append(Readiness(getattr(check, "__qualname__", "check"), False, {"error": type(exc).__name__}))
    ready = all(a.ok for a in answers)
    body = {"status": "ok" if ready else "unavailable", "checks": {a.name: {"ok": a.ok, **a.detail} for a in answers}}
    return web.json_response(body, status=200 if ready else 503)


@routes.get("/metrics", who=Who.ANYONE, tx=False, summary="Prometheus metrics.")
async def metrics(call: Call[None]) -> web.Response:
    settings = call.app[SETTINGS]
    token = call.request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    by_token = bool(settings.metrics_token) and hmac.compare_digest(token.encode(), settings.metrics_token.encode())
    by_address = not relayed(call.request) and peer_within(call.request, settings.metrics_networks)
    if not (by_token or by_address):
        raise web.HTTPNotFound()
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
