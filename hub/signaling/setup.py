"""Wire signaling and media into an app: the `/ws` route, the service, and their shutdown."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

from aiohttp import web

from hub.auth.interface import TELL_OTHERS, check_now
from hub.clock import Clock
from hub.http.keys import READINESS
from hub.media.interface import MediaEngine, SlotLayout
from hub.rooms.interface import LIVE_CALLS
from hub.signaling.bus import Bus, MemoryBus
from hub.signaling.cluster import Cluster, ClusterCalls
from hub.signaling.handler import websocket
from hub.signaling.keys import ALLOWED_ORIGIN, CLUSTER, MEDIA, SIGNALING
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
    redis_url: str | None = None,
    redis_namespace: str = "hub",
    node_id: str | None = None,
    heartbeat_seconds: float = 1.0,
) -> SignalingService:
    """Add `/ws`; returns the service (also at `app[SIGNALING]`) for ending rooms and removing people.

    With `redis_url` this process is one node of a hub of several (`hub.signaling.cluster`): `node_id` names it."""
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
    if redis_url:
        _cluster(app, service, redis_url, redis_namespace, node_id or _default_node_id(), secret, clock, heartbeat_seconds)
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
    if CLUSTER in app:
        app.on_shutdown.insert(0, _leave_cluster)  # before close_sockets tells every socket to come back
        app.cleanup_ctx.append(_run_cluster)  # after close_media: it is unwound first (the relays go before the media)
    return service


def _default_node_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _cluster(
    app: web.Application,
    service: SignalingService,
    redis_url: str,
    namespace: str,
    node_id: str,
    secret: str | bytes,
    clock: Clock | None,
    heartbeat_seconds: float,
) -> None:
    cluster = Cluster(
        service,
        redis_url=redis_url,
        namespace=namespace,
        node_id=node_id,
        secret=secret,
        clock=clock,
        heartbeat_seconds=heartbeat_seconds,
    )
    app[CLUSTER] = cluster
    app[LIVE_CALLS] = ClusterCalls(cluster)
    # a sign-out (or disable, revoke) on any process closes the session's sockets on every process at once
    app.setdefault(TELL_OTHERS, []).append(cluster.sessions_ended)

    async def check_here() -> None:
        await check_now(app, tell_others=False)

    cluster.on_sessions_ended = check_here
    if READINESS in app:
        app[READINESS].append(cluster.readiness)


async def _leave_cluster(app: web.Application) -> None:
    await app[CLUSTER].leave()


async def _run_cluster(app: web.Application) -> AsyncIterator[None]:
    cluster = app[CLUSTER]
    await cluster.start()
    yield
    await cluster.close()
