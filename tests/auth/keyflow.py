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
    # the software key of these tests is no approved model (attestation is tested on its own, with a list)
    settings.security_key_aaguids = "any"


def new_key(**kw: Any) -> SoftKey:
    return SoftKey(origin=ORIGIN, rp_id="hub.county.example", **kw)


async def enrol(browser: Browser, key: SoftKey, name: str = "key 1", *, code: str = "", **kw: Any) -> ClientResponse:
    options = await browser.post_json("/api/v1/webauthn/enrol/options", {})
    assert options.status == 200, await options.text()
    credential = key.register(await options.json(), **kw)
    return await browser.post_json("/api/v1/webauthn/enrol", {"credential": credential, "name": name, "code": code})


async def issue_code(browser: Browser, username: str) -> str:
    """A one-time enrolment code, as the security administrator (here: the command-line operator) issues it."""
    from sqlalchemy import select

    from hub.access.actor import command_line_operator
    from hub.auth import security_keys
    from hub.auth.models import User
    from hub.auth.signin import relying_party
    from hub.http.keys import CLOCK, DB, POLICY

    app = browser.client.server.app
    assert app is not None
    async with app[DB].transaction() as s:
        user = await s.scalar(select(User).where(User.username == username))
        assert user is not None
        issued = await security_keys.issue_enrolment(
            s, app[POLICY], command_line_operator("test"), user.id, relying_party(app), app[CLOCK].now()
        )
    return issued.code


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
    """A newcomer with a one-time enrolment code: password, enrol a key with the code, then sign in with it."""
    code = await issue_code(browser, username)
    resp = await browser.sign_in(username)
    assert resp.status == 303 and resp.headers["Location"].startswith("/signin/enrol"), resp.headers.get("Location")
    key = new_key()
    enrolled = await enrol(browser, key, code=code)
    assert enrolled.status == 200, await enrolled.text()
    assert (await enrolled.json())["next"].startswith("/signin/key")
    done = await present(browser, key)
    assert done.status == 200, await done.text()
    return key
