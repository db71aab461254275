"""The gate in front of every staff page: only a complete password-and-key session is a person; a kiosk device
credential never is one; cookies carry their flags."""

import pytest
from aiohttp import web

from hub.access.actor import Actor
from hub.auth.middleware import ACTOR_RESOLVERS
from tests.auth.keyflow import first_sign_in
from tests.support.clients import Browser

STAFF_PATHS = ["/home", "/staff", "/org", "/security-keys", "/api/v1/me", "/api/v1/staff", "/api/v1/org/units"]


async def _kiosk(request: web.Request) -> Actor | None:
    return Actor(kind="kiosk", device_id=7, township_id=1) if request.headers.get("X-Kiosk") else None


async def _impostor(request: web.Request) -> Actor | None:
    return Actor(kind="staff", user_id=1, username="admin") if request.headers.get("X-Impostor") else None


async def test_a_kiosk_device_reaches_no_staff_page(app, aiohttp_client, seeded, key_required):
    app[ACTOR_RESOLVERS].append(_kiosk)
    kiosk = Browser(await aiohttp_client(app, headers={"X-Kiosk": "1"}))
    for path in STAFF_PATHS:
        resp = await kiosk.get(path)
        assert resp.status in (303, 401), path
    assert (await kiosk.post_json("/api/v1/webauthn/enrol/options", {})).status == 401


async def test_a_resolver_that_makes_a_person_is_refused(app, aiohttp_client, seeded, key_required):
    app[ACTOR_RESOLVERS].append(_impostor)
    client = Browser(await aiohttp_client(app, headers={"X-Impostor": "1"}))
    resp = await client.get("/api/v1/me")
    assert resp.status == 500  # a wiring error, loudly; never a signed-in person
    assert (await resp.json())["error"]["code"] == "internal"


async def test_a_staff_session_wins_over_a_device_credential(app, browser, key_required):
    app[ACTOR_RESOLVERS].append(_kiosk)
    await first_sign_in(browser, "leader")
    me = await browser.get("/api/v1/me", headers={"X-Kiosk": "1"})
    assert me.status == 200 and (await me.json())["username"] == "leader"


@pytest.mark.parametrize("secure", [False, True])
async def test_session_and_csrf_cookie_flags(browser, settings, secure):
    await browser.prime()  # over plain HTTP the client would not send back a Secure CSRF cookie
    settings.secure_cookies = secure
    prefix = "__Host-" if secure else ""  # secure cookies are host-only (issue 14)
    token = browser.csrf
    resp = await browser.client.post(
        "/signin",
        data={"username": "leader", "password": "hub-demo-2026", "csrf_token": token, "next": "/home"},
        headers={"Cookie": f"{prefix}hub_csrf={token}"},
        allow_redirects=False,
    )
    session = resp.cookies[f"{prefix}hub_session"]
    assert session["httponly"] and session["samesite"] == "Lax" and session["path"] == "/"
    assert bool(session["secure"]) is secure
    csrf = resp.cookies[f"{prefix}hub_csrf"]
    assert csrf["httponly"] and csrf["samesite"] == "Strict" and bool(csrf["secure"]) is secure
