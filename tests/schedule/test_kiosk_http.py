"""The kiosk over HTTP: booking, receipt, clear Chinese messages for bad input, limits, cancel and rebook, stage
lookup, anonymous written petitions that leave no trace of the kiosk, and the talk-now queue."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import select

from hub import audit
from hub.audit import AuditEntry
from hub.cases.models import Petition
from hub.clock import LOCAL_TZ
from hub.schedule import rotations
from hub.schedule.keys import PLANNERS
from hub.schedule.models import Booking, BookingStatus, KioskFiling, MemberKind, QueueTicket, ReceptionSlot
from tests.schedule.conftest import KIOSK_HEADER

ROOT = Path(__file__).resolve().parents[2]
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200 + b"\xff\xd9"


async def _kiosk_headers(kit, device: int = 7) -> dict[str, str]:
    township, room = await kit.township()
    return {KIOSK_HEADER: f"{device}:{township}:{room}"}


async def _first_slot(kit) -> ReceptionSlot:
    async with kit.db.transaction(write=False) as s:
        slot = await s.scalar(select(ReceptionSlot).order_by(ReceptionSlot.starts_at).limit(1))
    assert slot is not None
    return slot


async def _book(browser, kit, slot_id: int, phone: str, device: int = 7, name: str = "王小明"):
    return await browser.post_form(
        f"/kiosk/reception/slots/{slot_id}", {"name": name, "phone": phone}, headers=await _kiosk_headers(kit, device)
    )


async def test_kiosk_pages_need_a_kiosk(browser, kit):
    resp = await browser.get("/kiosk/reception")
    assert resp.status == 403
    assert "自助终端" in await resp.text()


async def test_book_receipt_and_errors_in_chinese(browser, kit):
    await kit.published(days=7)
    headers = await _kiosk_headers(kit)
    page = await browser.get("/kiosk/reception", headers=headers)
    text = await page.text()
    assert page.status == 200 and "李红梅" in text and "/kiosk/reception/slots/" in text
    slot = await _first_slot(kit)
    resp = await _book(browser, kit, slot.id, "138 0013 8000")
    body = await resp.text()
    assert resp.status == 200 and "回执码" in body
    code = re.search(r'id="receipt-code">(\d{8})<', body)
    assert code
    async with kit.db.transaction(write=False) as s:
        booking = await s.scalar(select(Booking).where(Booking.code == code.group(1)))
    assert booking is not None and booking.phone == "13800138000" and booking.status is BookingStatus.BOOKED

    bad = await _book(browser, kit, slot.id, "12345")
    assert bad.status == 422 and "电话号码" in await bad.text()
    unknown = await browser.post_form("/kiosk/reception/manage", {"code": "00000000", "phone": "13800138000"}, headers=headers)
    assert unknown.status == 404 and "回执码" in await unknown.text()
    kit.clock.advance(dt.timedelta(days=30))
    past = await _book(browser, kit, slot.id, "13900139000")
    assert past.status == 409 and "已过" in await past.text()


async def test_unpublished_rotation_cannot_be_booked(browser, kit):
    planner = await kit.actor("petition1")
    planners = kit.app[PLANNERS]
    now = kit.clock.now()
    from hub.cases import holidays

    async with kit.db.transaction() as s:
        await holidays.seed_if_empty(s)
    async with kit.db.transaction() as s:
        cal = await holidays.load(s)
        rot = await rotations.create_rotation(
            s,
            planners,
            planner,
            rotations.RotationSpec("草稿", kit.today + dt.timedelta(days=1), kit.today + dt.timedelta(days=7), "09:00-10:00", 1),
            now,
        )
        await rotations.set_roster(s, planners, planner, rot.id, [(await kit.user_id("petition1"), MemberKind.STAFF)], now)
        await rotations.generate(s, planners, planner, rot.id, cal, now)
    slot = await _first_slot(kit)
    resp = await _book(browser, kit, slot.id, "13800138000")
    assert resp.status == 409 and "尚未公示" in await resp.text()
    assert (
        "/kiosk/reception/slots/" not in await (await browser.get("/kiosk/reception", headers=await _kiosk_headers(kit))).text()
    )


async def test_limits_stop_a_flood_but_not_an_honest_petitioner(browser, kit):
    await kit.published(days=10, capacity=5)
    async with kit.db.transaction(write=False) as s:
        slots = list((await s.scalars(select(ReceptionSlot).order_by(ReceptionSlot.starts_at))).all())
    # an honest petitioner books two matters
    assert (await _book(browser, kit, slots[0].id, "13600000001")).status == 200
    assert (await _book(browser, kit, slots[1].id, "13600000001")).status == 200
    third = await _book(browser, kit, slots[2].id, "13600000001")
    assert third.status == 429 and "预约" in await third.text()
    # another person at the same kiosk is not locked out
    assert (await _book(browser, kit, slots[2].id, "13600000002")).status == 200
    # a flood from one kiosk with many numbers stops at the hourly cap
    statuses = [(await _book(browser, kit, slots[3 + (n % 10)].id, f"135{n:08d}", device=99)).status for n in range(34)]
    assert 429 in statuses and statuses.count(200) <= 30
    # an hour later the kiosk may book again
    kit.clock.advance(dt.timedelta(hours=1, minutes=1))
    assert (await _book(browser, kit, slots[-1].id, "13499999999", device=99)).status == 200


async def test_cancel_rebook_and_stage_lookup(browser, kit):
    await kit.published(days=7)
    headers = await _kiosk_headers(kit)
    async with kit.db.transaction(write=False) as s:
        slots = list((await s.scalars(select(ReceptionSlot).order_by(ReceptionSlot.starts_at))).all())
    body = await (await _book(browser, kit, slots[0].id, "13800000000")).text()
    code = re.search(r'id="receipt-code">(\d{8})<', body).group(1)  # type: ignore[union-attr]
    found = await browser.post_form("/kiosk/reception/manage", {"code": code, "phone": "13800000000"}, headers=headers)
    assert (found.status == 200 and "改约" in await found.text()) or "另选" in await found.text()
    wrong_phone = await browser.post_form("/kiosk/reception/manage", {"code": code, "phone": "13800000001"}, headers=headers)
    assert wrong_phone.status == 404
    # rebook to a slot of the same official
    async with kit.db.transaction(write=False) as s:
        from hub.schedule.models import Duty

        duty_user = await s.scalar(
            select(Duty.user_id).join(ReceptionSlot, ReceptionSlot.duty_id == Duty.id).where(ReceptionSlot.id == slots[0].id)
        )
        target = await s.scalar(
            select(ReceptionSlot.id)
            .join(Duty, Duty.id == ReceptionSlot.duty_id)
            .where(Duty.user_id == duty_user, ReceptionSlot.id != slots[0].id)
        )
    moved = await browser.post_form(
        "/kiosk/reception/manage/rebook", {"code": code, "phone": "13800000000", "slot_id": str(target)}, headers=headers
    )
    assert moved.status == 200 and code in await moved.text()
    stage = await browser.post_form("/kiosk/reception/status", {"code": code, "secret": "13800000000"}, headers=headers)
    assert stage.status == 200 and "已预约" in await stage.text()
    cancelled = await browser.post_form("/kiosk/reception/manage/cancel", {"code": code, "phone": "13800000000"}, headers=headers)
    assert cancelled.status == 200 and "已取消" in await cancelled.text()
    async with kit.db.transaction(write=False) as s:
        assert (await s.get(ReceptionSlot, target)).booked == 0  # type: ignore[union-attr]
        assert (await s.get(ReceptionSlot, slots[0].id)).booked == 0  # type: ignore[union-attr]


async def test_anonymous_written_petition_keeps_no_trace_of_the_kiosk(browser, new_browser, kit):
    headers = await _kiosk_headers(kit, device=4242)
    await browser.prime()
    from aiohttp import FormData

    form = FormData()
    form.add_field("csrf_token", browser.csrf)
    form.add_field("kind", "accusation")
    form.add_field("summary", "村干部在低保评定中优亲厚友，收受好处费。")
    form.add_field("anonymous", "1")
    form.add_field("photo", JPEG, filename="doc.jpg", content_type="image/jpeg")
    resp = await browser.client.post("/kiosk/reception/file", data=form, headers=headers, allow_redirects=False)
    body = await resp.text()
    assert resp.status == 200, body
    code = re.search(r'id="receipt-code">(\d{8})<', body).group(1)  # type: ignore[union-attr]
    pin = re.search(r'id="receipt-pin">(\d{6})<', body).group(1)  # type: ignore[union-attr]
    async with kit.db.transaction(write=False) as s:
        filing = await s.scalar(select(KioskFiling).where(KioskFiling.code == code))
        assert filing is not None
        petition = await s.get(Petition, filing.petition_id)
        entries = (await s.scalars(select(AuditEntry))).all()
        assert (await audit.verify(s)).ok
    assert petition is not None and petition.petitioner_name is None and petition.petitioner_contact == ""
    # anonymity by construction (issue 14): no receipt code, no township (the county petition office has it), the day
    assert petition.intake_ref == "" and petition.township_id is None
    local = petition.received_at.astimezone(LOCAL_TZ)
    assert (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0)
    assert not any("4242" in e.actor_label or "4242" in e.change for e in entries)
    assert not any("127.0.0.1" in e.change for e in entries)
    assert not any(code in e.change for e in entries)
    township_staff, petition_office = await new_browser(), await new_browser()
    await township_staff.sign_in("xini1")
    await petition_office.sign_in("petition1")
    assert (await township_staff.get(f"/api/v1/petitions/{petition.id}")).status == 404
    seen = await petition_office.get(f"/api/v1/petitions/{petition.id}")
    assert seen.status == 200 and code not in await seen.text()
    page = await (await petition_office.get(f"/petitions/{petition.id}")).text()
    assert code not in page and kit.clock.now().astimezone(LOCAL_TZ).strftime("%H:%M") not in page
    # the timeline names who registered it in words: a township kiosk, not the label "kiosk:None" it keeps
    assert "kiosk:" not in page and "苏木镇自助接访终端 — 已登记" in page
    # metrics and logs do not date a kiosk filing
    assert "/kiosk" not in await (await browser.get("/metrics")).text()
    stage = await browser.post_form("/kiosk/reception/status", {"code": code, "secret": pin}, headers=headers)
    assert stage.status == 200 and petition.number in await stage.text()
    wrong = await browser.post_form(
        "/kiosk/reception/status", {"code": code, "secret": "000000" if pin != "000000" else "111111"}, headers=headers
    )
    assert wrong.status == 404


async def test_named_written_petition_needs_a_valid_phone(browser, kit):
    headers = await _kiosk_headers(kit)
    resp = await browser.post_form(
        "/kiosk/reception/file",
        {"kind": "appeal", "summary": "对处分决定不服，申请复查。请求重新审查。", "name": "李四", "phone": "abc"},
        headers=headers,
    )
    assert resp.status == 422 and "电话号码" in await resp.text()


async def test_talk_now_queue(browser, new_browser, kit):
    await kit.published([("petition1", MemberKind.STAFF)], days=3, start=kit.today, slot_times="09:00-12:00", leaders=0)
    kit.clock.set(dt.datetime.combine(kit.today, dt.time(9, 30), tzinfo=dt.timezone(dt.timedelta(hours=8))))
    headers = await _kiosk_headers(kit, device=1)
    page = await browser.get("/kiosk/reception/now", headers=headers)
    assert "刘芳" in await page.text()
    official = await kit.user_id("petition1")
    tokens = []
    for device in (1, 2):
        resp = await browser.post_form(
            "/kiosk/reception/now",
            {"official_id": str(official), "name": f"群众{device}"},
            headers=await _kiosk_headers(kit, device),
        )
        assert resp.status == 303
        tokens.append(resp.headers["Location"].rsplit("/", 1)[1])
    second = await (await browser.get(f"/api/v1/kiosk/queue/{tokens[1]}", headers=headers)).json()
    assert second["status"] == "waiting" and second["place"] == 2 and second["wait_minutes"] == 15
    staff = await new_browser()
    assert (await staff.sign_in("petition1")).status == 303
    mine = await (await staff.get("/schedule/mine")).text()
    assert "群众1" in mine and "群众2" in mine
    async with kit.db.transaction(write=False) as s:
        first_id = await s.scalar(select(QueueTicket.id).where(QueueTicket.token == tokens[0]))
    assert (await staff.post_form(f"/schedule/queue/{first_id}/call", {})).status == 303
    first = await (await browser.get(f"/api/v1/kiosk/queue/{tokens[0]}", headers=headers)).json()
    second = await (await browser.get(f"/api/v1/kiosk/queue/{tokens[1]}", headers=headers)).json()
    assert first["status"] == "called" and second["place"] == 1 and second["wait_minutes"] == 0


async def test_json_booking_and_published_rotation(browser, kit):
    await kit.published(days=5)
    data = await (await browser.get("/api/v1/reception")).json()
    assert data["duties"] and all(d["slots"] for d in data["duties"])
    slot = data["duties"][0]["slots"][0]
    headers = await _kiosk_headers(kit)
    made = await browser.post_json(
        "/api/v1/kiosk/bookings", {"slot_id": slot["id"], "name": "周八", "phone": "13812345678"}, headers=headers
    )
    assert made.status == 201 and re.fullmatch(r"\d{8}", (await made.json())["code"])
    bad = await browser.post_json(
        "/api/v1/kiosk/bookings", {"slot_id": slot["id"], "name": "周八", "phone": "1381234"}, headers=headers
    )
    error = (await bad.json())["error"]
    assert bad.status == 422 and error["code"] == "bad_phone" and "电话号码" in error["message"]
    garbage = await browser.post_json("/api/v1/kiosk/bookings", {"slot_id": "x"}, headers=headers)
    assert garbage.status == 422
    missing = await browser.post_json(
        "/api/v1/kiosk/bookings", {"slot_id": 999999, "name": "周八", "phone": "13812345670"}, headers=headers
    )
    assert missing.status == 404 and "时段" in (await missing.json())["error"]["message"]
    assert (
        await browser.post_json("/api/v1/kiosk/bookings", {"slot_id": slot["id"], "name": "a", "phone": "13812345671"})
    ).status == 403


async def test_a_kiosk_page_is_never_kept_by_the_browser(browser, kit):
    """Issue 14, finding 10: Back on a shared screen must not show the previous petitioner's receipt or booking."""
    headers = await _kiosk_headers(kit)
    for path in ("/kiosk/reception", "/kiosk/reception/file", "/kiosk/reception/manage"):
        resp = await browser.get(path, headers=headers)
        assert resp.status == 200, path
        assert resp.headers["Cache-Control"] == "no-store", path
    page = (ROOT / "web/templates/kiosk/base.html").read_text(encoding="utf-8")
    assert "/static/js/kiosk/idle.js" in page


async def test_wrong_receipt_codes_and_filings_are_limited_per_kiosk(browser, kit):
    """Issue 14, finding 11: 2,000 wrong receipt codes were tried and the right one still worked."""
    headers = await _kiosk_headers(kit, device=5151)
    statuses = []
    for i in range(14):
        resp = await browser.post_form(
            "/kiosk/reception/status", {"code": f"{10000000 + i}", "secret": "123456"}, headers=headers
        )
        statuses.append(resp.status)
    assert statuses[:10] == [404] * 10 and set(statuses[10:]) == {429}, statuses
    other = await _kiosk_headers(kit, device=5152)  # another kiosk is not held up
    resp = await browser.post_form("/kiosk/reception/status", {"code": "10000000", "secret": "123456"}, headers=other)
    assert resp.status == 404
    filed = []
    for _ in range(6):
        resp = await browser.post_form(
            "/kiosk/reception/file",
            {"kind": "accusation", "summary": "村干部在低保评定中优亲厚友，收受好处费。", "anonymous": "1"},
            headers=headers,
        )
        filed.append(resp.status)
    assert filed[:4] == [200] * 4 and set(filed[4:]) == {429}, filed
