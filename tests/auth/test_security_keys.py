"""Password plus hardware security key: enrolment, sign-in, and every refusal the server must make (py_webauthn checks
run for real against a software key; tests/e2e/test_webauthn_browser.py does the same in Chromium)."""

import datetime as dt

import pytest
from sqlalchemy import select

from hub import audit
from hub.auth.key_models import CHROMIUM_VIRTUAL_AUTHENTICATOR
from hub.auth.models import EnrolmentGrant, SecurityKey, User, WebSession
from hub.auth.sessions import token_id
from tests.auth import keyflow
from tests.auth.keyflow import enrol, first_sign_in, new_key, options_for_sign_in, present

pytestmark = pytest.mark.usefixtures("key_required")


async def _actions(database):
    async with database.transaction(write=False) as s:
        return list((await s.scalars(select(audit.AuditEntry.action).order_by(audit.AuditEntry.seq))).all())


async def test_enrol_sign_in_and_sign_in_again(browser, new_browser, database):
    key = await first_sign_in(browser, "casemgmt1")
    assert (await browser.get("/home")).status == 200
    assert (await (await browser.get("/api/v1/me")).json())["username"] == "casemgmt1"

    again = await new_browser()
    await keyflow.sign_in(again, "casemgmt1", key)
    assert (await again.get("/home")).status == 200
    async with database.transaction(write=False) as s:
        stored = await s.scalar(select(SecurityKey))
    assert stored.sign_count == key.counter == 2 and stored.last_used_at is not None
    assert (await _actions(database))[-2:] == ["session.start", "session.complete"]


async def test_password_alone_opens_nothing_but_the_key_step(browser):
    await first_sign_in(browser, "petition1")
    await browser.post_form("/signout", {})
    resp = await browser.sign_in("petition1")
    assert resp.status == 303 and resp.headers["Location"] == "/signin/key?next=%2Fhome"
    for path in ("/home", "/staff", "/org", "/security-keys"):
        page = await browser.get(path)
        assert page.status == 303 and page.headers["Location"].startswith("/signin"), path
    for path in ("/api/v1/me", "/api/v1/staff", "/api/v1/org/units", "/api/v1/rooms"):
        assert (await browser.get(path)).status == 401, path
    assert (await browser.post_json("/api/v1/webauthn/enrol/options", {})).status == 401  # no enrolling past the key
    assert (await browser.get("/signin/key")).status == 200


async def test_the_session_id_changes_when_the_key_completes_sign_in(browser, database):
    await first_sign_in(browser, "trial1")
    await browser.post_form("/signout", {})
    first = (await browser.sign_in("trial1")).cookies["hub_session"].value
    key_ok = await present(browser, keyflow.new_key())  # an unknown key: refused, session unchanged
    assert key_ok.status == 401
    async with database.transaction(write=False) as s:
        row = await s.get(WebSession, token_id(first))
    assert row.revoked_at is None and row.stage.value == "second_factor"


async def test_replayed_assertion_is_refused(browser, new_browser):
    key = await first_sign_in(browser, "tracking1")
    other = await new_browser()
    assert (await other.sign_in("tracking1")).status == 303
    options = await options_for_sign_in(other)
    credential = key.assertion(options)
    assert (await other.post_json("/api/v1/webauthn/sign-in", {"credential": credential})).status == 200
    # the same answer again, in a new half-way session: its challenge is gone and its counter is old
    third = await new_browser()
    await third.sign_in("tracking1")
    await options_for_sign_in(third)
    replay = await third.post_json("/api/v1/webauthn/sign-in", {"credential": credential})
    assert replay.status == 401 and (await replay.json())["error"]["code"] == "key_refused"
    assert (await third.get("/home")).status == 303
    # and a challenge answers once only, even with a correct new signature
    fourth = await new_browser()
    await fourth.sign_in("tracking1")
    options = await options_for_sign_in(fourth)
    assert (await fourth.post_json("/api/v1/webauthn/sign-in", {"credential": key.assertion(options)})).status == 200
    await fourth.sign_in("tracking1")
    again = await fourth.post_json("/api/v1/webauthn/sign-in", {"credential": key.assertion(options)})
    assert again.status == 401


