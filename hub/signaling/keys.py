"""Typed keys for what signaling keeps in the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from hub.media.interface import MediaEngine
    from hub.signaling.cluster import Cluster
    from hub.signaling.service import SignalingService

SIGNALING: web.AppKey[SignalingService] = web.AppKey("signaling")
MEDIA: web.AppKey[MediaEngine] = web.AppKey("media")
# HUB_BUS=redis: this process as one node of the hub (absent in one process)
CLUSTER: web.AppKey[Cluster] = web.AppKey("signaling_cluster")
# the one Origin a browser's WebSocket may come from; a callable is asked at every upgrade (settings may change)
ALLOWED_ORIGIN: web.AppKey[str | Callable[[], str]] = web.AppKey("signaling_allowed_origin")


def allowed_origin(app: web.Application) -> str:
    value = app[ALLOWED_ORIGIN]
    return value() if callable(value) else value
