"""The organisation chart: the demo reproduces the source article; administrators change it; others read it."""

from sqlalchemy import func, select

from hub.org.models import OrgUnit, UnitKind


async def test_demo_organisation_matches_the_source_article(seeded, database):
    async with database.transaction(write=False) as s:
        count = dict((await s.execute(select(OrgUnit.kind, func.count()).group_by(OrgUnit.kind))).all())
        groups = (await s.scalars(select(OrgUnit).where(OrgUnit.kind == UnitKind.JOINT_GROUP).order_by(OrgUnit.ordinal))).all()
        townships = (await s.scalars(select(OrgUnit).where(OrgUnit.kind == UnitKind.TOWNSHIP))).all()
    assert count[UnitKind.STATIONED_GROUP] == 19  # 19 派驻纪检组 ...
    assert count[UnitKind.JOINT_GROUP] == 7  # ... merged into 7 联查联审组
    assert count[UnitKind.OFFICE] == 4
    assert [g.ordinal for g in groups] == [1, 2, 3, 4, 5, 6, 7]
    group_ids = {g.id for g in groups}
    assert townships and all(t.trial_group_id in group_ids for t in townships)


async def test_every_staff_member_reads_the_chart_and_rooms(browser):
    await browser.sign_in("xini1")
    page = await (await browser.get("/org")).text()
    assert "第一联查联审组" in page and "锡尼镇自助接访终端" in page and "新增部门" not in page
    units = (await (await browser.get("/api/v1/org/units?kind=joint_group")).json())["items"]
    assert len(units) == 7
    rooms = (await (await browser.get("/api/v1/rooms")).json())["items"]
    assert {r["kind"] for r in rooms} == {
        "township_kiosk",
        "township_interview",
        "county_reception",
        "county_interview",
        "county_hall",
    }


async def test_admin_adds_a_township_mapped_to_a_trial_group(browser, database):
    await browser.sign_in("admin")
    async with database.transaction(write=False) as s:
        root = await s.scalar(select(OrgUnit.id).where(OrgUnit.kind == UnitKind.COMMISSION))
        jg7 = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == "jg.7"))
    body = {"kind": "township", "code": "tw.newtown", "name_zh": "新镇纪委", "parent_id": root, "trial_group_id": jg7}
    resp = await browser.post_json("/api/v1/org/units", body)
    assert resp.status == 201, await resp.text()
    unit = await resp.json()
    resp = await browser.patch_json(f"/api/v1/org/units/{unit['id']}", {"version": unit["version"], "name_zh": "新镇纪委（改）"})
    assert resp.status == 200
    stale = await browser.patch_json(f"/api/v1/org/units/{unit['id']}", {"version": unit["version"], "name_zh": "x"})
    assert stale.status == 409


async def test_links_must_make_sense(browser, database):
    await browser.sign_in("admin")
    async with database.transaction(write=False) as s:
        office = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == "office.trial"))
    bad = [
        {"kind": "township", "code": "tw.x", "name_zh": "x", "parent_id": office},  # wrong parent, no trial group
        {"kind": "joint_group", "code": "jg.x", "name_zh": "x"},  # no parent, no ordinal
        {"kind": "stationed_group", "code": "BAD CODE", "name_zh": "x"},
    ]
    for body in bad:
        resp = await browser.post_json("/api/v1/org/units", body)
        assert resp.status == 422, body
        assert (await resp.json())["error"]["fields"]


async def test_non_admins_cannot_change_the_chart(browser, new_browser):
    for username in ("leader", "deputy2", "casemgmt1", "group1.1", "huhemudu1"):
        b = await new_browser()
        await b.sign_in(username)
        resp = await b.post_json("/api/v1/org/units", {"kind": "office", "code": "office.x", "name_zh": "x", "office": "trial"})
        assert resp.status == 403, username
        resp = await b.patch_json("/api/v1/org/units/1", {"version": 1, "name_zh": "x"})
        assert resp.status == 403, username
