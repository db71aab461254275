"""Wire accounts and sessions into the app."""

from __future__ import annotations

from aiohttp import web

from hub.auth import staff_views, views
from hub.auth.models import ROLE_LABELS, User
from hub.auth.rules import UserRule
from hub.http.keys import HOME_TILES, LABELS, POLICY, HomeTile
from hub.i18n import N_


def setup(app: web.Application) -> None:
    app[LABELS].update(ROLE_LABELS)
    app[POLICY].register(User, UserRule())
    app.router.add_routes(views.routes)
    app.router.add_routes(staff_views.routes)
    app[HOME_TILES].append(
        HomeTile(
            N_("Staff"),
            "/staff",
            N_("Colleagues you may see; administrators add, change and disable accounts here."),
            lambda actor: actor.is_staff,
            order=80,
        )
    )
