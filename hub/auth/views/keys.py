"""Hardware security keys over HTTP: the key step of sign-in, enrolment, and the administrator's key tools.

The key step and enrolment are open to anyone by ``who`` and guarded by the sign-in's own state: the key step only
for a session whose password was accepted (SECOND_FACTOR), enrolment for a session at the ENROL step or a signed-in
person; anyone else is refused before a body is read. The key tools act on one staff account ("user"): viewing keys
is ``view_keys``, revoking and issuing an enrolment ``manage_keys`` (``UserRule``). The browser half is
web/static/js/auth/ceremony.js; the checks are in hub.auth.security_keys.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.auth import challenges, live, security_keys, sessions
from hub.auth.middleware import PENDING, timeouts_of
from hub.auth.models import ChallengePurpose, SecurityKey, SessionStage, User
from hub.auth.signin import after_password, relying_party, set_session_cookie
from hub.errors import Forbidden, Unauthenticated
from hub.http.context import actor_of, policy_of, safe_next
from hub.http.keys import SETTINGS
from hub.http.views import Call, Permission, Routes, Who, in_transaction

routes = Routes()
SEE_KEYS = Permission("view_keys", "user")
# revoking and issuing end the owner's sessions, whose sockets close once that is committed (close_ended_sessions)
MANAGE_KEYS = Permission("manage_keys", "user")
MANAGE_KEYS_OF = Permission("manage_keys", "user", key="user_id")


class EnrolBody(BaseModel):
    name: str = Field("", max_length=60)
    credential: dict[str, Any]
    next: str = Field("", max_length=500)
    code: str = Field("", max_length=40)  # the one-time enrolment code, for a first key


class SignInBody(BaseModel):
    credential: dict[str, Any]
    next: str = Field("", max_length=500)


def _pending(request: web.Request, stage: SessionStage) -> sessions.Loaded | None:
    loaded: sessions.Loaded | None = request.get(PENDING)
    return loaded if loaded is not None and loaded.stage is stage else None


def at_key_step(request: web.Request) -> sessions.Loaded:
    """The session whose password was accepted and whose key is still to come; anyone else must sign in."""
    loaded = _pending(request, SessionStage.SECOND_FACTOR)
    if loaded is None:
        raise Unauthenticated("unauthenticated", "Please sign in.")
    return loaded


def enroller(request: web.Request) -> tuple[int, str, bool]:
    """Who is enrolling: (user id, web-session id, first key?) — a session at the ENROL step, or a signed-in person."""
    loaded = _pending(request, SessionStage.ENROL)
    if loaded is not None and loaded.actor.session_id:
        return int(loaded.actor.user_id or 0), loaded.actor.session_id, True
    actor = actor_of(request)
    if not actor.is_staff:
        raise Unauthenticated("unauthenticated", "Please sign in.")
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


def _step_page(call: Call[None], stage: SessionStage) -> dict[str, Any]:
    pending = _pending(call.request, stage)
    if pending is None:
        raise web.HTTPSeeOther("/signin")
    return {"next": safe_next(call.query("next")), "pending": pending.actor}


@routes.get("/signin/key", who=Who.ANYONE, tx=False, template="auth/key.html", summary="The key step of sign-in.")
async def key_page(call: Call[None]) -> dict[str, Any]:
    return _step_page(call, SessionStage.SECOND_FACTOR)


@routes.get("/signin/enrol", who=Who.ANYONE, tx=False, template="auth/enrol.html", summary="Enrol a first key.")
async def enrol_page(call: Call[None]) -> dict[str, Any]:
    return {**_step_page(call, SessionStage.ENROL), "first": True}


@routes.get("/security-keys", template="auth/keys.html", summary="Keys: every account's (administrators), or one's own.")
async def keys_page(call: Call[None]) -> dict[str, Any]:
    """Administrators: every account's keys with last use; everyone else: their own keys."""
    policy, s = policy_of(call.request), call.db
    users = (await s.scalars(select(User).where(policy.where(call.actor, "view_keys", User)).order_by(User.username))).all()
    keys = (
        await s.scalars(select(SecurityKey).where(SecurityKey.user_id.in_([u.id for u in users])).order_by(SecurityKey.id))
    ).all()
    by_user: dict[int, list[SecurityKey]] = {}
    for key in keys:
        by_user.setdefault(key.user_id, []).append(key)
    return {
        "users": users,
        "keys": by_user,
        "may_manage": {u.id: policy.may(call.actor, "manage_keys", u) for u in users},
        "key_required": call.app[SETTINGS].security_key_required,
        "issued": None,
    }


