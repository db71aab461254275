"""End to end in two headless Chromiums: the petition office publishes a rotation; a petitioner books at the kiosk
page; the official sees the booking; at the slot (the fake clock moves) the official brings the kiosk into the
reception room, both join, the official admits the petitioner from the lobby, and the intake form creates a petition
that appears in the petition office's ledger. Media stays on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from hub.clock import LOCAL_TZ
from tests.e2e.conftest import acknowledge_recording_notice, until, watch_errors
from tests.rooms.factories import enrolled_device

pytestmark = pytest.mark.browser
DEADLINE = 30.0
PASSWORD = "hub-demo-2026"


async def _frames(page: Any) -> int:
    return int(await page.get_attribute('[data-part="quality"]', "data-frames-decoded") or 0)


async def test_book_at_kiosk_receive_by_video_and_register_the_petition(chromium, hub_origin, database, clock):  # type: ignore[no-untyped-def]
    origin = hub_origin
    today = clock.now().astimezone(LOCAL_TZ).date()  # Friday 2026-11-27, 09:00 in the county
    errors: list[str] = []

    # the petition office publishes a rotation, in the browser
    staff_context = await chromium.new_context()
    staff = await staff_context.new_page()
    watch_errors(staff, errors)
    await staff.goto(f"{origin}/signin")
    await staff.fill("input[name=username]", "petition1")
    await staff.fill("input[name=password]", PASSWORD)
    await staff.click("button[type=submit]")
    await staff.wait_for_url(f"{origin}/home")
    await staff.goto(f"{origin}/schedule")
    form = "#new-rotation"
    await staff.fill(f"{form} input[name=title]", "十一月下旬轮流接访")
    await staff.fill(f"{form} input[name=starts_on]", today.isoformat())
    await staff.fill(f"{form} input[name=ends_on]", (today + dt.timedelta(days=13)).isoformat())
    await staff.fill(f"{form} input[name=slot_times]", "09:30-10:30,10:30-11:30")
    await staff.fill(f"{form} input[name=leaders_per_day]", "0")
    await staff.click(f"{form} button")
    await staff.wait_for_url(re.compile(r".*/schedule/rotations/\d+$"))
    await staff.check("#member-petition1")
    await staff.click("#roster-form button")
    await staff.click("#generate")
    await staff.wait_for_selector("#duties tr[data-user]")
    await staff.click("#publish")
    await staff.wait_for_selector("text=已公示")

    # a petitioner at the Xini kiosk books the first free time
    device = await enrolled_device(database, "xini.kiosk", clock.now())
    kiosk_context = await chromium.new_context()
    await kiosk_context.add_cookies([{"name": "hub_device", "value": device.credential, "url": origin}])
    kiosk = await kiosk_context.new_page()
    watch_errors(kiosk, errors)
    await kiosk.goto(f"{origin}/kiosk/reception")
    assert "刘芳" in await kiosk.inner_text("main")
    await kiosk.click("a.slot.free >> nth=0")
    await kiosk.fill("input[name=name]", "王秀英")
    await kiosk.fill("input[name=phone]", "139 0477 0001")
    await kiosk.click("button[type=submit]")
    code = (await kiosk.inner_text("#receipt-code")).strip()
    assert re.fullmatch(r"\d{8}", code)

    # the official sees the booking
    await staff.goto(f"{origin}/schedule/mine")
    row = f'#my-bookings tr[data-code="{code}"]'
    assert "王秀英" in await staff.inner_text(row)
    booking_href = await staff.get_attribute(f"{row} a", "href")

    # at the slot: the fake clock moves to five minutes before 09:30
    clock.set(dt.datetime.combine(today, dt.time(9, 25), LOCAL_TZ))
    await staff.goto(f"{origin}{booking_href}")
    await staff.click("#start-call")
    await staff.click("#open-call")
    await staff.wait_for_url(re.compile(r".*/rooms/sessions/\d+/call$"))
    session_id = re.search(r"/rooms/sessions/(\d+)/call", staff.url).group(1)  # type: ignore[union-attr]
    await staff.wait_for_selector('[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")')
    await staff.click('[data-part="join"]')
    await staff.wait_for_selector('[data-part="call"]:visible')

    # the kiosk's receipt page follows the official into the room: the start screen shows the call
    await kiosk.wait_for_url(f"{origin}/kiosk", timeout=DEADLINE * 1000)
    call_button = f'button[data-session="{session_id}"]'
    await kiosk.wait_for_selector(call_button, timeout=DEADLINE * 1000)
    await kiosk.click(call_button)
    await kiosk.wait_for_selector('[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")')
    await kiosk.click('[data-part="join"]')
    assert "同步录音录像" in await acknowledge_recording_notice(kiosk)  # before recording starts
    await kiosk.wait_for_selector('[data-part="lobby"]:visible')
    admit = '[data-part="waiting"] button[data-action="admit"]'
    await staff.wait_for_selector(admit, timeout=DEADLINE * 1000)
    await staff.click(admit)
    await kiosk.wait_for_selector('[data-part="call"]:visible')
    for page in (staff, kiosk):
        await until(lambda p=page: _frames(p), "frames decoded")

    # during the call the official fills the intake form (in a second tab: the call stays up)
    intake = await staff_context.new_page()
    watch_errors(intake, errors)
    await intake.goto(f"{origin}{booking_href}")
    await intake.select_option("#intake-form select[name=kind]", "accusation")
    await intake.fill("#intake-form textarea[name=summary]", "反映嘎查村委会主任在草原补奖资金发放中优亲厚友。")
    await intake.fill("#intake-form input[name=accused_name]", "某嘎查达")
    await intake.click("#intake-submit")
    number = (await intake.inner_text("#petition-number")).strip()
    assert re.fullmatch(r"XF\d{4}-\d{7}", number)

    # the petition is in the petition office's ledger
    await intake.goto(f"{origin}/petitions")
    assert number in await intake.inner_text("main")

    await kiosk.click('[data-part="hangup"]')
    await kiosk.wait_for_selector('[data-part="start"]:visible', timeout=DEADLINE * 1000)
    await kiosk_context.close()
    await staff_context.close()
    assert errors == [], errors


async def test_kiosk_says_in_chinese_when_the_network_is_gone(chromium, hub_origin, database, clock):  # type: ignore[no-untyped-def]
    origin = hub_origin
    device = await enrolled_device(database, "balagong.kiosk", clock.now())
    context = await chromium.new_context()
    await context.add_cookies([{"name": "hub_device", "value": device.credential, "url": origin}])
    page = await context.new_page()
    await page.goto(f"{origin}/kiosk/reception")
    notice = "#kiosk-offline"
    assert not await page.is_visible(notice)
    await context.set_offline(True)
    await page.wait_for_selector(f"{notice}:visible", timeout=DEADLINE * 1000)
    assert "网络已断开" in await page.inner_text(notice)
    await context.set_offline(False)
    await page.wait_for_selector(notice, state="hidden", timeout=DEADLINE * 1000)
    await context.close()


async def test_anonymous_written_petition_with_camera_photographs(chromium, hub_origin, database, clock):  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from hub.audit import AuditEntry
    from hub.cases.models import Petition
    from hub.schedule.models import FilingPhoto, KioskFiling

    origin = hub_origin
    device = await enrolled_device(database, "duguitala.kiosk", clock.now())
    context = await chromium.new_context()
    await context.add_cookies([{"name": "hub_device", "value": device.credential, "url": origin}])
    page = await context.new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    await page.goto(f"{origin}/kiosk/reception/file")
    await page.select_option("select[name=kind]", "accusation")
    await page.fill("textarea[name=summary]", "镇里某站所负责人长期虚报冒领补贴，附有相关票据照片。")
    await page.check("#anonymous")
    assert not await page.is_visible("input[name=phone]")  # anonymous: no name or phone asked
    await page.click("#camera-start")
    await page.wait_for_selector("#camera-shoot:visible")
    await until(lambda: page.evaluate("() => document.getElementById('camera-view').videoWidth > 0"), "the camera picture")
    await page.click("#camera-shoot")
    await page.click("#camera-shoot")
    await until(
        lambda: page.evaluate("() => document.getElementById('photo-count').textContent.endsWith('2')"), "two photographs"
    )
    async with database.transaction(write=False) as s:
        before = await s.scalar(select(func.max(AuditEntry.seq)))
    await page.click("#filing-form button[type=submit]")
    await page.wait_for_selector("#receipt-pin")
    code = (await page.inner_text("#receipt-code")).strip()
    async with database.transaction(write=False) as s:
        filing = await s.scalar(select(KioskFiling).where(KioskFiling.code == code))
        assert filing is not None
        photos = await s.scalar(select(func.count()).select_from(FilingPhoto).where(FilingPhoto.filing_id == filing.id))
        petition = await s.get(Petition, filing.petition_id)
        after = (await s.scalars(select(AuditEntry).where(AuditEntry.seq > before))).all()
    assert photos == 2
    assert petition is not None and petition.petitioner_name is None and petition.petitioner_contact == ""
    assert after  # the petition and the photographs are audited ...
    assert not any(str(device.device.id) in e.actor_label or "device" in e.change for e in after)  # ... without the kiosk
    await context.close()
    assert errors == [], errors
