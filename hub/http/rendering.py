"""What every page template sees, whether rendered by a handler or by the error middleware."""

from __future__ import annotations

from aiohttp import web

from hub.access.actor import ANONYMOUS
from hub.http.keys import ACTOR, CSRF_TOKEN, LOCALE, SETTINGS


async def page_context(request: web.Request) -> dict[str, object]:
    settings = request.app[SETTINGS]
    return {
        "actor": request.get(ACTOR, ANONYMOUS),
        "locale": request.get(LOCALE, settings.default_locale),
        "csrf_token": request.get(CSRF_TOKEN, ""),
        "demo": settings.demo,
        "request_path": request.path_qs,
    }
