"""Middlewares every request passes: request id and logs, locale, session, CSRF, errors, security headers."""

from __future__ import annotations

import re
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
import structlog
from aiohttp import web
from prometheus_client import Counter, Histogram

from hub.access.actor import ANONYMOUS
from hub.errors import Forbidden, HubError, Unauthenticated
from hub.http.context import cookie_name
from hub.http.keys import ACTOR, CATALOGS, CSRF_TOKEN, LOCALE, REQUEST_ID, SETTINGS
from hub.http.rendering import page_context
from hub.http.validation import refuse_nul
from hub.i18n import N_, current_locale, pick_locale

log = structlog.get_logger("hub.http")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

REQUESTS = Counter("hub_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("hub_http_request_seconds", "HTTP request latency", ["route"])

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_COOKIE = "hub_csrf"
LANG_COOKIE = "hub_lang"
# the most a caller who is neither a signed-in staff member nor an enrolled kiosk may send (sign-in, enrolment, the
# key step): anything larger is refused before it is read (issue 14: 32 MiB bodies were parsed for anyone)
ANONYMOUS_MAX_BODY = 64 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


@web.middleware
async def request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request.headers.get("X-Request-ID", "")
    rid = rid if _REQUEST_ID.match(rid) else uuid.uuid4().hex
    request[REQUEST_ID] = rid
    structlog.contextvars.bind_contextvars(request_id=rid)
    settings = request.app[SETTINGS]
    locale = pick_locale(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"), settings.default_locale)
    request[LOCALE] = locale
    token = current_locale.set(locale)
    start = time.perf_counter()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    finally:
        current_locale.reset(token)
        route = request.match_info.route.resource.canonical if request.match_info.route.resource else "unmatched"
        elapsed = time.perf_counter() - start
        if not kiosk_path(request.path):
            REQUESTS.labels(request.method, route, str(status)).inc()
            LATENCY.labels(route).observe(elapsed)
            log.info("request", method=request.method, path=request.path, status=status, ms=round(elapsed * 1000, 1))
        elif status >= 500:  # a kiosk's requests are neither counted nor logged: they would date a filing (DESIGN §7)
            REQUESTS.labels("any", "kiosk", "5xx").inc()
        structlog.contextvars.unbind_contextvars("request_id")


def kiosk_path(path: str) -> bool:
    """A township kiosk's pages and API: when someone used them is nobody's business (anonymity by construction)."""
    return path.startswith(("/kiosk", "/api/v1/kiosk"))


def _error_body(request: web.Request, exc: HubError) -> dict[str, Any]:
    translate = request.app[CATALOGS].gettext
    body: dict[str, Any] = {"code": exc.code, "message": translate(exc.message)}
    if exc.fields:
        body["fields"] = {k: translate(v) for k, v in exc.fields.items()}
    return {"error": body}


async def _render_error(request: web.Request, status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    # this middleware runs outside aiohttp-jinja2's context processors, so it adds the page context itself
    context = {**await page_context(request), "status": status, "message": message}
    response = aiohttp_jinja2.render_template("error.html", request, context, status=status)
    if headers:
        response.headers.update(headers)
    return response


@web.middleware
async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map domain errors to 4xx answers; nothing escapes as a bare 500."""
    try:
        # a NUL in the path or the query would reach a lookup and fail in the database: refused for every route here
        refuse_nul([request.path, *request.query.keys(), *request.query.values()])
        return await handler(request)
    except Unauthenticated as exc:
        if wants_json(request):
            return web.json_response(_error_body(request, exc), status=401)
        raise web.HTTPSeeOther(f"/signin?next={request.path_qs if request.method == 'GET' else '/'}") from None
    except HubError as exc:
        retry_after = getattr(exc, "retry_after", None)  # 429, and 503 while the database is down
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        if wants_json(request):
            return web.json_response(_error_body(request, exc), status=exc.status, headers=headers)
        return await _render_error(request, exc.status, request.app[CATALOGS].gettext(exc.message), headers)
    except web.HTTPException as exc:
        if exc.status >= 400 and wants_json(request):
            code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status, "http_error")
            return web.json_response({"error": {"code": code, "message": exc.reason}}, status=exc.status)
        if exc.status in (404, 405) and request.method in ("GET", "HEAD"):
            return await _render_error(request, exc.status, exc.reason)
        raise
    except Exception:
        log.exception("unhandled_error", path=request.path)
        if wants_json(request):
            return web.json_response(
                {"error": {"code": "internal", "message": request.app[CATALOGS].gettext(N_("Internal error."))}}, status=500
            )
        return await _render_error(request, 500, request.app[CATALOGS].gettext(N_("Internal error.")))


def origin_allowed(request: web.Request) -> bool:
    """A browser's Origin (when sent) must be ours."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    expected = request.app[SETTINGS].effective_origin
    return origin in (expected, f"{request.scheme}://{request.host}")


@web.middleware
async def csrf(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Double-submit token: a state-changing request must echo the CSRF cookie (header or form field)."""
    cookie = request.cookies.get(cookie_name(request, CSRF_COOKIE), "")
    token = cookie if len(cookie) == 43 else secrets.token_urlsafe(32)
    request[CSRF_TOKEN] = token
    if request.method not in SAFE_METHODS:
        if not origin_allowed(request):
            raise Forbidden("bad_origin", "This request came from another site.")
        actor = request.get(ACTOR, ANONYMOUS)
        length = request.content_length
        too_long = length > ANONYMOUS_MAX_BODY if length is not None else request.body_exists
        if too_long and not (actor.is_staff or actor.kind == "kiosk"):
            raise web.HTTPRequestEntityTooLarge(ANONYMOUS_MAX_BODY, length or 0)
        sent = request.headers.get("X-CSRF-Token", "")
        if not sent and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            value = form.get("csrf_token", "")
            sent = value if isinstance(value, str) else ""
        if not cookie or not secrets.compare_digest(sent.encode(), cookie.encode()):
            raise Forbidden("csrf", "The form has expired. Please reload the page and try again.")
    response = await handler(request)
    if request.get(CSRF_TOKEN) != cookie and not response.prepared:
        set_csrf_cookie(request, response, request[CSRF_TOKEN])
    return response


def set_csrf_cookie(request: web.Request, response: web.StreamResponse, token: str) -> None:
    settings = request.app[SETTINGS]
    response.set_cookie(
        cookie_name(request, CSRF_COOKIE), token, httponly=True, samesite="Strict", secure=settings.secure_cookies, path="/"
    )


def rotate_csrf(request: web.Request) -> str:
    """A new CSRF token (at sign-in and sign-out); the csrf middleware sets the cookie."""
    request[CSRF_TOKEN] = secrets.token_urlsafe(32)
    return str(request[CSRF_TOKEN])


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")  # no-referrer would make Chromium send Origin: null on form posts
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(self), geolocation=()")
    if request.app[SETTINGS].secure_cookies:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    if REQUEST_ID in request:
        headers.setdefault("X-Request-ID", request[REQUEST_ID])
    if kiosk_path(request.path):
        # a shared screen: Back must not show the previous petitioner's receipt, PIN or phone number
        headers["Cache-Control"] = "no-store"
    if request.get(ACTOR, ANONYMOUS).is_staff:
        headers.setdefault("Cache-Control", "no-store")
