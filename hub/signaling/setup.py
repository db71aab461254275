"""Wire signaling and media into an app: the `/ws` route, the service, and their shutdown."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from hub.clock import Clock
from hub.media.interface import MediaEngine, SlotLayout
from hub.rooms.interface import LIVE_CALLS
from hub.signaling.bus import Bus, MemoryBus
from hub.signaling.handler import websocket
from hub.signaling.keys import ALLOWED_ORIGIN, MEDIA, SIGNALING
from hub.signaling.service import Hook, SignalingService


def setup(
    app: web.Application,
    *,
    secret: str | bytes,
    allowed_origin: str | Callable[[], str],
    ice_addresses: list[str],
    ice_servers: list[dict[str, Any]],
    baseline_relay: bool = False,
    forwarding: str = "packets",
    repair: bool = True,
    layout: SlotLayout | None = None,
    bus: Bus | None = None,
    reconnect_grace: float = 30.0,
    clock: Clock | None = None,
    on_participant_joined: Hook | None = None,
    on_participant_left: Hook | None = None,
    on_room_ended: Hook | None = None,
) -> SignalingService:
    """Add `/ws`; returns the service (also at `app[SIGNALING]`) for ending rooms and removing people."""
    media = MediaEngine(
        ice_addresses=ice_addresses,
        ice_servers=ice_servers,
        baseline_relay=baseline_relay,
        forwarding=forwarding,
        repair=repair,
        layout=layout,
    )
    service = SignalingService(secret=secret, media=media, bus=bus or MemoryBus(), reconnect_grace=reconnect_grace, clock=clock)
    for hooks, hook in (
        (service.on_participant_joined, on_participant_joined),
        (service.on_participant_left, on_participant_left),
        (service.on_room_ended, on_room_ended),
    ):
        if hook is not None:
            hooks.append(hook)
    app[SIGNALING] = service
    app[LIVE_CALLS] = service  # what rooms' views and recorder use of the calls (hub.rooms.live_calls)
    app[MEDIA] = media
    app[ALLOWED_ORIGIN] = allowed_origin if callable(allowed_origin) else allowed_origin.rstrip("/")
    app.router.add_get("/ws", websocket)

    async def close_sockets(app: web.Application) -> None:
        # WebSocket handlers would otherwise hold shutdown until the clients hang up. Each client is told why first.
        await service.shutting_down("server_stopped")
        for conn in list(service.connections):
            await conn.close()

    async def close_media(app: web.Application) -> AsyncIterator[None]:
        yield
        await service.close()

    app.on_shutdown.append(close_sockets)
    app.cleanup_ctx.append(close_media)
    return service
