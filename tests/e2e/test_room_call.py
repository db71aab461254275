"""A kiosk and an interviewer join the same room session through the UI in two headless Chromiums.

The host admits the kiosk from the lobby, both pages decode video from each other (getStats), the kiosk
hangs up and is back on its start screen with nothing of the call left. Media stays on 127.0.0.1.
"""

from __future__ import annotations

from typing import Any

import pytest

from hub.rooms.models import SessionKind
from hub.rooms.participants import ParticipantRole
from hub.signaling.keys import SIGNALING
from tests.e2e.conftest import acknowledge_recording_notice, until, watch_errors
from tests.rooms.factories import enrolled_device, planned_session

pytestmark = pytest.mark.browser

DEADLINE = 30.0


async def _frames(page: Any) -> int:
    return int(await page.get_attribute('[data-part="quality"]', "data-frames-decoded") or 0)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_kiosk_and_interviewer_call_through_the_ui(chromium, hub_origin, app, database, clock):  # type: ignore[no-untyped-def]
    origin = hub_origin
    device = await enrolled_device(database, "xini.kiosk", clock.now())
    session_id = await planned_session(
        database,
        "group1.1",
        ["county.interview.1", "xini.kiosk"],
        clock.now(),
        kind=SessionKind.RECEPTION,
        rooms={"xini.kiosk": ParticipantRole.PETITIONER},
    )
    errors: list[str] = []

    staff_context = await chromium.new_context()
    staff = await staff_context.new_page()
    watch_errors(staff, errors)
    await staff.goto(f"{origin}/signin")
    await staff.fill("input[name=username]", "group1.1")
    await staff.fill("input[name=password]", "hub-demo-2026")
    await staff.click("button[type=submit]")
    await staff.wait_for_url(f"{origin}/home")
    await staff.goto(f"{origin}/rooms/sessions/{session_id}/call")
    await staff.wait_for_selector('[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")')
    await staff.click('[data-part="join"]')  # the host's token opens the planned session
    await staff.wait_for_selector('[data-part="call"]:visible')

    kiosk_context = await chromium.new_context()
    await kiosk_context.add_cookies([{"name": "hub_device", "value": device.credential, "url": origin}])
    kiosk = await kiosk_context.new_page()
    watch_errors(kiosk, errors)
    await kiosk.goto(f"{origin}/kiosk")
    call_button = f'button[data-session="{session_id}"]'
    await kiosk.wait_for_selector(call_button, timeout=DEADLINE * 1000)  # the heartbeat's answer shows the call
    await kiosk.click(call_button)
    await kiosk.wait_for_selector('[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")')
    await kiosk.click('[data-part="join"]')
    assert "同步录音录像" in await acknowledge_recording_notice(kiosk)  # before recording starts
    await kiosk.wait_for_selector('[data-part="lobby"]:visible')
    assert "请稍候" in await kiosk.inner_text('[data-part="lobby"]')

    # the host sees the petitioner waiting and admits them
    admit = '[data-part="waiting"] button[data-action="admit"]'
    await staff.wait_for_selector(admit, timeout=DEADLINE * 1000)
    assert "信访人" in await staff.inner_text('[data-part="waiting"]')
    await staff.click(admit)
    await kiosk.wait_for_selector('[data-part="call"]:visible')

    for page in (staff, kiosk):
        first = await until(lambda p=page: _frames(p), "frames decoded")
        await until(lambda p=page, f=first: _grown(p, f), "frames decoded to grow")
    assert "信访人" in await staff.inner_text('[data-part="people"]')

    # muting shows on the other side; recording shows on both
    await kiosk.click('[data-part="mute"]')
    assert await kiosk.get_attribute('[data-part="mute"]', "aria-pressed") == "true"
    await until(lambda: _people_with(staff, "已静音"), "the host to see the kiosk muted")
    await kiosk.click('[data-part="mute"]')
    await until(lambda: _people_without(staff, "已静音"), "the host to see the kiosk unmuted")
    app[SIGNALING].set_recording(f"session-{session_id}", True)
    for page in (staff, kiosk):
        await page.wait_for_selector('[data-part="recording"]:visible')
    # the recorder stops (the store is full): both see 未在录制 and why; the host confirms, the kiosk cannot
    app[SIGNALING].set_recording(f"session-{session_id}", False, "disk_full", acknowledge=True)
    for page in (staff, kiosk):
        await page.wait_for_selector('[data-part="not-recording"]:visible')
        assert "证据存储空间已满" in await page.inner_text('[data-part="not-recording"]')
        assert not await page.is_visible('[data-part="recording"]')
    assert not await kiosk.is_visible('[data-part="acknowledge"]')
    await staff.click('[data-part="acknowledge"]')
    await staff.wait_for_selector('[data-part="acknowledge"]', state="hidden")
    app[SIGNALING].set_recording(f"session-{session_id}", True)
    for page in (staff, kiosk):
        await page.wait_for_selector('[data-part="not-recording"]', state="hidden")
        await page.wait_for_selector('[data-part="recording"]:visible')

    # the network drops the kiosk's connection: it shows the banner, rejoins by itself and keeps its place
    await kiosk.evaluate(
        """() => { const banner = document.querySelector('[data-part="reconnect"]');
                   new MutationObserver(() => { if (!banner.hidden) window.__bannerShown = true; })
                     .observe(banner, {attributes: true}); }"""
    )
    service = app[SIGNALING]
    dropped = [c for c in service.connections if c.participant == f"device-{device.device.id}"]
    assert len(dropped) == 1
    await dropped[0].ws.close()
    await until(lambda: kiosk.evaluate("() => window.__bannerShown === true"), "the reconnect banner")
    await kiosk.wait_for_selector('[data-part="reconnect"]', state="hidden", timeout=DEADLINE * 1000)
    assert await kiosk.is_visible('[data-part="call"]') and not await kiosk.is_visible('[data-part="lobby"]')
    assert await kiosk.inner_text('[data-part="role"]') == "信访人"
    again = await until(lambda: _frames(kiosk), "frames after the rejoin")
    await until(lambda: _grown(kiosk, again + 10), "frames to grow after the rejoin")
    assert "信访人" in await staff.inner_text('[data-part="people"]')

    await kiosk.click('[data-part="hangup"]')
    await kiosk.wait_for_selector('[data-part="finished"]:visible')
    await kiosk.wait_for_selector('[data-part="start"]:visible', timeout=DEADLINE * 1000)
    leftovers = await kiosk.evaluate(
        """() => ({
            media: [...document.querySelectorAll('video, audio')].filter(e => e.srcObject).length,
            people: document.querySelectorAll('[data-part="people"] li, [data-part="stage"] *').length,
        })"""
    )
    assert leftovers == {"media": 0, "people": 0}
    # the host sees the petitioner leave
    await until(lambda: _people_without(staff, "信访人"), "the kiosk to leave the host's list")

    await kiosk_context.close()
    await staff_context.close()
    assert errors == [], errors


async def _grown(page: Any, before: int) -> bool:
    return await _frames(page) > before


async def _people_with(page: Any, text: str) -> bool:
    return text in await page.inner_text('[data-part="people"]')


async def _people_without(page: Any, text: str) -> bool:
    return text not in await page.inner_text('[data-part="people"]')
