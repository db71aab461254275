"""Issue 14, finding 8 and the session items: the sign-in limit holds under parallel guesses and counts per account and
address (through trusted proxies only), cookies are ``__Host-`` when secure, and a person ends their own sessions."""

from __future__ import annotations

import asyncio
import re

from hub.auth import sessions


async def _guess(browser, username: str, password: str, address: str | None = None) -> int:
    headers = {"X-Forwarded-For": address} if address else {}
    resp = await browser.client.post(
        "/signin",
        data={"username": username, "password": password, "csrf_token": browser.csrf, "next": "/home"},
        headers=headers,
        allow_redirects=False,
    )
    await resp.read()
    return resp.status


async def test_parallel_guesses_get_no_more_checks_than_the_limit(browser, settings):
    await browser.prime()
    tries = settings.signin_lockout_failures * 3
    statuses = await asyncio.gather(*(_guess(browser, "leader", f"guess-{i}") for i in range(tries)))
    assert 500 not in statuses
    assert statuses.count(401) <= settings.signin_lockout_failures, statuses
    assert statuses.count(429) >= tries - settings.signin_lockout_failures


async def test_a_guesser_behind_the_proxy_locks_out_only_himself(browser, settings):
    settings.trusted_proxies = "127.0.0.1/32"
    await browser.prime()
    for _ in range(settings.signin_lockout_failures):
        assert await _guess(browser, "leader", "wrong-password", "203.0.113.66") == 401
    assert await _guess(browser, "leader", "hub-demo-2026", "203.0.113.66") == 429
    # the leader at her own desk (another client address behind the same nginx) signs in
    assert await _guess(browser, "leader", "hub-demo-2026", "198.51.100.7") == 303
    # an address nobody trusts cannot pick its own X-Forwarded-For
    settings.trusted_proxies = ""
    for _ in range(settings.signin_lockout_failures):
        await _guess(browser, "deputy1", "wrong-password", "198.51.100.1")
    assert await _guess(browser, "deputy1", "hub-demo-2026", "198.51.100.2") == 429


async def test_secure_cookies_are_host_only(browser, settings):
    settings.secure_cookies = True
    resp = await browser.client.get("/signin")
    assert "__Host-hub_csrf" in resp.cookies
    csrf = resp.cookies["__Host-hub_csrf"].value
    signed = await browser.client.post(
        "/signin",
        data={"username": "leader", "password": "hub-demo-2026", "csrf_token": csrf, "next": "/home"},
        headers={"Cookie": f"__Host-hub_csrf={csrf}"},
        allow_redirects=False,
    )
    assert signed.status == 303, await signed.text()
    cookie = signed.cookies[f"__Host-{sessions.COOKIE}"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert sessions.COOKIE not in signed.cookies


async def test_a_person_lists_and_ends_their_own_sessions_only(browser, new_browser):
    office_pc, leader = await new_browser(), await new_browser()
    for b, who in ((browser, "petition1"), (office_pc, "petition1"), (leader, "leader")):
        assert (await b.sign_in(who)).status == 303
    page = await (await browser.get("/sessions")).text()
    assert page.count('name="session"') == 2
    ids = re.findall(r'name="session" value="([0-9a-f]{64})"', page)
    assert len(ids) == 2
    leader_page = await (await leader.get("/sessions")).text()
    (leader_id,) = re.findall(r'name="session" value="([0-9a-f]{64})"', leader_page)
    # someone else's session: refused, and it lives on
    resp = await browser.post_form("/sessions/end", {"session": leader_id})
    assert resp.status == 303 and "error" in resp.headers["Location"]
    assert (await leader.get("/home")).status == 200
    # the other browser's session ends at once; this one lives on
    other = next(i for i in ids if i != _current(page))
    assert (await browser.post_form("/sessions/end", {"session": other})).status == 303
    assert (await office_pc.get("/home")).status == 303
    assert (await browser.get("/home")).status == 200


def _current(page: str) -> str:
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    for row in rows:
        if "this browser" in row or "当前" in row or "本浏览器" in row:
            return re.findall(r'value="([0-9a-f]{64})"', row)[0]
    raise AssertionError("no row marks this browser")
