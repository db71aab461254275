"""What the cases part keeps on the app."""

from __future__ import annotations

from aiohttp import web

from hub.cases.access import CaseContext

CASES: web.AppKey[CaseContext] = web.AppKey("cases", CaseContext)
