"""The rooms' pages render for the people who use them, and their forms do what they say."""

from __future__ import annotations

import re

from tests.rooms.factories import room_id


async def test_plan_invite_open_and_end_through_the_forms(browser, database, seeded):
    await browser.sign_in("group1.1")
    home = await (await browser.get("/home")).text()
    assert "视频会商" in home and "房间与终端" not in home
    page = await browser.get("/rooms/sessions")
    assert page.status == 200 and "安排会话" in await page.text()
    county, township = await room_id(database, "county.interview.1"), await room_id(database, "xini.interview")
    too_few = await browser.post_form("/rooms/sessions", {"kind": "interview", "title": "x", "room_ids": str(county)})
    assert too_few.status == 422 and "至少" in await too_few.text()
    made = await browser.post_form(
        "/rooms/sessions",
        {
            "kind": "interview",
            "title": "远程谈话一",
            "room_ids": [str(county), str(township)],
            "planned_start": "2026-11-28T09:30",
            "planned_end": "",
        },
    )
    assert made.status == 303
    detail_path = made.headers["Location"]
    session_id = int(re.findall(r"\d+", detail_path)[-1])
    detail = await (await browser.get(detail_path)).text()
    assert "远程谈话一" in detail and "2026-11-28 09:30" in detail and "邀请工作人员" in detail
    invited = await browser.post_form(
        f"{detail_path}/invitations", {"role": "interviewee", "room_id": str(township), "display_name": "张某"}
    )
    assert invited.status == 303
    bad = await browser.post_form(f"{detail_path}/invitations", {"role": "host", "room_id": str(township)})
    assert bad.status in (409, 422)
    assert "张某" in await (await browser.get(detail_path)).text()
    call = await browser.get(f"/rooms/sessions/{session_id}/call")
    body = await call.text()
    assert call.status == 200 and 'id="room-config"' in body and "/static/js/room/staff.js" in body
    assert '"加入通话"' in body or "加入通话" in body  # the client's catalogue is in the page, translated
    assert (await browser.post_form(f"{detail_path}/open", {})).status == 303
    assert "进行中" in await (await browser.get(detail_path)).text()
    assert (await browser.post_form(f"{detail_path}/end", {})).status == 303
    assert "已结束" in await (await browser.get(detail_path)).text()


async def test_admin_sees_rooms_and_devices_but_not_session_pages(browser, seeded):
    await browser.sign_in("admin")
    home = await (await browser.get("/home")).text()
    assert "房间与终端" in home and "视频会商" not in home
    assert "登记房间" in await (await browser.get("/rooms")).text()
    page = await browser.get("/rooms/sessions")
    assert page.status == 200 and "安排会话" not in await page.text()  # an administrator plans no calls