@routes.post("/security-keys/{user_id}/keys/{key_id}/revoke", permission=MANAGE_KEYS_OF, summary="Revoke a lost key.")
async def revoke_form(call: Call[None]) -> str:
    await security_keys.revoke(call.db, policy_of(call.request), call.actor, call.target.id, call.int("key_id"), call.now)
    live.close_ended_sessions(call)
    return "/security-keys"


@routes.post(
    "/security-keys/{user_id}/enrolment", permission=MANAGE_KEYS_OF, template="auth/keys.html",
    summary="Issue a one-time enrolment code (shown once).",
)  # fmt: skip
async def enrolment_form(call: Call[None]) -> dict[str, Any]:
    rp = relying_party(call.app)
    issued = await security_keys.issue_enrolment(call.db, policy_of(call.request), call.actor, call.target.id, rp, call.now)
    live.close_ended_sessions(call)
    return {**await keys_page(call), "issued": {"user": call.target, "code": issued.code, "expires_at": issued.grant.expires_at}}


# --- the ceremonies (JSON, called by ceremony.js) -------------------------------------------------


@routes.post("/api/v1/webauthn/enrol/options", who=Who.ANYONE, guard=enroller, summary="Options to enrol a key.")
async def enrol_options(call: Call[None]) -> web.Response:
    user_id, web_session_id, first = enroller(call.request)
    rp, s = relying_party(call.app), call.db
    user = await s.get(User, user_id)
    assert user is not None
    if first and not await security_keys.may_enrol_first_key(s, rp, user, call.now):
        raise Unauthenticated("unauthenticated", "Please sign in.")
    if not first and not await security_keys.assertion_is_fresh(s, web_session_id, call.now):
        raise Forbidden("not_fresh", security_keys.NOT_FRESH)
    existing = await security_keys.active_keys(s, user.id)
    challenge = await challenges.issue(s, web_session_id, ChallengePurpose.ENROL, call.now)
    return web.json_response(security_keys.registration_options(rp, user, challenge, existing))


@routes.post("/api/v1/webauthn/enrol", who=Who.ANYONE, guard=enroller, body=EnrolBody, tx=False, summary="Enrol a key.")
async def enrol_finish(call: Call[EnrolBody]) -> web.Response:
    user_id, web_session_id, first = enroller(call.request)
    body, request, rp, now = call.body, call.request, relying_party(call.app), call.now
    # committed on its own: a refused answer still uses the challenge up
    challenge = await in_transaction(request, lambda s: challenges.take(s, web_session_id, ChallengePurpose.ENROL, now))
    if challenge is None:
        raise security_keys.KeyRefused("no open enrolment challenge")

    async def enrol(s: AsyncSession) -> tuple[dict[str, Any], str | None]:
        user = await s.get(User, user_id)
        assert user is not None
        if first and not await security_keys.may_enrol_first_key(s, rp, user, now):
            raise Unauthenticated("unauthenticated", "Please sign in.")
        if first:
            await security_keys.check_code(s, user, body.code, now)
        elif not await security_keys.assertion_is_fresh(s, web_session_id, now):
            raise Forbidden("not_fresh", security_keys.NOT_FRESH)
        key = await security_keys.enrol(
            s, rp, user, body.credential, challenge, name=body.name, now=now,
            actor=audit.AuditActor(user.id, f"user:{user.username}"),
        )  # fmt: skip
        token = None
        if first:
            # the new key must now prove itself: the session moves on to the key step, under a new id
            token = await sessions.start(
                s, user, now, timeouts_of(request.app), stage=SessionStage.SECOND_FACTOR,
                user_agent=request.headers.get("User-Agent", ""),
            )  # fmt: skip
            await sessions.end_by_id(s, web_session_id, now)
        return key_json(key), token

    data, token = await in_transaction(request, enrol)
    next_path = safe_next(body.next)
    response = web.json_response(
        {"ok": True, "key": data, "next": after_password(SessionStage.SECOND_FACTOR, next_path) if first else "/security-keys"}
    )
    if token is not None:
        set_session_cookie(request, response, token)
    return response


