"""Sign-in, sign-out, the home page and the language switch (pages and JSON API).

Signing in and out is open to anyone (and keeps its cookies, CSRF rotation and throttle in hub/auth/signin.py); each
opens the units of work it needs. The home page and /api/v1/me are for signed-in staff.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, Field

from hub.auth.signin import after_password, set_session_cookie, sign_in, sign_out
from hub.errors import TooManyRequests, Unauthenticated
from hub.http.context import safe_next
from hub.http.keys import CSRF_TOKEN, HOME_TILES, HOME_TODOS
from hub.http.middleware import LANG_COOKIE
from hub.http.responses import see_other
from hub.http.views import Call, Routes, Who
from hub.i18n import LOCALES

routes = Routes()


class SignInForm(BaseModel):
    username: str = Field(min_length=1, max_length=60)
    password: str = Field(min_length=1, max_length=256)
    next: str = Field("", max_length=500)


class LanguageForm(BaseModel):
    locale: str = ""  # an unknown locale changes nothing
    next: str = ""


@routes.get("/", who=Who.ANYONE, tx=False, summary="Home for staff, the sign-in page for anyone else.")
async def index(call: Call[None]) -> str:
    return "/home" if call.actor.is_staff else "/signin"


@routes.get("/signin", who=Who.ANYONE, tx=False, template="signin.html", summary="The sign-in page.")
async def signin_page(call: Call[None]) -> dict[str, Any]:
    return {"next": safe_next(call.query("next")), "error": None, "username": ""}


@routes.post("/signin", who=Who.ANYONE, form=SignInForm, tx=False, summary="Sign in with username and password.")
async def signin_submit(call: Call[SignInForm]) -> web.StreamResponse:
    form = call.body
    try:
        token, stage = await sign_in(call.request, form.username, form.password)
    except (Unauthenticated, TooManyRequests) as exc:
        status = 429 if isinstance(exc, TooManyRequests) else 401
        context = {"next": safe_next(form.next), "error": exc.message, "username": form.username}
        return aiohttp_jinja2.render_template("signin.html", call.request, context, status=status)
    response = see_other(after_password(stage, safe_next(form.next)))
    set_session_cookie(call.request, response, token)
    return response


@routes.post("/signout", who=Who.ANYONE, tx=False, summary="Sign out (ends the session behind the cookie, if any).")
async def signout_submit(call: Call[None]) -> web.StreamResponse:
    response = see_other("/signin")
    await sign_out(call.request, response)
    return response


@routes.post("/lang", who=Who.ANYONE, form=LanguageForm, tx=False, summary="Switch the language (a cookie).")
async def switch_language(call: Call[LanguageForm]) -> web.StreamResponse:
    response = see_other(safe_next(call.body.next or "/"))
    if call.body.locale in LOCALES:
        response.set_cookie(LANG_COOKIE, call.body.locale, samesite="Lax", path="/", max_age=365 * 86400)
    return response


@routes.get("/home", template="home.html", summary="What waits for the signed-in person, and what they may do.")
async def home(call: Call[None]) -> dict[str, Any]:
    tiles = sorted((t for t in call.app[HOME_TILES] if t.visible(call.actor)), key=lambda t: (t.order, t.title))
    todos = []
    if call.actor.is_staff:
        for source in call.app[HOME_TODOS]:
            todos.extend(await source(call.app, call.db, call.actor, call.now))
    return {"tiles": tiles, "todos": sorted((t for t in todos if t.count), key=lambda t: (not t.urgent, t.order))}


# --- JSON API -------------------------------------------------------------------------------


@routes.post("/api/v1/session", who=Who.ANYONE, body=SignInForm, tx=False, summary="Sign in (JSON).")
async def api_sign_in(call: Call[SignInForm]) -> web.StreamResponse:
    body, request = call.body, call.request
    token, stage = await sign_in(request, body.username, body.password)
    response = web.json_response({"ok": True})
    set_session_cookie(request, response, token)  # rotates the CSRF token: the body carries the new one
    body_out = {
        "ok": True,
        "stage": stage.value,
        "next": after_password(stage, safe_next(body.next)),
        "csrf_token": request[CSRF_TOKEN],
    }
    response.text = json.dumps(body_out)
    return response


@routes.delete("/api/v1/session", who=Who.ANYONE, tx=False, summary="Sign out (JSON).")
async def api_sign_out(call: Call[None]) -> web.StreamResponse:
    response = web.json_response({"ok": True})
    await sign_out(call.request, response)
    return response


@routes.get("/api/v1/me", tx=False, summary="The signed-in person, with the CSRF token for scripts.")
async def api_me(call: Call[None]) -> web.Response:
    actor = call.actor
    return web.json_response(
        {
            "id": actor.user_id,
            "username": actor.username,
            "display_name": actor.display_name,
            "role": actor.role.value if actor.role else None,
            "org_unit_id": actor.org_unit_id,
            "portfolio": sorted(actor.portfolio),
            "csrf_token": call.request[CSRF_TOKEN],
        }
    )
