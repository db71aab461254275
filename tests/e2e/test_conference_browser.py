"""A chair and three township venues in four headless Chromiums (issue 12, 会控).

The chair's board shows the venues ready from their own getStats figures; a roll call of venue 2 makes its picture the
broadcast at venues 1 and 3 and opens its microphone, and venue 2 answers; mute all silences the venues, and a muted
venue cannot unmute itself; a request to speak reaches the chair with its place and waiting time and is granted; the
chair ends the conference. Every page hides its camera check once joined. Media stays on 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from playwright.async_api import TimeoutError as PlaywrightTimeout
from sqlalchemy import select

from hub.auth.interface import User
from hub.rooms.models import Room
from tests.e2e.conftest import until, watch_errors
from tests.rooms.factories import enrolled_device

pytestmark = pytest.mark.browser

DEADLINE = 45.0
READY = '[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")'
TOWNSHIPS = ["xini1", "balagong1", "jirigalangtu1"]
TITLE = "全旗纪检监察业务培训会（测试）"


async def _user_ids(database: Any, names: list[str]) -> dict[str, int]:
    async with database.transaction() as s:
        rows = (await s.execute(select(User.username, User.id).where(User.username.in_(names)))).all()
    return {name: uid for name, uid in rows}


async def _sign_in(chromium: Any, origin: str, username: str, errors: list[str]) -> Any:
    context = await chromium.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    watch_errors(page, errors)
    page.on("dialog", lambda dialog: dialog.accept())  # "end the conference for every venue?"
    await page.goto(f"{origin}/signin")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", "hub-demo-2026")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{origin}/home")
    return page


SCHEDULE = """async ([body]) => {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const r = await fetch('/api/v1/conferences', {method: 'POST', body: JSON.stringify(body),
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}});
  return [r.status, await r.json()];
}"""


async def _schedule(chair: Any, database: Any, clock: Any, people: list[int], rooms: list[int] | None = None) -> dict[str, Any]:
    """The leader schedules it from the county hall, starting in five minutes, the township staff invited."""
    async with database.transaction() as s:
        hall = await s.scalar(select(Room.id).where(Room.code == "county.hall"))
        codes = [f"{name[:-1]}.interview" for name in TOWNSHIPS]
        if rooms is None:
            rooms = list(await s.scalars(select(Room.id).where(Room.code.in_(codes))))
    start = clock.now() + dt.timedelta(minutes=5)
    body = {
        "title": TITLE,
        "starts_at": start.isoformat(),
        "ends_at": (start + dt.timedelta(hours=2)).isoformat(),
        "main_room": hall,
        "venue_rooms": rooms,
        "people": people,
    }
    status, made = await chair.evaluate(SCHEDULE, [body])
    assert status == 201, made
    return dict(made)


async def _join(page: Any, origin: str, session_id: int) -> Any:
    await page.goto(f"{origin}/rooms/sessions/{session_id}/call")
    await page.wait_for_selector(READY, timeout=DEADLINE * 1000)
    await page.click('[data-part="join"]')
    await page.wait_for_selector('[data-part="call"]:visible', timeout=DEADLINE * 1000)
    assert not await page.is_visible('[data-part="prejoin"]'), "the camera check stays after joining"
    return page


async def _main_is(page: Any, participant: str) -> bool:
    found = await page.get_attribute('[data-part="stage"] figure[data-slot="main"]', "data-participant")
    return found == participant


async def _frames(page: Any) -> int:
    return int(await page.get_attribute('[data-part="quality"]', "data-frames-decoded") or 0)


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_chair_and_three_venues(chromium, hub_origin, app, database, clock):  # type: ignore[no-untyped-def]
    origin = hub_origin
    uids = await _user_ids(database, ["leader", *TOWNSHIPS])
    ids = {name: f"user-{uid}" for name, uid in uids.items()}
    errors: list[str] = []
    chair = await _sign_in(chromium, origin, "leader", errors)
    conference = await _schedule(chair, database, clock, [uids[name] for name in TOWNSHIPS])
    session_id = conference["session"]
    pages = [chair]
    try:
        await _join(chair, origin, session_id)
        await chair.wait_for_selector('[data-part="console"]:visible', timeout=DEADLINE * 1000)
        for name in TOWNSHIPS:
            pages.append(await _join(await _sign_in(chromium, origin, name, errors), origin, session_id))
        venues = pages[1:]
        v1, v2, v3 = venues
        for venue in venues:
            await venue.wait_for_selector('[data-part="venue-panel"]:visible', timeout=DEADLINE * 1000)
            assert not await venue.is_visible('[data-part="console"]')

        # the board: each venue ready, from the figures its page reads from getStats
        for name in TOWNSHIPS:
            row = f'[data-part="board"] li[data-venue="{ids[name]}"][data-ready="true"]'
            await chair.wait_for_selector(row, timeout=DEADLINE * 1000)
            text = await chair.inner_text(f'[data-part="board"] li[data-venue="{ids[name]}"]')
            assert "就绪" in text and "已连接" in text and "摄像头开" in text and "麦克风开" in text, text
            # the network figures it reported (its first report may come before the connection is up)
            await until(lambda n=name: _row_has(chair, ids[n], " ms"), "the round trip on the board", DEADLINE)
            await until(lambda n=name: _row_has(chair, ids[n], "网络良好"), "the network judged good", DEADLINE)

        # dual stream: each venue sends its camera large and a small clone; the chair's wall gets the small ones
        await until(lambda: _thumb_widths(chair), "small pictures decoded on the chair's wall", DEADLINE)
        assert all(0 < width <= 320 for width in await _thumb_widths(chair)), await _thumb_widths(chair)

        # each venue sees who is in, and signs in with the people present; the board shows the number
        await until(lambda: _has(v1, '[data-part="people"]', "王建国"), "the chair in venue 1's list")
        await v1.fill('[data-part="people-present"]', "12")
        await v1.click('[data-part="sign-in-button"]')
        await v1.wait_for_selector('[data-part="signed-in"]:has-text("到会 12 人")', timeout=DEADLINE * 1000)
        await until(lambda: _row_has(chair, ids["xini1"], "到会 12 人"), "the people present on the board", DEADLINE)

        # mute all: every venue is told, and a muted venue cannot unmute itself
        await chair.click('[data-part="mute-all"]')
        for venue in venues:
            await venue.wait_for_selector('[data-part="muted-by-chair"]:visible', timeout=DEADLINE * 1000)
        await v1.click('[data-part="mute"]')  # its own microphone off: always allowed
        await v1.click('[data-part="mute"]')  # and on again: refused while the chair holds it muted
        assert await v1.get_attribute('[data-part="mute"]', "aria-pressed") == "true"
        assert "主会场已将本会场静音" in await v1.inner_text('[data-part="notice"]')

        # roll call of venue 2: its picture is the broadcast at venues 1 and 3, its microphone open
        await chair.click(f'[data-part="board"] li[data-venue="{ids["balagong1"]}"] button[data-action="roll-call"]')
        await v2.wait_for_selector('[data-part="roll-call"]:visible', timeout=DEADLINE * 1000)
        await v2.wait_for_selector('[data-part="muted-by-chair"]', state="hidden", timeout=DEADLINE * 1000)
        for venue in (v1, v3):
            await until(lambda p=venue: _main_is(p, ids["balagong1"]), "venue 2 on the main picture", DEADLINE)
            assert "巴拉贡镇" in await venue.inner_text('[data-part="broadcast-now"]')
            before = await _frames(venue)
            await until(lambda p=venue, b=before: _grown(p, b + 15), "frames of venue 2 decoded", DEADLINE)
        assert await v1.is_visible('[data-part="muted-by-chair"]')  # the others stay muted
        await v2.click('[data-part="answer-roll-call"]')
        await v2.wait_for_selector('[data-part="roll-call-answered"]:visible')
        await until(lambda: _row_has(chair, ids["balagong1"], "已应答"), "the answer on the board", DEADLINE)

        # a request to speak reaches the chair, with its place and waiting time, and is granted
        await v3.click('[data-part="request-floor"]')
        await v3.wait_for_selector('[data-part="floor-state"]:has-text("排在第 1 位")', timeout=DEADLINE * 1000)
        request = f'[data-part="requests"] li[data-venue="{ids["jirigalangtu1"]}"]'
        await chair.wait_for_selector(request, timeout=DEADLINE * 1000)
        assert "1. " in await chair.inner_text(request) and "已等候" in await chair.inner_text(request)
        await chair.click(f'{request} button[data-action="grant"]')
        await v3.wait_for_selector('[data-part="floor-state"]:has-text("已准予本会场发言")', timeout=DEADLINE * 1000)
        await v3.wait_for_selector('[data-part="muted-by-chair"]', state="hidden", timeout=DEADLINE * 1000)
        await until(lambda: _main_is(v1, ids["jirigalangtu1"]), "venue 3 on venue 1's main picture", DEADLINE)
        await chair.wait_for_selector(request, state="detached", timeout=DEADLINE * 1000)

        # content sharing: the chair shares its screen beside its camera; the venues see it large
        await chair.click('[data-part="share"]')
        for venue in (v1, v3):
            await venue.wait_for_selector('[data-part="stage"] figure.content:not(.empty)', timeout=DEADLINE * 1000)
            await until(lambda p=venue: _content_width(p), "the shared screen decoded", DEADLINE)
        assert await chair.get_attribute('[data-part="share"]', "aria-pressed") == "true"
        await chair.click('[data-part="share"]')
        await v1.wait_for_selector('[data-part="stage"] figure.content.empty', state="attached", timeout=DEADLINE * 1000)

        # the console on a phone: pictures above, the console below, nothing wider than the screen
        await chair.set_viewport_size({"width": 390, "height": 844})
        stage = await chair.locator(".stage-wrap").bounding_box()
        assert stage is not None and stage["width"] >= 350, stage
        assert await chair.is_visible('[data-part="console"]')
        assert await chair.evaluate("() => document.documentElement.scrollWidth") <= 390
        await chair.set_viewport_size({"width": 1280, "height": 800})

        # the chair ends it: every venue is told
        await chair.click('[data-part="end-conference"]')
        for venue in venues:
            await venue.wait_for_selector('[data-part="finished"]:visible', timeout=DEADLINE * 1000)
            assert "会议已结束" in await venue.inner_text('[data-part="finished"]')
        # the attendance sheet keeps it: who signed in with how many, who answered the roll call
        sheet = await chair.evaluate(f"async () => (await fetch('/api/v1/conferences/{conference['id']}/attendance')).json()")
        rows = {row["participant"]: row for row in sheet["rows"]}
        assert rows[ids["xini1"]]["people"] == 12 and rows[ids["xini1"]]["joined_at"]
        assert rows[ids["balagong1"]]["roll_call_answered_at"] and rows[ids["balagong1"]]["left_at"]
    finally:
        for page in pages:
            await page.context.close()
    assert errors == [], errors


async def _grown(page: Any, at_least: int) -> bool:
    return await _frames(page) >= at_least


async def _content_width(page: Any) -> int:
    width: int = await page.evaluate(
        """() => { const v = document.querySelector('[data-part="stage"] figure.content video');
                   return v ? v.videoWidth : 0; }"""
    )
    return width


async def _thumb_widths(page: Any) -> list[int]:
    widths: list[int] = await page.evaluate(
        """() => [...document.querySelectorAll('[data-part="stage"] figure.thumb:not(.empty) video')]
                   .map(v => v.videoWidth).filter(w => w > 0)"""
    )
    return widths


async def _has(page: Any, selector: str, text: str) -> bool:
    return text in await page.inner_text(selector)


async def _row_has(page: Any, venue: str, text: str) -> bool:
    return text in await page.inner_text(f'[data-part="board"] li[data-venue="{venue}"]')


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_a_township_terminal_takes_part_as_a_venue(chromium, hub_origin, database, clock):  # type: ignore[no-untyped-def]
    """The township room's enrolled terminal (the kiosk browser) joins the conference its room is invited to: it gets
    the venue's panel with large touch targets, and its request to speak reaches the chair."""
    origin = hub_origin
    device = await enrolled_device(database, "xini.kiosk", clock.now())
    errors: list[str] = []
    chair = await _sign_in(chromium, origin, "leader", errors)
    async with database.transaction() as s:
        kiosk_room = await s.scalar(select(Room.id).where(Room.code == "xini.kiosk"))
    conference = await _schedule(chair, database, clock, [], rooms=[kiosk_room])
    context = await chromium.new_context(viewport={"width": 1280, "height": 800}, has_touch=True)
    await context.add_cookies([{"name": "hub_device", "value": device.credential, "url": origin}])
    kiosk = await context.new_page()
    watch_errors(kiosk, errors)
    try:
        await _join(chair, origin, conference["session"])  # the chair opens it
        await kiosk.goto(f"{origin}/kiosk")
        start = f'button[data-session="{conference["session"]}"]'
        await kiosk.wait_for_selector(start, timeout=DEADLINE * 1000)
        await kiosk.tap(start)
        await kiosk.wait_for_selector(READY, timeout=DEADLINE * 1000)
        await kiosk.tap('[data-part="join"]')
        notice = kiosk.locator('dialog.recording-notice button[data-decision="acknowledged"]')
        with contextlib.suppress(PlaywrightTimeout):  # a recorded conference may ask first
            await notice.click(timeout=5000)
        await kiosk.wait_for_selector('[data-part="venue-panel"]:visible', timeout=DEADLINE * 1000)
        assert not await kiosk.is_visible('[data-part="prejoin"]')
        box = await kiosk.locator('[data-part="request-floor"]').bounding_box()
        assert box is not None and box["height"] >= 44
        await kiosk.tap('[data-part="request-floor"]')
        await chair.wait_for_selector(
            f'[data-part="requests"] li[data-venue="device-{device.device.id}"]', timeout=DEADLINE * 1000
        )
        assert "锡尼镇" in await chair.inner_text('[data-part="requests"]')
    finally:
        await context.close()
        await chair.context.close()
    assert errors == [], errors