async def test_rolled_back_counter_is_refused_and_audited(browser, new_browser, database):
    key = await first_sign_in(browser, "group1.1")
    for _ in range(3):
        b = await new_browser()
        await keyflow.sign_in(b, "group1.1", key)
    clone = await new_browser()
    await clone.sign_in("group1.1")
    resp = await present(clone, key, counter=2)  # a copy of the key that was made two uses ago
    assert resp.status == 401
    assert (await clone.get("/home")).status == 303
    assert "security_key.counter_regressed" in await _actions(database)


@pytest.mark.parametrize(
    ("breakage", "kwargs"),
    [
        ("no user verification", {"uv": False}),
        ("wrong origin", {"origin": "https://hub.county.example.evil.test"}),
        ("wrong RP id", {"rp_id": "evil.test"}),
    ],
)
async def test_assertion_refusals(browser, new_browser, breakage, kwargs):
    key = await first_sign_in(browser, "group2.1")
    b = await new_browser()
    await b.sign_in("group2.1")
    resp = await present(b, key, **kwargs)
    assert resp.status == 401, breakage
    assert (await b.get("/api/v1/me")).status == 401, breakage


async def test_missing_key_is_refused(browser, new_browser):
    await first_sign_in(browser, "group3.1")
    b = await new_browser()
    await b.sign_in("group3.1")
    stranger = new_key()
    assert (await present(b, stranger)).status == 401
    # someone else's real key does not open this account either
    other = await new_browser()
    others_key = await first_sign_in(other, "group3.2")
    assert (await present(b, others_key)).status == 401


@pytest.mark.parametrize(
    ("breakage", "kwargs"),
    [
        ("no user verification", {"uv": False}),
        ("wrong origin", {"origin": "http://localhost:8080"}),
        ("wrong RP id", {"rp_id": "x.test"}),
    ],
)
async def test_enrolment_refusals(browser, breakage, kwargs, database):
    code = await keyflow.issue_code(browser, "group4.1")
    resp = await browser.sign_in("group4.1")
    assert resp.headers["Location"].startswith("/signin/enrol")
    refused = await enrol(browser, new_key(), code=code, **kwargs)
    assert refused.status == 401, breakage
    async with database.transaction(write=False) as s:
        assert await s.scalar(select(SecurityKey)) is None


async def test_enrolment_step_opens_nothing_else(browser):
    await keyflow.issue_code(browser, "group5.1")
    await browser.sign_in("group5.1")
    for path in ("/home", "/api/v1/me", "/security-keys"):
        assert (await browser.get(path)).status in (303, 401), path
    assert (await browser.post_json("/api/v1/webauthn/sign-in/options", {})).status == 401


async def test_without_an_enrolment_code_nothing_opens(browser, new_browser, clock, settings):
    """Issue 14, finding 7: a new account used to be password-only for 72 hours (whoever enrolled first owned it)."""
    resp = await browser.sign_in("group6.1")
    assert resp.status == 401 and "hub_session" not in resp.cookies
    # a code opens the enrolment step, but the key is enrolled only with the code itself
    code = await keyflow.issue_code(browser, "group6.1")
    stranger = await new_browser()
    assert (await stranger.sign_in("group6.1")).headers["Location"].startswith("/signin/enrol")
    wrong = "0000-0000-0000" if code != "0000-0000-0000" else "1111-1111-1111"
    refused = await enrol(stranger, new_key(), code=wrong)
    assert refused.status == 422 and (await refused.json())["error"]["code"] == "bad_code"
    # the code expires with the window
    clock.advance(dt.timedelta(hours=settings.enrolment_window_hours, minutes=1))
    resp = await browser.sign_in("group6.1")
    assert resp.status == 401 and "hub_session" not in resp.cookies
    assert "没有安全密钥" in await resp.text()
    # a wrong password still gets the one refusal for everything: the window reveals nothing to a guesser
    wrong = await browser.sign_in("group6.1", "not-the-password")
    assert "用户名或密码不正确" in await wrong.text()


