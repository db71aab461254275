"""Administrators manage staff; everyone else sees only what the policy lets them see."""

import pytest
from sqlalchemy import select

from hub import audit
from hub.auth.models import User
from hub.org.models import OrgUnit


async def _unit_id(database, code):
    async with database.transaction(write=False) as s:
        return await s.scalar(select(OrgUnit.id).where(OrgUnit.code == code))


async def test_admin_adds_changes_and_disables_an_account_and_its_sessions_end(browser, new_browser, database):
    # the security administrator adds an account that sees cases; the system administrator disables it (三员分立)
    admin = await new_browser()
    await admin.sign_in("admin")
    await browser.sign_in("secadmin")
    unit = await _unit_id(database, "office.petition")
    resp = await browser.post_json(
        "/api/v1/staff",
        {
            "username": "petition3",
            "display_name": "信访室 新同事",
            "password": "a-long-password-1",
            "role": "office_staff",
            "org_unit_id": unit,
        },
    )
    assert resp.status == 201, await resp.text()
    created = await resp.json()

    colleague = await new_browser()
    assert (await colleague.sign_in("petition3", "a-long-password-1")).status == 303
    assert (await colleague.get("/home")).status == 200

    resp = await admin.patch_json(f"/api/v1/staff/{created['id']}", {"version": created["version"], "disabled": True})
    assert resp.status == 200
    assert (await resp.json())["disabled"] is True
    assert (await colleague.get("/home")).status == 303  # the open session ended at once

    async with database.transaction(write=False) as s:
        actions = (await s.scalars(select(audit.AuditEntry.action).order_by(audit.AuditEntry.seq))).all()
        chain = await audit.verify(s)
    assert actions[-3:] == ["user.create", "session.start", "user.disable"]
    assert chain.ok


async def test_stale_version_is_a_conflict_not_an_overwrite(browser, database):
    await browser.sign_in("admin")
    async with database.transaction(write=False) as s:
        user = await s.scalar(select(User).where(User.username == "trial1"))
    first = await browser.patch_json(
        f"/api/v1/staff/{user.id}", {"version": user.version, "display_name": "审理室 黄国强（组长）"}
    )
    assert first.status == 200
    second = await browser.patch_json(
        f"/api/v1/staff/{user.id}", {"version": user.version, "display_name": "someone else's edit"}
    )
    assert second.status == 409
    assert (await second.json())["error"]["code"] == "stale"
    async with database.transaction(write=False) as s:
        assert (await s.get(User, user.id)).display_name == "审理室 黄国强（组长）"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "Bad Name", "display_name": "x", "password": "a-long-password-1", "role": "admin"}, "username"),
        ({"username": "short.pw", "display_name": "x", "password": "short", "role": "admin"}, "password"),
        ({"username": "nounit", "display_name": "x", "password": "a-long-password-1", "role": "office_staff"}, "org_unit_id"),
        ({"username": "x1", "display_name": "x", "password": "a-long-password-1", "role": "emperor"}, "role"),
        (
            {"username": "x2", "display_name": "x", "password": "a-long-password-1", "role": "admin", "portfolio": [1]},
            "portfolio",
        ),
    ],
)
async def test_bad_account_data_gets_field_errors_in_chinese(browser, body, field):
    await browser.sign_in("secadmin")
    resp = await browser.post_json("/api/v1/staff", body)
    assert resp.status == 422
    error = (await resp.json())["error"]
    assert field in error["fields"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["fields"][field])


async def test_duplicate_username_is_a_conflict(browser):
    await browser.sign_in("admin")
    resp = await browser.post_json(
        "/api/v1/staff", {"username": "leader", "display_name": "x", "password": "a-long-password-1", "role": "admin"}
    )
    assert resp.status == 409


@pytest.mark.parametrize("username", ["leader", "deputy1", "petition1", "group3.1", "xini1"])
async def test_only_administrators_manage_accounts(browser, username, database):
    await browser.sign_in(username)
    resp = await browser.post_json(
        "/api/v1/staff", {"username": "intruder", "display_name": "x", "password": "a-long-password-1", "role": "admin"}
    )
    assert resp.status == 403
    async with database.transaction(write=False) as s:
        target = await s.scalar(select(User).where(User.username == "admin"))
    resp = await browser.patch_json(f"/api/v1/staff/{target.id}", {"version": target.version, "disabled": True})
    assert resp.status in (403, 404)


async def test_staff_directory_follows_the_policy(browser, new_browser, database):
    """Leader and admin see all; a deputy sees their portfolio; staff see their own unit; lists match details."""
    async with database.transaction(write=False) as s:
        users = {u.username: u for u in (await s.scalars(select(User))).all()}
    expectations = {
        "leader": set(users),
        "admin": set(users),
        "deputy1": {"deputy1", "petition1", "petition2", "casemgmt1", "tracking1", "xini1", "balagong1", "jirigalangtu1"}
        | {f"group{k}.{n}" for k in (1, 2, 3) for n in (1, 2)},
        "group4.1": {"group4.1", "group4.2"},
        "xini1": {"xini1"},
        "petition1": {"petition1", "petition2"},
    }
    for username, expected in expectations.items():
        b = await new_browser()
        await b.sign_in(username)
        listed = {u["username"] for u in (await (await b.get("/api/v1/staff")).json())["items"]}
        assert listed == expected, username
        for other, user in users.items():
            status = (await b.get(f"/api/v1/staff/{user.id}")).status
            assert status == (200 if other in expected else 404), (username, other)
    guessed = await browser.get("/api/v1/staff/999999")
    assert guessed.status in (401, 404)


async def test_admin_pages_add_and_disable(browser, new_browser, database):
    await browser.sign_in("secadmin")
    page = await browser.get("/staff")
    assert "新增工作人员账号" in await page.text()
    unit = await _unit_id(database, "jg.2")
    resp = await browser.post_form(
        "/staff",
        {
            "username": "group2.3",
            "display_name": "第二组 新人",
            "password": "a-long-password-1",
            "role": "group_staff",
            "org_unit_id": str(unit),
        },
    )
    assert resp.status == 303
    location = resp.headers["Location"]
    detail = await (await browser.get(location)).text()
    assert "第二组 新人" in detail and "角色与单位" in detail and "停用账号" not in detail
    admin = await new_browser()
    await admin.sign_in("admin")
    detail = await (await admin.get(location)).text()
    assert "停用账号" in detail and "角色与单位" not in detail
    bad = await browser.post_form("/staff", {"username": "x", "display_name": "", "password": "", "role": "admin"})
    assert bad.status == 422
    assert "此项" in await bad.text() or "太短" in await bad.text()
