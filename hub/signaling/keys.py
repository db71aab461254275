"""Typed keys for what signaling keeps in the app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from hub.rooms.media import MediaEngine
    from hub.signaling.service import SignalingService

SIGNALING: web.AppKey[SignalingService] = web.AppKey("signaling")
MEDIA: web.AppKey[MediaEngine] = web.AppKey("media")
ALLOWED_ORIGIN: web.AppKey[str] = web.AppKey("signaling_allowed_origin")
