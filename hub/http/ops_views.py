"""Operations endpoints: health (anyone) and Prometheus metrics, only for the addresses or the token an operator
configured (HUB_METRICS_ADDRESSES, HUB_METRICS_TOKEN); anyone else gets 404, as if there were none."""

from __future__ import annotations

import hmac

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.http.context import peer_within, relayed
from hub.http.keys import SETTINGS
from hub.http.views import Call, Routes, Who, in_transaction

routes = Routes()


async def _ping(s: AsyncSession) -> None:
    await s.execute(text("SELECT 1"))


@routes.get("/healthz", who=Who.ANYONE, tx=False, summary="Whether the hub and its database answer.")
async def healthz(call: Call[None]) -> web.Response:
    try:  # a unit of its own: a database that fails is the answer (503), not an error
        await in_transaction(call.request, _ping, write=False)
    except Exception as exc:  # any database failure means unhealthy, and says why
        return web.json_response({"status": "error", "database": type(exc).__name__}, status=503)
    return web.json_response({"status": "ok", "database": "ok"})


@routes.get("/metrics", who=Who.ANYONE, tx=False, summary="Prometheus metrics.")
async def metrics(call: Call[None]) -> web.Response:
    settings = call.app[SETTINGS]
    token = call.request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    by_token = bool(settings.metrics_token) and hmac.compare_digest(token.encode(), settings.metrics_token.encode())
    by_address = not relayed(call.request) and peer_within(call.request, settings.metrics_networks)
    if not (by_token or by_address):
        raise web.HTTPNotFound()
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
