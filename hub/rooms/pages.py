"""What the rooms' pages share: a page rendered by the handler itself (a status, never cached) and a form's page shown
again after a mistake, with the error and what was typed (``again=`` of a declared view)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web

from hub.errors import HubError
from hub.http.views import AgainPage, Call

Context = Callable[[Call[Any]], Awaitable[dict[str, Any]]]


def page(call: Call[Any], template: str, context: dict[str, Any], *, status: int = 200, no_store: bool = False) -> web.Response:
    """``no_store``: a page that holds something shown once (an enrolment code) or a live call's configuration."""
    response = aiohttp_jinja2.render_template(template, call.request, context, status=status)
    if no_store:
        response.headers["Cache-Control"] = "no-store"
    return response


def form_again(template: str, context: Context, *, refill: bool = True) -> AgainPage:
    """The form's page again: its usual context, the field errors (or the message under "form"), and unless
    ``refill`` is off (a one-time code is not echoed back) the fields as typed, with the error's status."""

    async def again(call: Call[Any], exc: HubError) -> web.StreamResponse:
        shown = {**await context(call), "errors": exc.fields or {"form": exc.message}}
        if refill:
            shown["form"] = call.raw
        return page(call, template, shown, status=exc.status)

    return again
