"""Wire the organisation chart into the app."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.http.keys import HOME_TILES, LABELS, POLICY, HomeTile
from hub.i18n import N_
from hub.org import services, views
from hub.org.keys import ORG_PAGE_PARTS
from hub.org.models import ORG_LABELS, OrgUnit
from hub.org.rules import OrgUnitRule


def setup(app: web.Application) -> None:
    app[LABELS].update(ORG_LABELS)
    policy = app[POLICY]
    policy.register(OrgUnit, OrgUnitRule())

    async def unit(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> OrgUnit:
        return await services.get_unit(session, policy, actor, object_id, for_update=for_update)

    policy.register_loader("org_unit", unit)
    app.setdefault(ORG_PAGE_PARTS, [])
    app.router.add_routes(views.routes.table)
    app[HOME_TILES].append(
        HomeTile(
            N_("Organisation"),
            "/org",
            N_("Offices, joint review-and-trial groups, stationed groups, supervised units, townships and rooms."),
            lambda actor: actor.is_staff,
            order=90,
        )
    )
