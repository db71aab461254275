"""Hardware security keys over HTTP: the key step of sign-in, enrolment, and the administrator's key tools.

The browser half is web/static/js/auth/ceremony.js; the checks are in hub.auth.security_keys.
"""

from __future__ import annotations

from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub import audit
from hub.auth import challenges, live, security_keys, sessions
from hub.auth.middleware import PENDING, timeouts_of
from hub.auth.models import ChallengePurpose, SecurityKey, SessionStage, User
from hub.auth.views import after_password, relying_party, set_session_cookie
from hub.errors import Unauthenticated
from hub.http.context import db_of, now_of, policy_of, require_staff, safe_next
from hub.http.keys import SETTINGS
from hub.http.responses import see_other
from hub.http.validation import int_param, parse_json

routes = web.RouteTableDef()


class EnrolBody(BaseModel):
    name: str = Field("", max_length=60)
    credential: dict[str, Any]
    next: str = Field("", max_length=500)


class SignInBody(BaseModel):
    credential: dict[str, Any]
    next: str = Field("", max_length=500)


def _pending(request: web.Request, stage: SessionStage) -> sessions.Loaded:
    loaded: sessions.Loaded | None = request.get(PENDING)
    if loaded is None or loaded.stage is not stage:
        raise Unauthenticated("unauthenticated", "Please sign in.")
    return loaded


def _enroller(request: web.Request) -> tuple[int, str, bool]:
    """Who is enrolling: (user id, web-session id, first key?) — a session at the ENROL step, or a signed-in person."""
    loaded = request.get(PENDING)
    if loaded is not None and loaded.stage is SessionStage.ENROL and loaded.actor.session_id:
        return int(loaded.actor.user_id or 0), loaded.actor.session_id, True
    actor = require_staff(request)
    assert actor.user_id is not None and actor.session_id is not None
    return actor.user_id, actor.session_id, False


