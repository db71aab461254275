"""Sign-in with password and (software) security key, as the pages' ceremony.js does it, for API-level tests."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientResponse

from hub.settings import Settings
from tests.auth.softkey import SoftKey
from tests.support.clients import Browser

ORIGIN = "https://hub.county.example"  # the RP id is its host: a domain name, as in a county deployment


def require_keys(settings: Settings) -> None:
    settings.require_security_key = True
    settings.public_origin = ORIGIN


def new_key(**kw: Any) -> SoftKey:
    return SoftKey(origin=ORIGIN, rp_id="hub.county.example", **kw)


async def enrol(browser: Browser, key: SoftKey, name: str = "key 1", **kw: Any) -> ClientResponse:
    options = await browser.post_json("/api/v1/webauthn/enrol/options", {})
    assert options.status == 200, await options.text()
    credential = key.register(await options.json(), **kw)
    return await browser.post_json("/api/v1/webauthn/enrol", {"credential": credential, "name": name})


async def options_for_sign_in(browser: Browser) -> dict[str, Any]:
    resp = await browser.post_json("/api/v1/webauthn/sign-in/options", {})
    assert resp.status == 200, await resp.text()
    return dict(await resp.json())


async def present(browser: Browser, key: SoftKey, **kw: Any) -> ClientResponse:
    """Answer a fresh sign-in challenge with the key."""
    options = await options_for_sign_in(browser)
    return await browser.post_json("/api/v1/webauthn/sign-in", {"credential": key.assertion(options, **kw)})


async def sign_in(browser: Browser, username: str, key: SoftKey, password: str | None = None) -> None:
    resp = await (browser.sign_in(username, password) if password else browser.sign_in(username))
    assert resp.status == 303 and resp.headers["Location"].startswith("/signin/key"), resp.headers.get("Location")
    done = await present(browser, key)
    assert done.status == 200, await done.text()


async def first_sign_in(browser: Browser, username: str) -> SoftKey:
    """A newcomer in the first-login window: password, enrol a key, then sign in with it."""
    resp = await browser.sign_in(username)
    assert resp.status == 303 and resp.headers["Location"].startswith("/signin/enrol"), resp.headers.get("Location")
    key = new_key()
    enrolled = await enrol(browser, key)
    assert enrolled.status == 200, await enrolled.text()
    assert (await enrolled.json())["next"].startswith("/signin/key")
    done = await present(browser, key)
    assert done.status == 200, await done.text()
    return key
