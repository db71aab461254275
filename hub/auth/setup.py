"""Wire accounts, sessions and hardware security keys into the app."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.auth import accounts, live
from hub.auth.models import ROLE_LABELS, User
from hub.auth.rules import UserRule
from hub.auth.views import keys, signin, staff
from hub.http.keys import HOME_TILES, LABELS, POLICY, SETTINGS, HomeTile
from hub.i18n import N_


def setup(app: web.Application) -> None:
    app[LABELS].update(ROLE_LABELS)
    policy = app[POLICY]
    policy.register(User, UserRule())

    async def user(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> User:
        return await accounts.get_user(session, policy, actor, object_id, for_update=for_update)

    policy.register_loader("user", user)
    for module in (signin, keys, staff):
        app.router.add_routes(module.routes.table)
    live.setup(app)
    # every page's banner asks the settings at render time (tests switch the requirement on an app that exists)
    settings = app[SETTINGS]
    aiohttp_jinja2.get_env(app).globals["security_key_off"] = lambda: not settings.security_key_required
    app[HOME_TILES].append(
        HomeTile(
            N_("Staff"),
            "/staff",
            N_("Colleagues you may see; administrators add, change and disable accounts here."),
            lambda actor: actor.is_staff,
            order=80,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Security keys"),
            "/security-keys",
            N_("Your hardware security keys; administrators see every account's keys, revoke lost ones and issue enrolments."),
            lambda actor: actor.is_staff,
            order=85,
        )
    )
