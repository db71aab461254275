"""Password plus hardware key in headless Chromium, with the DevTools virtual authenticator (CTAP2, PIN-capable).

The hub is served on 127.0.0.1 and browsed at http://localhost:PORT: a secure context whose RP id is "localhost".
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from hub.demo.org import DEMO_PASSWORD

# the browser is the subject here; the same endpoints run on PostgreSQL in tests/auth (software key)
pytestmark = [pytest.mark.browser, pytest.mark.parametrize("database", ["sqlite"], indirect=True)]


_APP: list[Any] = []  # the app under test, for the security administrator's enrolment codes


@pytest.fixture
async def key_url(aiohttp_server, app, seeded, settings):  # type: ignore[no-untyped-def]
    _APP[:] = [app]
    server = await aiohttp_server(app, host="127.0.0.1")
    settings.require_security_key = True
    settings.public_origin = f"http://localhost:{server.port}"
    settings.demo = True  # the default list of approved models, plus Chromium's virtual authenticator (the demo's)
    # FIDO metadata required, none imported: the virtual authenticator still enrols (it attests itself, no maker's root)
    settings.security_key_metadata = "required"
    return settings.public_origin


@pytest.fixture
async def contexts(key_url):  # type: ignore[no-untyped-def]
    """Browser contexts opened by a test, closed before the server stops (no request left half-way at shutdown)."""
    opened: list[Any] = []
    yield opened
    for context in opened:
        await context.close()


async def _page_with_key(chromium: Any, opened: list[Any] | None = None) -> tuple[Any, Any, str, list[str]]:
    context = await chromium.new_context()
    if opened is not None:
        opened.append(context)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
    cdp = await context.new_cdp_session(page)
    await cdp.send("WebAuthn.enable", {"enableUI": False})
    added = await cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": False,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return page, cdp, added["authenticatorId"], errors


async def _password(page: Any, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    await page.goto(f"{base}/signin")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", password)
    await page.click("button[type=submit]")
    await page.wait_for_load_state()


async def _use_key(page: Any, base: str) -> None:
    assert page.url.startswith(f"{base}/signin/key"), page.url
    await page.click("#key-form button")


async def _code_for(username: str) -> str:
    """The one-time enrolment code the security administrator hands over (issued as the command line does)."""
    from sqlalchemy import select

    from hub.access.actor import command_line_operator
    from hub.auth.interface import User, issue_enrolment_code
    from hub.http.keys import DB

    app = _APP[0]
    async with app[DB].transaction() as s:
        user = await s.scalar(select(User).where(User.username == username))
        code, _until = await issue_enrolment_code(s, app, command_line_operator("test"), user.id)
    return code


async def _enrol_and_sign_in(page: Any, base: str, username: str) -> None:
    code = await _code_for(username)
    await _password(page, base, username)
    assert page.url.startswith(f"{base}/signin/enrol"), page.url
    await page.fill("input[name=code]", code)
    await page.click("#key-form button")
    await page.wait_for_url(f"{base}/signin/key**")
    await _use_key(page, base)
    await page.wait_for_url(f"{base}/home")


async def _sign_out(page: Any, base: str) -> None:
    await page.click("text=退出")
    await page.wait_for_url(f"{base}/signin")


async def _refused(page: Any, base: str) -> None:
    """The key step shows its refusal, and nothing past it opens."""
    error = page.locator("#key-error")
    await error.wait_for(state="visible", timeout=15_000)
    assert (await error.inner_text()).strip()
    await page.goto(f"{base}/home")
    assert page.url.startswith(f"{base}/signin"), page.url
    await page.wait_for_load_state("networkidle")


async def test_enrol_sign_in_and_sign_in_again(chromium, key_url, contexts):
    page, cdp, authenticator, errors = await _page_with_key(chromium, contexts)
    await _enrol_and_sign_in(page, key_url, "petition1")
    assert "欢迎" in await page.inner_text("h1")
    await _sign_out(page, key_url)

    await _password(page, key_url, "petition1")
    await _use_key(page, key_url)
    await page.wait_for_url(f"{key_url}/home")
    await page.goto(f"{key_url}/security-keys")
    row = await page.inner_text("#keys tbody tr[data-user=petition1]")
    assert "我的安全密钥" in row and "正常" in row
    creds = (await cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator}))["credentials"]
    assert len(creds) == 1 and creds[0]["signCount"] >= 2
    assert errors == [], errors


async def test_replayed_assertion_is_refused(chromium, key_url, contexts):
    page, _cdp, _auth, _errors = await _page_with_key(chromium, contexts)
    captured: list[str] = []
    page.on(
        "request",
        lambda req: captured.append(req.post_data or "") if req.url.endswith("/api/v1/webauthn/sign-in") else None,
    )
    await _enrol_and_sign_in(page, key_url, "casemgmt1")
    await _sign_out(page, key_url)
    await _password(page, key_url, "casemgmt1")
    # the page asks for a fresh challenge; the attacker sends the recorded answer instead of the key's
    status = await page.evaluate(
        """async (body) => {
            const token = document.querySelector('meta[name="csrf-token"]').content;
            const post = (url, data) => fetch(url, {method: "POST", headers: {"Content-Type": "application/json",
                "X-CSRF-Token": token, Accept: "application/json"}, body: data});
            await post("/api/v1/webauthn/sign-in/options", "{}");
            return (await post("/api/v1/webauthn/sign-in", body)).status;
        }""",
        captured[-1],
    )
    assert status == 401
    await page.goto(f"{key_url}/home")
    assert page.url.startswith(f"{key_url}/signin")


async def test_cloned_key_with_rolled_back_counter_is_refused(chromium, key_url, contexts):
    page, cdp, authenticator, _errors = await _page_with_key(chromium, contexts)
    await _enrol_and_sign_in(page, key_url, "trial1")
    for _ in range(2):
        await _sign_out(page, key_url)
        await _password(page, key_url, "trial1")
        await _use_key(page, key_url)
        await page.wait_for_url(f"{key_url}/home")
    await _sign_out(page, key_url)
    # a clone made after the first use: same private key, counter of that time
    cred = (await cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator}))["credentials"][0]
    await cdp.send("WebAuthn.removeCredential", {"authenticatorId": authenticator, "credentialId": cred["credentialId"]})
    await cdp.send("WebAuthn.addCredential", {"authenticatorId": authenticator, "credential": {**cred, "signCount": 1}})
    await _password(page, key_url, "trial1")
    await _use_key(page, key_url)
    await _refused(page, key_url)


async def test_assertion_without_user_verification_is_refused(chromium, key_url, contexts):
    page, _cdp, _auth, _errors = await _page_with_key(chromium, contexts)
    await _enrol_and_sign_in(page, key_url, "group2.1")
    await _sign_out(page, key_url)

    # a tampered page asks the key for no PIN: the key answers without the UV flag, and the server refuses
    async def no_pin(route: Any) -> None:
        response = await route.fetch()
        options = await response.json()
        options["userVerification"] = "discouraged"
        await route.fulfill(response=response, body=json.dumps(options))

    await page.route("**/api/v1/webauthn/sign-in/options", no_pin)
    await _password(page, key_url, "group2.1")
    await _use_key(page, key_url)
    await _refused(page, key_url)


async def test_wrong_origin_is_refused(aiohttp_server, app, seeded, settings):
    """A page of another origin under the hub's RP id (a sibling host) gets a real signature, naming its own origin:
    the server refuses it. Chromium maps the county-style names to loopback and treats them as secure contexts."""
    from playwright.async_api import async_playwright

    from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, HAVE_CHROMIUM

    if not HAVE_CHROMIUM:
        pytest.skip("Debian's chromium is not installed")
    _APP[:] = [app]
    server = await aiohttp_server(app, host="127.0.0.1")
    good, evil = f"http://hub.county.test:{server.port}", f"http://evil.hub.county.test:{server.port}"
    settings.require_security_key = True
    settings.demo = True  # Chromium's virtual authenticator is an approved model in the demo only
    settings.public_origin = good
    settings.webauthn_rp_id = "hub.county.test"
    args = [
        *CHROMIUM_ARGS,
        "--host-resolver-rules=MAP hub.county.test 127.0.0.1, MAP evil.hub.county.test 127.0.0.1",
        f"--unsafely-treat-insecure-origin-as-secure={good},{evil}",
    ]
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        try:
            page, _cdp, _auth, _errors = await _page_with_key(browser)
            await _enrol_and_sign_in(page, good, "group3.1")
            await _sign_out(page, good)
            seen: list[int] = []
            page.on("response", lambda r: seen.append(r.status) if r.url.endswith("/api/v1/webauthn/sign-in") else None)
            await _password(page, evil, "group3.1")
            await _use_key(page, evil)
            await _refused(page, evil)
            assert seen == [401]  # the key did sign; the server refused the origin it signed
        finally:
            await browser.close()


async def test_missing_key_opens_nothing(chromium, key_url, contexts):
    page, cdp, authenticator, _errors = await _page_with_key(chromium, contexts)
    await _enrol_and_sign_in(page, key_url, "xini1")
    await _sign_out(page, key_url)
    await cdp.send("WebAuthn.clearCredentials", {"authenticatorId": authenticator})  # the key is lost

    async def short_wait(route: Any) -> None:
        response = await route.fetch()
        options = await response.json()
        options["timeout"] = 3000  # the browser gives up on the absent key in 3 s instead of 2 minutes
        await route.fulfill(response=response, body=json.dumps(options))

    await page.route("**/api/v1/webauthn/sign-in/options", short_wait)
    await _password(page, key_url, "xini1")
    await _use_key(page, key_url)
    await _refused(page, key_url)


async def test_a_bare_ip_address_is_told_plainly(chromium, key_url, contexts):
    """WebAuthn refuses a bare IP as relying party: the page says keys need a host name (issue 14), instead of
    "the key did not respond"."""
    page, _cdp, _auth, _errors = await _page_with_key(chromium, contexts)
    ip = key_url.replace("localhost", "127.0.0.1")
    await _code_for("tracking1")
    await _password(page, ip, "tracking1")
    assert page.url.startswith(f"{ip}/signin/enrol"), page.url
    await page.fill("input[name=code]", "0000-0000-0000")
    await page.click("#key-form button")
    error = page.locator("#key-error")
    await error.wait_for(state="visible", timeout=15_000)
    assert "主机名" in await error.inner_text()
