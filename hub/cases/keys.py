"""What the cases part keeps on the app."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases.access import CaseContext
from hub.cases.holidays import NextYearNotice

CASES: web.AppKey[CaseContext] = web.AppKey("cases", CaseContext)
# the warning that next year's holiday table is missing, logged once per process
HOLIDAY_NOTICE: web.AppKey[NextYearNotice] = web.AppKey("holiday_notice", NextYearNotice)

# Parts above cases add their own sections to a clue's page (the documents part: its documents): each returns the
# template to include and its context, or None to add nothing. Called with the clue already loaded and checked.
CluePagePart = Callable[[AsyncSession, Actor, Any], Awaitable[tuple[str, dict[str, Any]] | None]]
CLUE_PAGE_PARTS: web.AppKey[list[CluePagePart]] = web.AppKey("clue_page_parts")
