"""The call page once joined (issue 12): the camera check is gone, the call fills the screen with its controls in one
bar of large touch targets, on a wide screen and on a phone, and whoever speaks is highlighted.

The host joins on a 1280×720 screen, the clerk on a 390×844 touch phone; both in headless Chromium with the fake
camera and microphone (whose beeps are speech enough for the audio level), media on 127.0.0.1.
"""

from __future__ import annotations

from typing import Any

import pytest

from hub.rooms.participants import ParticipantRole
from tests.e2e.conftest import until, watch_errors
from tests.rooms.factories import planned_session

pytestmark = pytest.mark.browser

DEADLINE = 30.0
READY = '[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")'


async def _signed_in_call(chromium: Any, origin: str, username: str, session_id: int, **context: Any) -> Any:
    ctx = await chromium.new_context(**context)
    page = await ctx.new_page()
    await page.goto(f"{origin}/signin")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", "hub-demo-2026")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{origin}/home")
    await page.goto(f"{origin}/rooms/sessions/{session_id}/call")
    await page.wait_for_selector(READY, timeout=DEADLINE * 1000)
    assert await page.is_visible('[data-part="prejoin"]')  # the camera check comes first
    return page


async def _box(page: Any, selector: str) -> dict[str, float]:
    box = await page.locator(selector).bounding_box()
    assert box is not None, f"{selector} is not laid out"
    return dict(box)


async def _camera_check_gone(page: Any) -> None:
    assert not await page.is_visible('[data-part="prejoin"]'), "the camera check stays above the call"
    assert not await page.is_visible('[data-part="preview"]')
    # the preview gave its camera to the call: nothing of the check keeps the camera open
    assert await page.evaluate("() => document.querySelector('[data-part=\"preview\"]').srcObject === null")


async def _controls_fit(page: Any, width: float, height: float) -> None:
    """Every control of the bar is on the screen and at least 44 px each way (a finger's target)."""
    for name in ("mute", "camera", "hangup"):
        box = await _box(page, f'[data-part="{name}"]')
        assert box["width"] >= 44 and box["height"] >= 44, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (name, box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, (name, box)
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_joined_call_hides_the_camera_check_and_fills_the_screen(chromium, hub_origin, database, clock):  # type: ignore[no-untyped-def]
    origin = hub_origin
    session_id = await planned_session(
        database, "group1.1", ["county.interview.1", "county.interview.2"], clock.now(), staff={"group1.2": ParticipantRole.CLERK}
    )
    errors: list[str] = []

    host = await _signed_in_call(chromium, origin, "group1.1", session_id, viewport={"width": 1280, "height": 720})
    watch_errors(host, errors)
    await host.click('[data-part="join"]')
    await host.wait_for_selector('[data-part="call"]:visible')
    await _camera_check_gone(host)
    call = await _box(host, '[data-part="call"]')
    assert call["width"] >= 1279 and call["height"] >= 719, call  # the call fills the screen
    await _controls_fit(host, 1280, 720)
    assert await host.is_visible('[data-part="people-panel"]')  # a wide screen shows the people beside the pictures
    assert "本人" in await host.inner_text('[data-part="people"]')  # ourselves first in the list
    assert await host.is_visible('[data-part="stage-empty"]')  # alone: says so instead of a black box
    assert await host.inner_text('[data-part="hangup"]') == "挂断"  # words, in Chinese
    assert await host.is_visible('[data-part="fullscreen"]')
    await host.click('[data-part="fullscreen"]')
    await until(lambda: host.evaluate("() => document.fullscreenElement !== null"), "full screen")
    # the label follows the browser's fullscreenchange event, which may come a moment after fullscreenElement is set
    await until(
        lambda: host.evaluate("() => document.querySelector('[data-part=\"fullscreen\"]').innerText === '退出全屏'"),
        "the button saying 退出全屏",
    )
    await host.click('[data-part="fullscreen"]')
    await until(lambda: host.evaluate("() => document.fullscreenElement === null"), "full screen left")

    phone_size = {"width": 390, "height": 844}
    phone = await _signed_in_call(chromium, origin, "group1.2", session_id, viewport=phone_size, has_touch=True, is_mobile=True)
    watch_errors(phone, errors)
    await phone.tap('[data-part="join"]')
    await phone.wait_for_selector('[data-part="call"]:visible')
    await _camera_check_gone(phone)
    await _controls_fit(phone, 390, 844)
    # on a phone the pictures get the screen; the people list opens from the bar, by touch
    assert not await phone.is_visible('[data-part="people-panel"]')
    await phone.tap('[data-part="people-toggle"]')
    await phone.wait_for_selector('[data-part="people"]:visible')
    assert "记录人" in await phone.inner_text('[data-part="people"]')

    # each sees the other's picture, and whoever speaks is highlighted and named
    await host.wait_for_selector('[data-part="stage"] figure.slot:not(.empty)', timeout=DEADLINE * 1000)
    assert not await host.is_visible('[data-part="stage-empty"]')
    speaker = "() => document.querySelector('[data-part=\"speaking-now\"]').textContent !== ''"
    await until(lambda: host.evaluate(speaker), "a speaker")
    assert "发言" in await host.inner_text('[data-part="speaking-now"]')
    await host.wait_for_selector('[data-part="people"] li.speaking, .self-view.speaking, figure.slot.speaking', state="attached")

    for page in (host, phone):
        await page.context.close()
    assert errors == [], errors