async def test_lost_key_revoked_and_new_enrolment_issued(browser, new_browser, database, clock):
    user_browser = await new_browser()
    lost = await first_sign_in(user_browser, "xini1")
    admin_key = await first_sign_in(browser, "secadmin")
    clock.advance(dt.timedelta(days=10))  # long past the first-login window
    browser = await new_browser()
    await keyflow.sign_in(browser, "secadmin", admin_key)
    user_browser = await new_browser()
    await keyflow.sign_in(user_browser, "xini1", lost)
    async with database.transaction(write=False) as s:
        user = await s.scalar(select(User).where(User.username == "xini1"))
        key = await s.scalar(select(SecurityKey).where(SecurityKey.user_id == user.id))
    listed = await (await browser.get(f"/api/v1/staff/{user.id}/keys")).json()
    assert [k["id"] for k in listed["items"]] == [key.id] and listed["items"][0]["last_used_at"] is not None

    revoked = await browser.send_json("DELETE", f"/api/v1/staff/{user.id}/keys/{key.id}")
    assert revoked.status == 200 and (await revoked.json())["sessions_ended"] >= 1
    assert (await user_browser.get("/home")).status == 303  # the user's session ended at once
    relogin = await new_browser()
    assert (await relogin.sign_in("xini1")).status == 401  # no key, no code
    assert (await relogin.get("/home")).status == 303

    issued = await browser.post_json(f"/api/v1/staff/{user.id}/enrolment", {})
    assert issued.status == 201
    code = (await issued.json())["code"]
    resp = await relogin.sign_in("xini1")
    assert resp.headers["Location"].startswith("/signin/enrol")
    new = new_key()
    assert (await enrol(relogin, new, code=code)).status == 200
    assert (await present(relogin, new)).status == 200
    assert (await relogin.get("/home")).status == 200
    # the old key stays refused, and the grant is used up
    b = await new_browser()
    await b.sign_in("xini1")
    assert (await present(b, lost)).status == 401
    async with database.transaction(write=False) as s:
        grant = await s.scalar(select(EnrolmentGrant))
        chain = await audit.verify(s)
    assert grant.used_at is not None and chain.ok
    actions = await _actions(database)
    assert "security_key.revoke" in actions and "security_key.enrolment_issued" in actions
    # the newcomers' codes come first; the lost key's code only after the revocation
    assert actions.index("security_key.revoke") < len(actions) - 1 - actions[::-1].index("security_key.enrolment_issued")


@pytest.mark.parametrize("username", ["leader", "deputy1", "petition1"])
async def test_only_administrators_revoke_keys_or_issue_enrolments(browser, new_browser, database, username):
    victim = await new_browser()
    await first_sign_in(victim, "balagong1")
    await first_sign_in(browser, username)
    async with database.transaction(write=False) as s:
        user = await s.scalar(select(User).where(User.username == "balagong1"))
        key = await s.scalar(select(SecurityKey).where(SecurityKey.user_id == user.id))
    assert (await browser.send_json("DELETE", f"/api/v1/staff/{user.id}/keys/{key.id}")).status in (403, 404)
    assert (await browser.post_json(f"/api/v1/staff/{user.id}/enrolment", {})).status in (403, 404)
    assert (await browser.get(f"/api/v1/staff/{user.id}/keys")).status in (403, 404)
    assert (await victim.get("/home")).status == 200


async def test_administrator_cannot_issue_themselves_an_enrolment(browser, database):
    await first_sign_in(browser, "secadmin")
    async with database.transaction(write=False) as s:
        admin = await s.scalar(select(User).where(User.username == "secadmin"))
    assert (await browser.post_json(f"/api/v1/staff/{admin.id}/enrolment", {})).status == 403


async def test_keys_page_admin_sees_everyone_others_only_themselves(browser, new_browser):
    await first_sign_in(browser, "secadmin")
    page = await (await browser.get("/security-keys")).text()
    assert 'data-user="leader"' in page and "最后使用" in page
    b = await new_browser()
    await first_sign_in(b, "jirigalangtu1")
    own = await (await b.get("/security-keys")).text()
    assert 'data-user="jirigalangtu1"' in own and 'data-user="leader"' not in own


