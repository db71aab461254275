"""Wire accounts, sessions and hardware security keys into the app."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.auth import accounts, live
from hub.auth.audit_log import AuditLog, AuditLogRule
from hub.auth.models import ROLE_LABELS, User
from hub.auth.rules import KeyMetadataRule, KeyMetadataStatus, UserRule
from hub.auth.views import audit, key_metadata, keys, own_sessions, signin, staff
from hub.http.keys import HOME_TILES, LABELS, POLICY, SETTINGS, HomeTile
from hub.i18n import N_


def setup(app: web.Application) -> None:
    app[LABELS].update(ROLE_LABELS)
    policy = app[POLICY]
    policy.register(User, UserRule())

    async def user(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> User:
        return await accounts.get_user(session, policy, actor, object_id, for_update=for_update)

    policy.register_loader("user", user)
    policy.register(AuditLog, AuditLogRule())

    async def the_log(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> AuditLog:
        return AuditLog()

    policy.register_loader("audit_log", the_log)
    policy.register(KeyMetadataStatus, KeyMetadataRule())

    async def the_metadata(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> KeyMetadataStatus:
        return KeyMetadataStatus()

    policy.register_loader("key_metadata", the_metadata)
    for module in (signin, keys, key_metadata, audit, own_sessions, staff):
        app.router.add_routes(module.routes.table)
    live.setup(app)
    # every page's banner asks the settings at render time (tests switch the requirement on an app that exists)
    settings = app[SETTINGS]
    aiohttp_jinja2.get_env(app).globals["security_key_off"] = lambda: not settings.security_key_required
    app[HOME_TILES].append(
        HomeTile(
            N_("Staff"),
            "/staff",
            N_("Colleagues you may see; administrators add, change and disable accounts and grant roles here."),
            lambda actor: actor.is_staff,
            order=80,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Security keys"),
            "/security-keys",
            N_("Your hardware security keys; the security administrator revokes lost ones and issues enrolment codes."),
            lambda actor: actor.is_staff,
            order=85,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Security key metadata"),
            "/security-keys/metadata",
            N_("Which FIDO metadata file is imported, how fresh it is, and which key models it refuses."),
            lambda actor: actor.is_security_admin,
            order=86,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Your sessions"),
            "/sessions",
            N_("Every browser signed in as you; end the ones you do not use."),
            lambda actor: actor.is_staff,
            order=88,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Changes of access"),
            "/staff/changes",
            N_("Every role granted, account added, password reset and enrolment code issued, by whom and when."),
            lambda actor: actor.is_main_leader or actor.is_security_admin or actor.is_audit_admin,
            order=86,
        )
    )
    app[HOME_TILES].append(
        HomeTile(
            N_("Audit log"),
            "/audit",
            N_("Every recorded action, the administrators' own included; case content is not shown."),
            lambda actor: actor.is_audit_admin,
            order=87,
        )
    )