@routes.post("/api/v1/webauthn/sign-in/options", who=Who.ANYONE, guard=at_key_step, summary="Options for the key step.")
async def sign_in_options(call: Call[None]) -> web.Response:
    pending = at_key_step(call.request)
    assert pending.actor.user_id is not None and pending.actor.session_id is not None
    keys = await security_keys.active_keys(call.db, pending.actor.user_id)
    challenge = await challenges.issue(call.db, pending.actor.session_id, ChallengePurpose.SIGN_IN, call.now)
    return web.json_response(security_keys.authentication_options(relying_party(call.app), challenge, keys))


@routes.post("/api/v1/webauthn/sign-in", who=Who.ANYONE, guard=at_key_step, body=SignInBody, tx=False, summary="Show the key.")
async def sign_in_finish(call: Call[SignInBody]) -> web.Response:
    pending = at_key_step(call.request)
    user_id, session_id = pending.actor.user_id, pending.actor.session_id
    assert user_id is not None and session_id is not None
    body, request, rp, now = call.body, call.request, relying_party(call.app), call.now
    # committed on its own: a refused answer still uses the challenge up
    challenge = await in_transaction(request, lambda s: challenges.take(s, session_id, ChallengePurpose.SIGN_IN, now))
    if challenge is None:
        raise security_keys.KeyRefused("no open sign-in challenge")

    async def complete(s: AsyncSession) -> str:
        user = await s.get(User, user_id)
        assert user is not None
        key = await security_keys.authenticate(s, rp, user, body.credential, challenge, now=now)
        # a new session id at the moment the person is fully signed in; the half-way session ends
        token = await sessions.start(
            s, user, now, timeouts_of(request.app), stage=SessionStage.COMPLETE,
            user_agent=request.headers.get("User-Agent", ""), security_key_id=key.id,
        )  # fmt: skip
        await sessions.end_by_id(s, session_id, now)
        await audit.record(
            s, audit.AuditActor(user.id, f"user:{user.username}"), "session.complete", "user", user.id,
            {"key_id": key.id}, at=now,
        )  # fmt: skip
        return token

    try:
        token = await in_transaction(request, complete)
    except security_keys.KeyRefused as exc:
        if exc.counter_regressed:
            # a counter that went back means two keys share one secret: the administrator must know
            noted = {"reason": exc.reason}
            await in_transaction(
                request,
                lambda s: audit.record(s, pending.actor.audit, "security_key.counter_regressed", "user", user_id, noted, at=now),
            )
        raise
    response = web.json_response({"ok": True, "next": safe_next(body.next)})
    set_session_cookie(request, response, token)
    return response


# --- administration (JSON) -------------------------------------------------------------------------


@routes.get("/api/v1/staff/{id}/keys", permission=SEE_KEYS, summary="An account's keys, revoked ones included.")
async def api_keys(call: Call[None]) -> web.Response:
    _user, keys = await security_keys.list_keys(call.db, policy_of(call.request), call.actor, call.target.id)
    return web.json_response({"items": [key_json(k) for k in keys]})


@routes.delete("/api/v1/staff/{id}/keys/{key_id}", permission=MANAGE_KEYS, summary="Revoke a lost key.")
async def api_revoke(call: Call[None]) -> web.Response:
    ended = await security_keys.revoke(call.db, policy_of(call.request), call.actor, call.target.id, call.int("key_id"), call.now)
    live.close_ended_sessions(call)
    return web.json_response({"ok": True, "sessions_ended": ended})


@routes.post("/api/v1/staff/{id}/enrolment", permission=MANAGE_KEYS, summary="Issue a one-time enrolment.")
async def api_issue_enrolment(call: Call[None]) -> web.Response:
    rp = relying_party(call.app)
    issued = await security_keys.issue_enrolment(call.db, policy_of(call.request), call.actor, call.target.id, rp, call.now)
    live.close_ended_sessions(call)
    grant = issued.grant
    return web.json_response({"id": grant.id, "code": issued.code, "expires_at": grant.expires_at.isoformat()}, status=201)
