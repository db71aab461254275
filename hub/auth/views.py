"""Sign-in, sign-out, the home page and the language switch (pages and JSON API)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from urllib.parse import urlencode

import aiohttp_jinja2
import structlog
from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.auth import accounts, live, security_keys, sessions, throttle
from hub.auth.middleware import timeouts_of
from hub.auth.models import SessionStage, User
from hub.errors import TooManyRequests, Unauthenticated
from hub.http.context import actor_of, db_of, now_of, require_staff, safe_next
from hub.http.keys import CSRF_TOKEN, HOME_TILES, SETTINGS
from hub.http.middleware import LANG_COOKIE, rotate_csrf
from hub.http.responses import see_other
from hub.http.validation import parse_form, parse_json
from hub.i18n import LOCALES, N_

log = structlog.get_logger("hub.auth")
routes = web.RouteTableDef()

REFUSAL = N_("The username or password is not right, or the account is not active.")


class SignInForm(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=256)
    next: str = Field("", max_length=500)


def _rules(app: web.Application) -> throttle.ThrottleRules:
    s = app[SETTINGS]
    return throttle.ThrottleRules(s.signin_free_failures, s.signin_lockout_failures, s.signin_delay_cap_seconds)


NO_KEY = N_("Your account has no security key and its enrolment window has closed. Ask the administrator for a new enrolment.")


def relying_party(app: web.Application) -> security_keys.RelyingParty:
    s = app[SETTINGS]
    return security_keys.RelyingParty(
        id=s.effective_rp_id,
        name=s.webauthn_rp_name,
        origin=s.effective_origin,
        approved_aaguids=s.approved_aaguids,
        enrolment_window=dt.timedelta(hours=s.enrolment_window_hours),
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
    to enrol); hub.auth.key_views completes it.
    """
    db, now, rules = db_of(request), now_of(request), _rules(request.app)
    keys = throttle.keys_for(username, request.remote or "")
    async with db.transaction(write=False) as s:
        failures = await throttle.recent_failures(s, keys, now)
    if failures >= rules.lockout_failures:
        raise TooManyRequests("Too many failed sign-ins. Please wait 15 minutes and try again.", retry_after=900)
    await asyncio.sleep(throttle.delay_for(failures, rules))
    token: str | None = None
    stage: SessionStage | None = None
    no_key = False
    async with db.transaction() as s:
        user = await accounts.check_password(s, username, password)
        if user is None:
            await throttle.add_failure(s, keys, now)
        else:
            await throttle.clear(s, username)
            stage = await _stage_after_password(s, request.app, user, now)
            actor = audit.AuditActor(user.id, f"user:{user.username}")
            if stage is None:
                no_key = True  # told only after a correct password, so it reveals nothing to a guesser
                await audit.record(s, actor, "session.refused", "user", user.id, {"reason": "no_key"}, at=now)
            else:
                token = await sessions.start(
                    s, user, now, timeouts_of(request.app), stage=stage, user_agent=request.headers.get("User-Agent", "")
                )
                await audit.record(s, actor, "session.start", "user", user.id, {"stage": stage.value}, at=now)
    if no_key:
        raise Unauthenticated("no_key", NO_KEY)
    if token is None or stage is None:
        log.info("signin_failed", failures=failures + 1)
        raise Unauthenticated("bad_credentials", REFUSAL)
    # a session that came with the cookie (if any) ends: its id is never reused (fixation)
    old = request.cookies.get(sessions.COOKIE)
    if old:
        async with db.transaction() as s:
            await sessions.end(s, old, now)
    return token, stage


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
        sessions.COOKIE,
        token,
        httponly=True,
        samesite="Lax",
        secure=settings.secure_cookies,
        path="/",
        max_age=settings.session_absolute_hours * 3600,
    )
    rotate_csrf(request)


async def sign_out(request: web.Request, response: web.StreamResponse) -> None:
    token = request.cookies.get(sessions.COOKIE)
    actor = actor_of(request)
    if token:
        async with db_of(request).transaction() as s:
            await sessions.end(s, token, now_of(request))
            if actor.is_staff:
                await audit.record(s, actor.audit, "session.end", "user", actor.user_id, {}, at=now_of(request))
    response.del_cookie(sessions.COOKIE, path="/")
    rotate_csrf(request)
    await live.check_now(request.app)


@routes.get("/")
async def index(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/home" if actor_of(request).is_staff else "/signin")


@routes.get("/signin")
@aiohttp_jinja2.template("signin.html")
async def signin_page(request: web.Request) -> dict[str, object]:
    return {"next": safe_next(request.query.get("next")), "error": None, "username": ""}


@routes.post("/signin")
async def signin_submit(request: web.Request) -> web.StreamResponse:
    form = await parse_form(request, SignInForm)
    try:
        token, stage = await sign_in(request, form.username, form.password)
    except (Unauthenticated, TooManyRequests) as exc:
        status = 429 if isinstance(exc, TooManyRequests) else 401
        return aiohttp_jinja2.render_template(
            "signin.html", request, {"next": safe_next(form.next), "error": exc.message, "username": form.username}, status=status
        )
    response = see_other(after_password(stage, safe_next(form.next)))
    set_session_cookie(request, response, token)
    return response


@routes.post("/signout")
async def signout_submit(request: web.Request) -> web.StreamResponse:
    response = see_other("/signin")
    await sign_out(request, response)
    return response


@routes.post("/lang")
async def switch_language(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    locale = form.get("locale")
    response = see_other(safe_next(str(form.get("next", "")) or "/"))
    if locale in LOCALES:
        response.set_cookie(LANG_COOKIE, str(locale), samesite="Lax", path="/", max_age=365 * 86400)
    return response


@routes.get("/home")
@aiohttp_jinja2.template("home.html")
async def home(request: web.Request) -> dict[str, object]:
    actor = require_staff(request)
    tiles = sorted((t for t in request.app[HOME_TILES] if t.visible(actor)), key=lambda t: (t.order, t.title))
    return {"tiles": tiles}


# --- JSON API -------------------------------------------------------------------------------


def user_json(user: User, portfolio: list[int] | None = None) -> dict[str, object]:
    data: dict[str, object] = {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role.value,
        "org_unit_id": user.org_unit_id,
        "disabled": user.disabled,
        "version": user.version,
    }
    if portfolio is not None:
        data["portfolio"] = portfolio
    return data


@routes.post("/api/v1/session")
async def api_sign_in(request: web.Request) -> web.StreamResponse:
    body = await parse_json(request, SignInForm)
    token, stage = await sign_in(request, body.username, body.password)
    response = web.json_response({"ok": True})
    set_session_cookie(request, response, token)
    body_out = {
        "ok": True,
        "stage": stage.value,
        "next": after_password(stage, safe_next(body.next)),
        "csrf_token": request[CSRF_TOKEN],
    }
    response.text = json.dumps(body_out)
    return response


@routes.delete("/api/v1/session")
async def api_sign_out(request: web.Request) -> web.StreamResponse:
    response = web.json_response({"ok": True})
    await sign_out(request, response)
    return response


@routes.get("/api/v1/me")
async def api_me(request: web.Request) -> web.Response:
    actor = require_staff(request)
    return web.json_response(
        {
            "id": actor.user_id,
            "username": actor.username,
            "display_name": actor.display_name,
            "role": actor.role.value if actor.role else None,
            "org_unit_id": actor.org_unit_id,
            "portfolio": sorted(actor.portfolio),
            "csrf_token": request[CSRF_TOKEN],
        }
    )
