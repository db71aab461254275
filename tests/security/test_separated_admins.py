"""Issue 14, finding 1: the three separated administrators (三员分立). Nobody changes their own role, unit, password or
keys; only the security administrator grants access to cases, and the main leader is shown every such grant."""

from __future__ import annotations

from sqlalchemy import select

from hub import audit
from hub.auth.models import User


async def _user(database, username: str) -> User:
    async with database.transaction(write=False) as s:
        user = await s.scalar(select(User).where(User.username == username))
    assert user is not None
    return user


async def test_the_system_administrator_cannot_make_himself_main_leader(browser, database):
    """The probe's finding: PATCH /api/v1/staff/{own id} with a new role answered 200."""
    await browser.sign_in("admin")
    me = await _user(database, "admin")
    resp = await browser.patch_json(f"/api/v1/staff/{me.id}", {"version": me.version, "role": "main_leader"})
    assert resp.status == 403
    assert (await _user(database, "admin")).role.value == "admin"
    # nor anyone else: granting a role that sees cases is not his
    other = await _user(database, "trial1")
    resp = await browser.patch_json(f"/api/v1/staff/{other.id}", {"version": other.version, "role": "main_leader"})
    assert resp.status == 403
    # nor add an account that sees cases
    resp = await browser.post_json(
        "/api/v1/staff",
        {"username": "mole", "display_name": "x", "password": "a-long-password-1", "role": "main_leader"},
    )
    assert resp.status == 403
    # nor issue himself (or anyone) a key enrolment: keys are the security administrator's
    resp = await browser.post_json(f"/api/v1/staff/{other.id}/enrolment", {})
    assert resp.status == 403


async def test_the_security_administrator_grants_but_not_to_himself_and_the_leader_sees_it(browser, new_browser, database):
    await browser.sign_in("secadmin")
    me = await _user(database, "secadmin")
    resp = await browser.patch_json(f"/api/v1/staff/{me.id}", {"version": me.version, "role": "main_leader"})
    assert resp.status == 403
    resp = await browser.post_json(f"/api/v1/staff/{me.id}/enrolment", {})
    assert resp.status == 403
    # he resets no password (the system administrator does: a password and a key never come from one person)
    target = await _user(database, "trial1")
    resp = await browser.patch_json(f"/api/v1/staff/{target.id}", {"version": target.version, "password": "x-long-password-9"})
    assert resp.status == 403
    change = {"version": target.version, "role": "deputy_leader", "org_unit_id": None}
    resp = await browser.patch_json(f"/api/v1/staff/{target.id}", change)
    assert resp.status == 200, await resp.text()
    assert (await resp.json())["role"] == "deputy_leader"

    leader = await new_browser()
    await leader.sign_in("leader")
    page = await leader.get("/staff/changes")
    assert page.status == 200
    text = await page.text()
    assert "user.grant" in text and "user:secadmin" in text and "deputy_leader" in text
    async with database.transaction(write=False) as s:
        assert (await audit.verify(s)).ok


async def test_the_audit_administrator_reads_the_log_and_changes_nothing(browser, new_browser, database):
    admin = await new_browser()
    await admin.sign_in("admin")
    await browser.sign_in("auditor")
    target = await _user(database, "trial1")
    for change in ({"display_name": "x"}, {"role": "main_leader"}, {"disabled": True}, {"password": "x-long-password-9"}):
        resp = await browser.patch_json(f"/api/v1/staff/{target.id}", {"version": target.version, **change})
        assert resp.status == 403, change
    log = await browser.get("/audit")
    assert log.status == 200
    assert "session.start" in await log.text()  # the administrators' own sign-ins are there
    for other in (admin, await new_browser()):
        if other is not admin:
            await other.sign_in("leader")
        assert (await other.get("/audit")).status == 403
    # no administrator reads case content
    assert (await browser.get("/api/v1/ledger?stage=all")).status in (200, 403)
    ledger = await browser.get("/api/v1/ledger?stage=all")
    if ledger.status == 200:
        assert (await ledger.json())["items"] == []
