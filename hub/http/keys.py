"""Typed keys for what the application holds (no module-level state)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from hub.access.actor import Actor
    from hub.access.policy import Policy
    from hub.clock import Clock
    from hub.db import Database
    from hub.i18n import Catalogs
    from hub.settings import Settings


@dataclass(frozen=True)
class HomeTile:
    """One thing a role may do, shown on the home page. Parts register their own."""

    title: str  # English message id, translated at render time
    href: str
    description: str
    visible: Callable[[Actor], bool]
    order: int = 100


@dataclass(frozen=True)
class TodoItem:
    """One thing that waits for the signed-in person, on the home page's to-do list: a count and where to go."""

    title: str  # English message id, translated at render time
    count: int
    href: str
    urgent: bool = False  # red: past due, or a signature others wait for
    order: int = 100
    items: tuple[tuple[str, str], ...] = ()  # up to a few (text, href) pairs: one click to each
    # parameters of the title; a title with parameters says its number itself (the count is then not shown)
    params: Mapping[str, object] = field(default_factory=dict)


if TYPE_CHECKING:
    import datetime as dt

    from sqlalchemy.ext.asyncio import AsyncSession

    # a part's contribution to the to-do list: what waits for this person now (an empty list: nothing)
    TodoSource = Callable[[web.Application, AsyncSession, Actor, dt.datetime], Awaitable[list[TodoItem]]]


class EnumLabels:
    """Labels keyed by (enum class, value): StrEnum members of different parts that share a value
    ("open", "closed") compare equal, so a plain dict would let one part's label overwrite another's."""

    def __init__(self) -> None:
        self._by: dict[tuple[type, str], str] = {}

    def update(self, mapping: Mapping[Enum, str]) -> None:
        for member, label in mapping.items():
            self._by[(type(member), str(member.value))] = label

    def get(self, member: object) -> str:
        if isinstance(member, Enum):
            return self._by.get((type(member), str(member.value)), str(member.value))
        return str(member)


@dataclass(frozen=True)
class Readiness:
    """One part's answer to "can the hub do its work now?" (the store, the recorders); `/readyz` gathers them."""

    name: str
    ok: bool
    detail: dict[str, Any] = field(default_factory=dict)


ReadinessCheck = Callable[[], Awaitable[Readiness]]


# (a page's HTML, the static folder) -> its PDF, A4 as the page's print CSS says; blocks: call in a thread. The wiring
# sets the documents part's WeasyPrint renderer, which the parts beside or below documents may not import.
PagePdf = Callable[[str, Path], bytes]
PAGE_PDF: web.AppKey[PagePdf] = web.AppKey("page_pdf")
SETTINGS: web.AppKey[Settings] = web.AppKey("settings")
DB: web.AppKey[Database] = web.AppKey("db")
POLICY: web.AppKey[Policy] = web.AppKey("policy")
CLOCK: web.AppKey[Clock] = web.AppKey("clock")
CATALOGS: web.AppKey[Catalogs] = web.AppKey("catalogs")
SECRET: web.AppKey[bytes] = web.AppKey("secret")
HOME_TILES: web.AppKey[list[HomeTile]] = web.AppKey("home_tiles")
HOME_TODOS: web.AppKey[list[TodoSource]] = web.AppKey("home_todos", list)  # each part adds its own
# English labels (message ids) of enum values shown in pages; each part adds its own
LABELS: web.AppKey[EnumLabels] = web.AppKey("labels")
# readiness checks the parts register (the database is checked by /readyz itself)
READINESS: web.AppKey[list[ReadinessCheck]] = web.AppKey("readiness")


# What a request carries, set by the middlewares.
REQUEST_ID: web.RequestKey[str] = web.RequestKey("request_id", str)
LOCALE: web.RequestKey[str] = web.RequestKey("locale", str)
CSRF_TOKEN: web.RequestKey[str] = web.RequestKey("csrf_token", str)
ACTOR: web.RequestKey[Actor] = web.RequestKey("actor", object)  # type: ignore[arg-type]
SESSION_STAGE: web.RequestKey[str] = web.RequestKey("session_stage", str)
