"""Typed keys for what the conferences part keeps in the app."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

# registers a (newly scheduled) conference with the live console, so its room is run as a conference
CONSOLE_REGISTRY: web.AppKey[Callable[[int], Awaitable[None]]] = web.AppKey("conference_console_registry")
