"""Kiosk enrolment: a one-time code becomes a device credential in an HttpOnly cookie (only hashes stored);
the device then acts as a kiosk of its room and township, never as staff; revocation ends it; heartbeats show it online."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from hub.audit import AuditEntry
from hub.rooms import devices
from hub.rooms.device_actor import COOKIE
from hub.rooms.models import Device, Room
from tests.rooms.factories import room_id


async def _issue_code(browser, room: int) -> str:
    await browser.sign_in("admin")
    resp = await browser.post_form(f"/rooms/{room}/devices", {"label": "大厅终端"})
    assert resp.status == 200
    page = await resp.text()
    assert resp.headers["Cache-Control"] == "no-store"
    match = re.search(r'data-code="([0-9A-Z-]+)"', page)
    assert match, page[:2000]
    return match.group(1)


async def test_admin_enrols_a_kiosk_that_then_acts_as_its_township(browser, new_browser, database, seeded):
    kiosk_room = await room_id(database, "xini.kiosk")
    code = await _issue_code(browser, kiosk_room)

    kiosk = await new_browser()
    await kiosk.prime()
    assert (await kiosk.get("/kiosk")).headers["Location"] == "/kiosk/enrol"
    # typed loosely: lower case, spaces instead of dashes
    resp = await kiosk.post_form("/kiosk/enrol", {"code": code.lower().replace("-", " ")})
    assert resp.status == 303 and resp.headers["Location"] == "/kiosk"
    set_cookie = resp.headers["Set-Cookie"]
    assert f"{COOKIE}=" in set_cookie and "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
    credential = resp.cookies[COOKIE].value

    async with database.transaction(write=False) as s:
        device = await s.scalar(select(Device).where(Device.room_id == kiosk_room))
        room = await s.get(Room, kiosk_room)
        stored = [str(v) for v in (device.credential_hash, device.enrolment_code_hash) if v]
        log = (await s.scalars(select(AuditEntry.change).where(AuditEntry.object_type == "device"))).all()
    assert device.credential_hash == devices.digest(credential) and device.enrolment_code_hash is None
    assert credential not in " ".join(stored + list(log)) and devices.normalise_code(code) not in " ".join(log)

    page = await kiosk.get("/kiosk")
    assert page.status == 200 and room.name_zh in await page.text()
    # a kiosk never reaches staff pages or APIs
    assert (await kiosk.get("/home")).status == 303
    assert (await kiosk.get("/api/v1/staff")).status == 401
    assert (await kiosk.get("/api/v1/devices")).status == 401
    assert (await kiosk.get("/rooms/sessions")).status == 303
    # the code works once only
    again = await new_browser()
    resp = await again.post_form("/kiosk/enrol", {"code": code})
    assert resp.status == 422 and COOKIE not in resp.cookies


async def test_wrong_or_expired_codes_are_refused(browser, new_browser, database, clock, seeded):
    room = await room_id(database, "balagong.kiosk")
    code = await _issue_code(browser, room)
    kiosk = await new_browser()
    assert (await kiosk.post_form("/kiosk/enrol", {"code": "ABCD-EFGH-JKMN"})).status == 422
    assert (await kiosk.post_form("/kiosk/enrol", {"code": "x" * 5000})).status == 422
    clock.advance(devices.CODE_LIFETIME + dt.timedelta(seconds=1))
    resp = await kiosk.post_form("/kiosk/enrol", {"code": code})
    assert resp.status == 422 and COOKIE not in resp.cookies
    await browser.sign_in("admin")  # the admin's own session ran out meanwhile
    listing = await (await browser.get("/api/v1/devices")).json()
    assert [d["status"] for d in listing["devices"]] == ["expired"]


async def test_only_an_administrator_issues_codes_and_revokes(browser, database, seeded):
    room = await room_id(database, "xini.kiosk")
    await browser.sign_in("xini1")
    assert (await browser.post_form(f"/rooms/{room}/devices", {"label": "x"})).status == 403
    assert (await browser.post_json(f"/api/v1/rooms/{room}/devices", {"label": "x"})).status == 403
    assert (await browser.get("/api/v1/devices")).status == 200  # staff see devices (scheduling needs it)
    async with database.transaction(write=False) as s:
        assert await s.scalar(select(Device.id)) is None


async def test_revocation_ends_the_device_and_heartbeats_show_it_online(browser, new_browser, database, clock, seeded):
    room = await room_id(database, "xini.kiosk")
    code = await _issue_code(browser, room)
    kiosk = await new_browser()
    await kiosk.post_form("/kiosk/enrol", {"code": code})

    def status():
        return browser.get("/api/v1/devices")

    listing = (await (await status()).json())["devices"]
    assert listing[0]["status"] == "enrolled" and listing[0]["online"] is True
    clock.advance(devices.ONLINE_WINDOW + dt.timedelta(seconds=1))
    assert (await (await status()).json())["devices"][0]["online"] is False
    beat = await kiosk.post_json("/kiosk/heartbeat", {})
    assert beat.status == 200 and (await beat.json())["sessions"] == []
    device = (await (await status()).json())["devices"][0]
    assert device["online"] is True

    # a stale version is refused; the right one revokes
    assert (await browser.post_json(f"/api/v1/devices/{device['id']}/revoke", {"version": device["version"] + 5})).status == 409
    resp = await browser.post_json(f"/api/v1/devices/{device['id']}/revoke", {"version": device["version"]})
    assert resp.status == 200
    assert (await kiosk.post_json("/kiosk/heartbeat", {})).status == 401
    assert (await kiosk.get("/kiosk")).headers["Location"] == "/kiosk/enrol"
    after = (await (await status()).json())["devices"][0]
    assert after["status"] == "revoked" and after["online"] is False


async def test_the_admin_page_lists_rooms_devices_and_registers_a_room(browser, database, seeded):
    await browser.sign_in("admin")
    page = await (await browser.get("/rooms")).text()
    assert "锡尼镇自助接访终端" in page and "旗纪委会议室" in page
    async with database.transaction(write=False) as s:
        from hub.org.models import OrgUnit

        township = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == "tw.xini"))
    ok = await browser.post_json(
        "/api/v1/rooms",
        {"kind": "township_interview", "code": "xini.interview.2", "name_zh": "锡尼镇谈话室二", "township_id": township},
    )
    assert ok.status == 201
    county_with_township = await browser.post_json(
        "/api/v1/rooms", {"kind": "county_hall", "code": "hall.2", "name_zh": "会议室二", "township_id": township}
    )
    assert county_with_township.status == 422
    assert (
        await browser.post_json("/api/v1/rooms", {"kind": "county_hall", "code": "xini.interview.2", "name_zh": "重复"})
    ).status == 409
