"""Responses that handlers return (aiohttp deprecates returning HTTPException objects)."""

from __future__ import annotations

from aiohttp import web


def see_other(location: str) -> web.Response:
    """303 to ``location``: after a form post, the browser fetches the next page with GET."""
    return web.Response(status=303, headers={"Location": location})
