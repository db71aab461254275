"""Wire the documents part: access rules and loaders, labels, routes, the clue page's documents section, home tiles."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import subprocess
from typing import Any

import structlog
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases.interface import CASES, CLUE_PAGE_PARTS
from hub.documents import access, service, views
from hub.documents.labels import DOCUMENT_LABELS
from hub.documents.models import Document, Transmission
from hub.documents.waiting import waiting
from hub.http.keys import HOME_TILES, HOME_TODOS, LABELS, POLICY, HomeTile, TodoItem
from hub.i18n import N_

log = structlog.get_logger("hub.documents")


async def clue_page_part(session: AsyncSession, actor: Actor, clue: Any) -> tuple[str, dict[str, Any]] | None:
    """The documents section of a clue's page (the cases part includes it)."""
    return "documents/_clue_part.html", {"case_id": clue.id, "documents": await service.documents_of_case(session, clue.id)}


def chinese_fonts() -> list[str]:
    """The font families fontconfig offers for simplified Chinese (what WeasyPrint will print with)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    found = subprocess.run(  # noqa: S603 - a fixed command, no input from anyone
        [fc_list, ":lang=zh-cn", "family"], capture_output=True, text=True, timeout=30, check=False
    )
    return [line for line in found.stdout.splitlines() if line.strip()]


async def check_fonts(app: web.Application) -> None:
    """No silent failure: a hub that would print boxes instead of Chinese says so when it starts."""
    families = await asyncio.to_thread(chinese_fonts)
    if not any("CJK" in f for f in families):
        log.error("documents_without_chinese_font", fix="apt-get install fonts-noto-cjk libharfbuzz-subset0", found=families)


def _sees_documents(actor: object) -> bool:
    return bool(getattr(actor, "is_staff", False)) and not bool(getattr(actor, "is_admin", False))


async def todo(app: web.Application, session: AsyncSession, actor: Actor, now: dt.datetime) -> list[TodoItem]:
    """The home page's to-do list: documents whose approval step is this person's, and those sent to their unit."""
    found = await waiting(session, app[POLICY], app[CASES], actor, limit=50)
    items = []
    if found.to_sign:
        links = tuple((d.title, f"/documents/{d.id}") for d in found.to_sign[:8])
        items.append(
            TodoItem(N_("Documents waiting for your signature"), len(found.to_sign), "/documents/waiting", True, 20, links)
        )
    if found.to_receive:
        items.append(
            TodoItem(N_("Documents sent to your unit to receive"), len(found.to_receive), "/documents/waiting", order=21)
        )
    return items


def setup(app: web.Application) -> None:
    policy = app[POLICY]
    policy.register(Document, access.DocumentRule())
    policy.register(Transmission, access.TransmissionRule())

    async def document(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Document:
        return await access.load_document(session, policy, actor, object_id)

    async def transmission(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Transmission:
        return await access.load_transmission(session, policy, actor, object_id)

    policy.register_loader("document", document)
    policy.register_loader("document_transmission", transmission)
    app[LABELS].update(DOCUMENT_LABELS)
    app.router.add_routes(views.routes.table)
    app.setdefault(CLUE_PAGE_PARTS, []).append(clue_page_part)
    app.on_startup.append(check_fonts)
    app[HOME_TODOS].append(todo)
    app[HOME_TILES].append(
        HomeTile(
            N_("Documents waiting for me"),
            "/documents/waiting",
            N_("Documents whose approval step is yours to sign, and documents sent to your unit to receive."),
            _sees_documents,
            order=26,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Document search"),
            "/documents/search",
            N_("Find a phrase in every document of the cases you may see."),
            _sees_documents,
            order=27,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Received documents"),
            "/transmissions",
            N_("Documents other units sent to yours (移送), with their receipts."),
            _sees_documents,
            order=28,
        )
    )