def key_json(key: SecurityKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "aaguid": key.aaguid,
        "attestation_format": key.attestation_format,
        "created_at": key.created_at.isoformat(),
        "last_used_at": key.last_used_at.isoformat() if key.last_used_at else None,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


# --- pages ------------------------------------------------------------------------------------


@routes.get("/signin/key")
async def key_page(request: web.Request) -> web.StreamResponse:
    if request.get(PENDING) is None or request[PENDING].stage is not SessionStage.SECOND_FACTOR:
        return see_other("/signin")
    context = {"next": safe_next(request.query.get("next")), "pending": request[PENDING].actor}
    return aiohttp_jinja2.render_template("auth/key.html", request, context)


@routes.get("/signin/enrol")
async def enrol_page(request: web.Request) -> web.StreamResponse:
    if request.get(PENDING) is None or request[PENDING].stage is not SessionStage.ENROL:
        return see_other("/signin")
    context = {"next": safe_next(request.query.get("next")), "pending": request[PENDING].actor, "first": True}
    return aiohttp_jinja2.render_template("auth/enrol.html", request, context)


@routes.get("/security-keys")
@aiohttp_jinja2.template("auth/keys.html")
async def keys_page(request: web.Request) -> dict[str, Any]:
    """Administrators: every account's keys with last use; everyone else: their own keys."""
    actor = require_staff(request)
    policy = policy_of(request)
    async with db_of(request).transaction(write=False) as s:
        users = (await s.scalars(select(User).where(policy.where(actor, "view_keys", User)).order_by(User.username))).all()
        keys = (
            await s.scalars(select(SecurityKey).where(SecurityKey.user_id.in_([u.id for u in users])).order_by(SecurityKey.id))
        ).all()
    by_user: dict[int, list[SecurityKey]] = {}
    for key in keys:
        by_user.setdefault(key.user_id, []).append(key)
    return {
        "users": users,
        "keys": by_user,
        "may_manage": {u.id: policy.may(actor, "manage_keys", u) for u in users},
        "key_required": request.app[SETTINGS].security_key_required,
    }


@routes.post("/security-keys/{user_id}/keys/{key_id}/revoke")
async def revoke_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    user_id, key_id = int_param(request, "user_id"), int_param(request, "key_id")
    async with db_of(request).transaction() as s:
        await security_keys.revoke(s, policy_of(request), actor, user_id, key_id, now_of(request))
    await live.check_now(request.app)
    return see_other("/security-keys")


@routes.post("/security-keys/{user_id}/enrolment")
async def enrolment_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    user_id = int_param(request, "user_id")
    async with db_of(request).transaction() as s:
        await security_keys.issue_enrolment(s, policy_of(request), actor, user_id, relying_party(request.app), now_of(request))
    await live.check_now(request.app)
    return see_other("/security-keys")


# --- the ceremonies (JSON, called by ceremony.js) -------------------------------------------------


@routes.post("/api/v1/webauthn/enrol/options")
async def enrol_options(request: web.Request) -> web.Response:
    user_id, web_session_id, first = _enroller(request)
    rp, now = relying_party(request.app), now_of(request)
    async with db_of(request).transaction() as s:
        user = await s.get(User, user_id)
        assert user is not None
        if first and not await security_keys.may_enrol_first_key(s, rp, user, now):
            raise Unauthenticated("unauthenticated", "Please sign in.")
        existing = await security_keys.active_keys(s, user.id)
        challenge = await challenges.issue(s, web_session_id, ChallengePurpose.ENROL, now)
    return web.json_response(security_keys.registration_options(rp, user, challenge, existing))


@routes.post("/api/v1/webauthn/enrol")
async def enrol_finish(request: web.Request) -> web.Response:
    user_id, web_session_id, first = _enroller(request)
    body = await parse_json(request, EnrolBody)
    rp, now, db = relying_party(request.app), now_of(request), db_of(request)
    async with db.transaction() as s:  # committed on its own: a refused answer still uses the challenge up
        challenge = await challenges.take(s, web_session_id, ChallengePurpose.ENROL, now)
    if challenge is None:
        raise security_keys.KeyRefused("no open enrolment challenge")
    async with db.transaction() as s:
        user = await s.get(User, user_id)
        assert user is not None
        if first and not await security_keys.may_enrol_first_key(s, rp, user, now):
            raise Unauthenticated("unauthenticated", "Please sign in.")
        key = await security_keys.enrol(
            s,
            rp,
            user,
            body.credential,
            challenge,
            name=body.name,
            now=now,
            actor=audit.AuditActor(user.id, f"user:{user.username}"),
        )
        token = None
        if first:
            # the new key must now prove itself: the session moves on to the key step, under a new id
            token = await sessions.start(
                s,
                user,
                now,
                timeouts_of(request.app),
                stage=SessionStage.SECOND_FACTOR,
                user_agent=request.headers.get("User-Agent", ""),
            )
            await sessions.end_by_id(s, web_session_id, now)
        data = key_json(key)
    next_path = safe_next(body.next)
    response = web.json_response(
        {"ok": True, "key": data, "next": after_password(SessionStage.SECOND_FACTOR, next_path) if first else "/security-keys"}
    )
    if token is not None:
        set_session_cookie(request, response, token)
    return response


@routes.post("/api/v1/webauthn/sign-in/options")
async def sign_in_options(request: web.Request) -> web.Response:
    pending = _pending(request, SessionStage.SECOND_FACTOR)
    assert pending.actor.user_id is not None and pending.actor.session_id is not None
    rp, now = relying_party(request.app), now_of(request)
    async with db_of(request).transaction() as s:
        keys = await security_keys.active_keys(s, pending.actor.user_id)
        challenge = await challenges.issue(s, pending.actor.session_id, ChallengePurpose.SIGN_IN, now)
    return web.json_response(security_keys.authentication_options(rp, challenge, keys))


@routes.post("/api/v1/webauthn/sign-in")
async def sign_in_finish(request: web.Request) -> web.Response:
    pending = _pending(request, SessionStage.SECOND_FACTOR)
    assert pending.actor.user_id is not None and pending.actor.session_id is not None
    body = await parse_json(request, SignInBody)
    rp, now, db = relying_party(request.app), now_of(request), db_of(request)
    async with db.transaction() as s:  # committed on its own: a refused answer still uses the challenge up
        challenge = await challenges.take(s, pending.actor.session_id, ChallengePurpose.SIGN_IN, now)
    if challenge is None:
        raise security_keys.KeyRefused("no open sign-in challenge")
    try:
        async with db.transaction() as s:
            user = await s.get(User, pending.actor.user_id)
            assert user is not None
            key = await security_keys.authenticate(s, rp, user, body.credential, challenge, now=now)
            # a new session id at the moment the person is fully signed in; the half-way session ends
            token = await sessions.start(
                s,
                user,
                now,
                timeouts_of(request.app),
                stage=SessionStage.COMPLETE,
                user_agent=request.headers.get("User-Agent", ""),
                security_key_id=key.id,
            )
            await sessions.end_by_id(s, pending.actor.session_id, now)
            await audit.record(
                s,
                audit.AuditActor(user.id, f"user:{user.username}"),
                "session.complete",
                "user",
                user.id,
                {"key_id": key.id},
                at=now,
            )
    except security_keys.KeyRefused as exc:
        if exc.counter_regressed:
            # a counter that went back means two keys share one secret: the administrator must know
            async with db.transaction() as s:
                await audit.record(
                    s,
                    pending.actor.audit,
                    "security_key.counter_regressed",
                    "user",
                    pending.actor.user_id,
                    {"reason": exc.reason},
                    at=now,
                )
        raise
    response = web.json_response({"ok": True, "next": safe_next(body.next)})
    set_session_cookie(request, response, token)
    return response


# --- administration (JSON) -------------------------------------------------------------------------


@routes.get("/api/v1/staff/{id}/keys")
async def api_keys(request: web.Request) -> web.Response:
    actor = require_staff(request)
    async with db_of(request).transaction(write=False) as s:
        _user, keys = await security_keys.list_keys(s, policy_of(request), actor, int_param(request, "id"))
    return web.json_response({"items": [key_json(k) for k in keys]})


@routes.delete("/api/v1/staff/{id}/keys/{key_id}")
async def api_revoke(request: web.Request) -> web.Response:
    actor = require_staff(request)
    user_id, key_id = int_param(request, "id"), int_param(request, "key_id")
    async with db_of(request).transaction() as s:
        ended = await security_keys.revoke(s, policy_of(request), actor, user_id, key_id, now_of(request))
    await live.check_now(request.app)
    return web.json_response({"ok": True, "sessions_ended": ended})


@routes.post("/api/v1/staff/{id}/enrolment")
async def api_issue_enrolment(request: web.Request) -> web.Response:
    actor = require_staff(request)
    async with db_of(request).transaction() as s:
        grant = await security_keys.issue_enrolment(
            s, policy_of(request), actor, int_param(request, "id"), relying_party(request.app), now_of(request)
        )
        data = {"id": grant.id, "expires_at": grant.expires_at.isoformat()}
    await live.check_now(request.app)
    return web.json_response(data, status=201)
