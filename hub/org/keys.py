"""What the organisation part keeps on the app."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor

# Parts above org add their own sections to the organisation page (the rooms part: its rooms), as page context.
OrgPagePart = Callable[[AsyncSession, Actor], Awaitable[dict[str, Any]]]
ORG_PAGE_PARTS: web.AppKey[list[OrgPagePart]] = web.AppKey("org_page_parts")
