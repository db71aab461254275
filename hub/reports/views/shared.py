"""What the pages of the reports part share: the contexts, labels of stored values, and unit names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases.interface import CASES, ClueSource, ClueState, Colour, OfficeDirectory
from hub.http.keys import CATALOGS, LABELS
from hub.org.interface import OrgUnit, UnitKind


def offices_of(app: web.Application) -> OfficeDirectory:
    return app[CASES].offices


def zh(app: web.Application) -> Callable[[str], str]:
    """Chinese wording for what is written into a record (a prefilled report reads the same for everyone)."""
    return app[CATALOGS].get("zh_CN").gettext


def label_of(app: web.Application) -> Callable[[object], str]:
    """An enum member's label in the reader's language (as the templates' ``label`` filter)."""
    labels, catalogs = app[LABELS], app[CATALOGS]
    return lambda member: catalogs.gettext(labels.get(member))


async def unit_names(session: AsyncSession, locale: str) -> dict[int, str]:
    rows = (await session.scalars(select(OrgUnit).where(OrgUnit.kind != UnitKind.STATIONED_GROUP))).all()
    return {u.id: u.name(locale) for u in rows}


def _enum(kind: type[Any]) -> Callable[[str | None], Any]:
    def convert(value: str | None) -> Any:
        try:
            return kind(value)
        except ValueError:
            return value or "—"

    return convert


TEMPLATE_HELPERS = {"as_source": _enum(ClueSource), "as_state": _enum(ClueState), "as_colour": _enum(Colour)}
