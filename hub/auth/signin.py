"""Signing in and out at the HTTP edge: the throttled password check, the session cookie, and the step that follows.

The views of hub/auth/views/ call these; each opens the units of work it needs itself (a failure is recorded even
though the sign-in is refused, and no transaction stays open while a repeated failure is slowed down).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from urllib.parse import urlencode

import structlog
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.auth import accounts, live, security_keys, sessions, throttle
from hub.auth.key_models import approved_models
from hub.auth.middleware import timeouts_of
from hub.auth.models import SessionStage, User
from hub.errors import TooManyRequests, Unauthenticated
from hub.http.context import actor_of, client_address, cookie_name, now_of
from hub.http.keys import SETTINGS
from hub.http.middleware import rotate_csrf
from hub.http.views import in_transaction
from hub.i18n import N_

log = structlog.get_logger("hub.auth")

REFUSAL = N_("The username or password is not right, or the account is not active.")
NO_KEY = N_("Your account has no security key and its enrolment window has closed. Ask the administrator for a new enrolment.")


def _rules(app: web.Application) -> throttle.ThrottleRules:
    s = app[SETTINGS]
    return throttle.ThrottleRules(s.signin_free_failures, s.signin_lockout_failures, s.signin_delay_cap_seconds)


def relying_party(app: web.Application) -> security_keys.RelyingParty:
    s = app[SETTINGS]
    return security_keys.RelyingParty(
        id=s.effective_rp_id,
        name=s.webauthn_rp_name,
        origin=s.effective_origin,
        approved_aaguids=approved_models(s.security_key_aaguids, demo=s.demo),
        enrolment_window=dt.timedelta(hours=s.enrolment_window_hours),
        metadata_required=s.security_key_metadata == "required",
    )


async def _stage_after_password(s: AsyncSession, app: web.Application, user: User, now: dt.datetime) -> SessionStage | None:
    """What a correct password opens: everything (requirement off), the key step, enrolment only, or nothing."""
    if not app[SETTINGS].security_key_required:
        return SessionStage.COMPLETE
    if await security_keys.active_keys(s, user.id):
        return SessionStage.SECOND_FACTOR
    if await security_keys.may_enrol_first_key(s, relying_party(app), user, now):
        return SessionStage.ENROL
    return None


async def sign_in(request: web.Request, username: str, password: str) -> tuple[str, SessionStage]:
    """Check the password (slowed down after failures) and start a fresh session; returns its token and stage.

    With the key requirement on, the session is only a step: SECOND_FACTOR (a key to show) or ENROL (a first key
    to enrol); hub.auth.views.keys completes it.
    """
    now, rules = now_of(request), _rules(request.app)
    address = client_address(request)
    keys = throttle.keys_for(username, address)
    # counted before the check, in one locked write: parallel guesses see each other (issue 14)
    reservation = await in_transaction(request, lambda s: throttle.reserve(s, keys, now, rules))
    if reservation is None:
        raise TooManyRequests("Too many failed sign-ins. Please wait 15 minutes and try again.", retry_after=900)
    failures = reservation.failures
    await asyncio.sleep(throttle.delay_for(failures, rules))
    # the password is hashed outside any transaction (no write lock waits on Argon2)
    found = await in_transaction(request, lambda s: accounts.find_user(s, username), write=False)
    user_ok = await accounts.password_fits(found, password)

    async def check(s: AsyncSession) -> tuple[str, SessionStage] | Unauthenticated:
        """The new session, or the refusal: returned, not raised, so that the audit is committed."""
        user = await s.get(User, found.id) if user_ok and found is not None else None
        if user is None or user.disabled:
            return Unauthenticated("bad_credentials", REFUSAL)  # the reserved failure stays
        await throttle.release(s, reservation)
        await throttle.clear(s, username, address)
        stage = await _stage_after_password(s, request.app, user, now)
        actor = audit.AuditActor(user.id, f"user:{user.username}")
        if stage is None:
            # told only after a correct password, so it reveals nothing to a guesser
            await audit.record(s, actor, "session.refused", "user", user.id, {"reason": "no_key"}, at=now)
            return Unauthenticated("no_key", NO_KEY)
        token = await sessions.start(
            s, user, now, timeouts_of(request.app), stage=stage, user_agent=request.headers.get("User-Agent", "")
        )
        await audit.record(s, actor, "session.start", "user", user.id, {"stage": stage.value}, at=now)
        return token, stage

    outcome = await in_transaction(request, check)
    if isinstance(outcome, Unauthenticated):
        if outcome.code == "bad_credentials":
            log.info("signin_failed", failures=failures + 1)
        raise outcome
    # a session that came with the cookie (if any) ends: its id is never reused (fixation)
    old = request.cookies.get(cookie_name(request, sessions.COOKIE))
    if old:
        await in_transaction(request, lambda s: sessions.end(s, old, now))
    return outcome


def after_password(stage: SessionStage, next_path: str) -> str:
    """Where the browser goes once the password is accepted."""
    if stage is SessionStage.SECOND_FACTOR:
        return f"/signin/key?{urlencode({'next': next_path})}"
    if stage is SessionStage.ENROL:
        return f"/signin/enrol?{urlencode({'next': next_path})}"
    return next_path


def set_session_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    settings = request.app[SETTINGS]
    response.set_cookie(
        cookie_name(request, sessions.COOKIE),
        token,
        httponly=True,
        samesite="Lax",
        secure=settings.secure_cookies,
        path="/",
        max_age=settings.session_absolute_hours * 3600,
    )
    rotate_csrf(request)


async def sign_out(request: web.Request, response: web.StreamResponse) -> None:
    """End the session behind the cookie (if any), drop the cookie, and close the session's sockets at once."""
    token = request.cookies.get(cookie_name(request, sessions.COOKIE))
    actor, now = actor_of(request), now_of(request)
    if token:

        async def end(s: AsyncSession) -> None:
            await sessions.end(s, token, now)
            if actor.is_staff:
                await audit.record(s, actor.audit, "session.end", "user", actor.user_id, {}, at=now)

        await in_transaction(request, end)
    response.del_cookie(cookie_name(request, sessions.COOKIE), path="/")
    rotate_csrf(request)
    await live.check_now(request.app)
