"""Sign-in, sessions, sign-out and the home page, as a browser does them."""

import datetime as dt

from sqlalchemy import select

from hub.auth.models import User, WebSession
from hub.auth.sessions import token_id

REFUSAL_ZH = "用户名或密码不正确，或账号未启用。"


async def test_sign_in_lands_on_home_with_role_capabilities(browser):
    resp = await browser.sign_in("leader")
    assert resp.status == 303
    assert resp.headers["Location"] == "/home"
    cookie = resp.cookies["hub_session"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    home = await browser.get("/home")
    assert home.status == 200
    body = await home.text()
    assert "欢迎" in body and "纪委书记 王建国" in body and "主要负责人" in body
    assert 'href="/org"' in body and 'href="/staff"' in body


async def test_wrong_password_unknown_user_and_disabled_account_get_the_same_refusal(browser, database):
    async with database.transaction() as s:
        user = await s.scalar(select(User).where(User.username == "petition2"))
        user.disabled = True
    answers = []
    for username, password in [("leader", "wrong-password"), ("nobody-here", "whatever-123"), ("petition2", "hub-demo-2026")]:
        resp = await browser.sign_in(username, password)
        answers.append((resp.status, REFUSAL_ZH in await resp.text(), "hub_session" in resp.cookies))
    assert answers == [(401, True, False)] * 3


async def test_session_id_is_new_at_every_sign_in_and_the_old_one_ends(browser, database):
    first = (await browser.sign_in("leader")).cookies["hub_session"].value
    second = (await browser.sign_in("leader")).cookies["hub_session"].value
    assert first != second
    async with database.transaction(write=False) as s:
        old = await s.get(WebSession, token_id(first))
        new = await s.get(WebSession, token_id(second))
    assert old.revoked_at is not None and new.revoked_at is None
    # the table holds the token's hash, never the token
    async with database.transaction(write=False) as s:
        ids = (await s.scalars(select(WebSession.id))).all()
    assert first not in ids and second not in ids


async def test_sign_out_ends_the_session(browser):
    await browser.sign_in("admin")
    assert (await browser.get("/home")).status == 200
    resp = await browser.post_form("/signout", {})
    assert resp.status == 303
    resp = await browser.get("/home")
    assert resp.status == 303 and resp.headers["Location"].startswith("/signin")


async def test_idle_and_absolute_timeouts(browser, clock, settings):
    await browser.sign_in("casemgmt1")
    clock.advance(dt.timedelta(minutes=settings.session_idle_minutes - 1))
    assert (await browser.get("/home")).status == 200  # activity keeps it alive
    clock.advance(dt.timedelta(minutes=settings.session_idle_minutes - 1))
    assert (await browser.get("/home")).status == 200
    clock.advance(dt.timedelta(minutes=settings.session_idle_minutes + 1))
    assert (await browser.get("/home")).status == 303  # idle too long

    await browser.sign_in("casemgmt1")
    for _ in range(settings.session_absolute_hours * 3):
        clock.advance(dt.timedelta(minutes=20))
        await browser.get("/home")
    assert (await browser.get("/home")).status == 303  # absolute limit, however active


async def test_repeated_failures_are_slowed_then_refused_without_telling_which_accounts_exist(browser, settings):
    import time

    timings = []
    for _ in range(settings.signin_free_failures + 2):
        start = time.monotonic()
        resp = await browser.sign_in("leader", "not-the-password")
        timings.append(time.monotonic() - start)
        assert resp.status == 401
    assert max(timings[-2:]) >= 0.19  # slowed down (test cap 0.2 s)
    for _ in range(settings.signin_lockout_failures - len(timings)):
        await browser.sign_in("leader", "not-the-password")
    resp = await browser.sign_in("leader")  # even the right password waits out the window
    assert resp.status == 429
    # an unknown name is treated exactly the same way
    for _ in range(settings.signin_lockout_failures):
        await browser.sign_in("ghost-user", "not-the-password")
    assert (await browser.sign_in("ghost-user", "not-the-password")).status == 429


async def test_json_api_sign_in_me_and_sign_out(browser):
    await browser.prime()
    resp = await browser.post_json("/api/v1/session", {"username": "deputy1", "password": "hub-demo-2026"})
    assert resp.status == 200
    me = await (await browser.get("/api/v1/me")).json()
    assert me["role"] == "deputy_leader" and len(me["portfolio"]) == 9
    assert (await browser.send_json("DELETE", "/api/v1/session")).status == 200
    resp = await browser.get("/api/v1/me")
    assert resp.status == 401
    assert (await resp.json())["error"]["code"] == "unauthenticated"


async def test_language_switch_to_english_and_back(browser):
    await browser.sign_in("leader")
    resp = await browser.post_form("/lang", {"locale": "en", "next": "/home"})
    assert resp.status == 303
    body = await (await browser.get("/home")).text()
    assert "Welcome" in body and "Main leader" in body
    await browser.post_form("/lang", {"locale": "zh_CN", "next": "/home"})
    assert "欢迎" in await (await browser.get("/home")).text()


async def test_next_parameter_cannot_redirect_off_site(browser):
    await browser.prime()
    resp = await browser.client.post(
        "/signin",
        data={"username": "leader", "password": "hub-demo-2026", "csrf_token": browser.csrf, "next": "//evil.example/x"},
        allow_redirects=False,
    )
    assert resp.headers["Location"] == "/home"