async def test_a_second_key_needs_a_fresh_assertion(browser, new_browser, clock):
    """Issue 14, finding 7: a signed-in session added another key without showing one."""
    await first_sign_in(browser, "deputy1")
    clock.advance(dt.timedelta(minutes=6))
    stale = await browser.post_json("/api/v1/webauthn/enrol/options", {})
    assert stale.status == 403 and (await stale.json())["error"]["code"] == "not_fresh"


async def test_a_second_key_can_be_added_and_both_open_the_account(browser, new_browser):
    first = await first_sign_in(browser, "deputy2")
    spare = new_key()
    added = await enrol(browser, spare, name="spare")
    assert added.status == 200 and (await added.json())["next"] == "/security-keys"
    for key in (first, spare):
        b = await new_browser()
        await keyflow.sign_in(b, "deputy2", key)
        assert (await b.get("/home")).status == 200
    # the same key cannot be enrolled twice
    assert (await enrol(browser, spare)).status == 409


async def test_approved_models_allow_list(browser, new_browser, settings):
    approved = "11111111-2222-3333-4444-555555555555"
    settings.security_key_aaguids = approved
    code = await keyflow.issue_code(browser, "huhemudu1")
    await browser.sign_in("huhemudu1")
    unapproved = await enrol(browser, new_key(), fmt="packed", code=code)
    assert unapproved.status == 422 and (await unapproved.json())["error"]["code"] == "key_model"
    unattested = await enrol(browser, new_key(aaguid=approved), fmt="none", code=code)
    assert unattested.status == 422
    # self attestation (packed, no certificate) proves no model: refused unless the model is a known self-attesting one
    self_attested = await enrol(browser, new_key(aaguid=approved), fmt="packed", code=code)
    assert self_attested.status == 422 and (await self_attested.json())["error"]["code"] == "key_model"
    settings.security_key_aaguids = f"{approved},{CHROMIUM_VIRTUAL_AUTHENTICATOR}"
    good = new_key(aaguid=CHROMIUM_VIRTUAL_AUTHENTICATOR)
    assert (await enrol(browser, good, fmt="packed", code=code)).status == 200
    assert (await present(browser, good)).status == 200


async def test_password_only_sessions_stop_when_the_requirement_is_switched_on(browser, settings):
    settings.require_security_key = False
    assert (await browser.sign_in("leader")).headers["Location"] == "/home"
    assert (await browser.get("/home")).status == 200
    settings.require_security_key = True
    assert (await browser.get("/home")).status == 303


async def test_banner_says_when_the_requirement_is_off(browser, settings):
    on = await (await browser.get("/signin")).text()
    assert "硬件密钥登录已关闭" not in on
    settings.require_security_key = False
    off = await (await browser.get("/signin")).text()
    assert "硬件密钥登录已关闭" in off


async def test_the_demo_switches_the_requirement_off_and_says_so_on_every_page(browser, settings):
    settings.require_security_key = None  # unset, as `make run` leaves it
    settings.demo = True
    assert not settings.security_key_required
    banner = "演示系统：人员与案件均为虚构；硬件密钥（UKey）登录已关闭。"
    for path in ("/signin", "/no-such-page"):
        assert banner in await (await browser.get(path)).text(), path
    assert (await browser.sign_in("leader")).headers["Location"] == "/home"
    assert banner in await (await browser.get("/home")).text()
    settings.require_security_key = True  # a demo that keeps the keys on says only that it is a demo
    page = await (await browser.get("/signin")).text()
    assert "演示环境：人员和案件均为虚构。" in page and "登录已关闭" not in page


def test_the_deploy_configuration_keeps_the_requirement_on():
    from pathlib import Path

    from hub.settings import Settings

    example = Path(__file__).resolve().parents[2] / "deploy" / "hub.env.example"
    deployed = Settings(_env_file=example)  # type: ignore[call-arg]
    assert deployed.security_key_required and not deployed.demo
    assert deployed.effective_rp_id == "hub.jiwei.county.internal"
    assert deployed.effective_origin == "https://hub.jiwei.county.internal"
    assert Settings().security_key_required  # and the default, with nothing set, is on
