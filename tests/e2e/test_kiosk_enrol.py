"""In real browsers: an administrator makes an enrolment code, the kiosk types it once and opens in kiosk mode;
revocation sends the kiosk back to enrolment; a staff member without the right to a session is refused."""

from __future__ import annotations

import pytest

from hub.rooms.models import SessionKind
from tests.rooms.factories import planned_session

pytestmark = pytest.mark.browser


async def _sign_in(page, origin: str, username: str) -> None:  # type: ignore[no-untyped-def]
    await page.goto(f"{origin}/signin")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", "hub-demo-2026")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{origin}/home")


# the browser is the subject here; the same endpoints run on PostgreSQL in tests/rooms
@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_enrol_a_kiosk_in_the_browser_and_revoke_it(chromium, live_url, settings, database, clock):  # type: ignore[no-untyped-def]
    settings.public_origin = live_url
    errors: list[str] = []
    admin_context = await chromium.new_context()
    admin = await admin_context.new_page()
    admin.on("pageerror", lambda exc: errors.append(str(exc)))
    await _sign_in(admin, live_url, "admin")
    await admin.click("text=房间与终端")
    await admin.wait_for_url(f"{live_url}/rooms")
    row = admin.locator('tr[data-room="xini.kiosk"]')
    await row.locator("input[name=label]").fill("锡尼镇大厅终端")
    await row.locator("button").click()
    code = await admin.get_attribute("[data-code]", "data-code")
    assert code and len(code) == 14

    kiosk_context = await chromium.new_context()
    kiosk = await kiosk_context.new_page()
    kiosk.on("pageerror", lambda exc: errors.append(str(exc)))
    kiosk.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" and "401" not in msg.text else None)
    await kiosk.goto(f"{live_url}/kiosk")
    await kiosk.wait_for_url(f"{live_url}/kiosk/enrol")
    await kiosk.fill("input[name=code]", code)
    await kiosk.click("button[type=submit]")
    await kiosk.wait_for_url(f"{live_url}/kiosk")
    assert "锡尼镇自助接访终端" in await kiosk.inner_text("h1")
    await kiosk.wait_for_selector('[data-part="idle"]:has-text("目前本房间没有待接入的视频通话")')
    cookie = next(c for c in await kiosk_context.cookies() if c["name"] == "hub_device")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert await kiosk.evaluate("() => document.cookie.includes('hub_device')") is False

    await admin.goto(f"{live_url}/rooms")
    assert "在线" in await admin.inner_text('tr[data-room="xini.kiosk"]')
    await admin.locator('tr[data-room="xini.kiosk"] button:has-text("吊销")').click()
    await admin.wait_for_url(f"{live_url}/rooms")
    assert "已吊销" in await admin.inner_text('tr[data-room="xini.kiosk"]')
    await kiosk.wait_for_url(f"{live_url}/kiosk/enrol", timeout=15000)  # the next heartbeat finds it revoked

    session_id = await planned_session(
        database, "group1.1", ["county.interview.1", "xini.interview"], clock.now(), kind=SessionKind.INTERVIEW, open_now=True
    )
    outsider_context = await chromium.new_context()
    outsider = await outsider_context.new_page()
    await _sign_in(outsider, live_url, "group2.1")
    page = await outsider.goto(f"{live_url}/rooms/sessions/{session_id}/call")
    assert page is not None and page.status == 404
    token = await outsider.evaluate(
        """async (id) => {
            const csrf = document.querySelector('meta[name="csrf-token"]').content;
            const r = await fetch(`/api/v1/room-sessions/${id}/token`, {method: "POST",
                headers: {"X-CSRF-Token": csrf, "Content-Type": "application/json"}, body: "{}"});
            return r.status; }""",
        session_id,
    )
    assert token == 404
    for context in (admin_context, kiosk_context, outsider_context):
        await context.close()
    assert errors == [], errors
