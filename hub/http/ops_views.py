"""Operations endpoints: health and Prometheus metrics, open to anyone (nginx keeps /metrics internal, see deploy/)."""

from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

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
    return web.Response(body=generate_latest(), headers={"Content-Type": CONTENT_TYPE_LATEST})
