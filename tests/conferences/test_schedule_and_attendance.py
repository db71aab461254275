"""Scheduling a conference over the JSON API (rooms booked without conflicts), then the wired hub: an invited township
room joins without the lobby, signs in, answers the roll call; the attendance sheet keeps it (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest
from sqlalchemy import select

from hub.clock import LOCAL_TZ
from hub.conferences.models import ConsoleEvent
from hub.conferences.store import DatabaseStore
from hub.demo.venues import SignedInClient
from hub.rooms.models import RoomSession
from hub.signaling.client import HubClient
from hub.signaling.keys import ALLOWED_ORIGIN
from tests.rooms.factories import enrolled_device, room_id
from tests.support.clients import Browser

TOWNS = ["xini", "balagong", "jirigalangtu", "huhemudu", "duguitala", "yihewusu"]


async def eventually(condition: Callable[[], bool], limit: float = 10.0) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.05)


@pytest.fixture
async def wired(aiohttp_client, app, settings, seeded):  # type: ignore[no-untyped-def]
    """A signed-out browser on a hub whose WebSocket takes the origin HubClient sends; `.client` opens more."""
    app[ALLOWED_ORIGIN] = "http://127.0.0.1"
    return Browser(await aiohttp_client(app))


def _at(hour: int, minute: int = 0) -> str:
    return dt.datetime(2026, 11, 27, hour, minute, tzinfo=LOCAL_TZ).isoformat()


async def _schedule(browser: Any, database: Any, **changes: Any) -> Any:
    body = {
        "title": "全旗纪检监察干部业务培训会",
        "starts_at": _at(14),
        "ends_at": _at(16),
        "main_room": await room_id(database, "county.hall"),
        "venue_rooms": [await room_id(database, f"{t}.interview") for t in TOWNS],
        **changes,
    }
    return await browser.post_json("/api/v1/conferences", body)


async def test_schedule_refuses_bad_input_and_double_bookings(browser, new_browser, database, seeded):
    await browser.sign_in("group1.1")
    bad = await _schedule(browser, database, ends_at=_at(13))
    assert bad.status == 422, await bad.text()
    assert "ends_at" in (await bad.json())["error"]["fields"]
    wrong_main = await _schedule(browser, database, main_room=await room_id(database, "xini.interview"))
    assert wrong_main.status == 422
    made = await _schedule(browser, database)
    assert made.status == 201, await made.text()
    conference = await made.json()
    assert conference["status"] == "planned" and len(conference["venues"]) == 6
    assert conference["main_room"]["name"] == "旗纪委会议室"
    clash = await _schedule(
        browser, database, starts_at=_at(15), ends_at=_at(17), venue_rooms=[await room_id(database, "xini.interview")]
    )
    assert clash.status == 409
    assert (await clash.json())["error"]["code"] == "room_booked"
    later = await _schedule(browser, database, starts_at=_at(16), ends_at=_at(17))
    assert later.status == 201, "back to back is no clash"

    listed = await (await browser.get("/api/v1/conferences")).json()
    assert [c["id"] for c in listed["conferences"]] == [conference["id"], (await later.json())["id"]]
    # someone not invited sees nothing of it
    stranger = await new_browser()
    await stranger.sign_in("group5.1")
    assert (await stranger.get(f"/api/v1/conferences/{conference['id']}")).status == 404
    assert (await (await stranger.get("/api/v1/conferences")).json())["conferences"] == []
    # township staff do not schedule conferences
    township = await new_browser()
    await township.sign_in("xini1")
    assert (await _schedule(township, database, starts_at=_at(18), ends_at=_at(19))).status == 403


async def test_an_extended_conference_keeps_its_rooms_booked(browser, database, seeded):
    """The chair extends the meeting by half an hour: its rooms stay booked for that half hour too (the room session's
    planned end, which bookings read, follows the conference's end)."""
    await browser.sign_in("group1.1")
    made = await _schedule(browser, database)
    assert made.status == 201, await made.text()
    conference = await made.json()
    longer = dt.datetime.fromisoformat(_at(16, 30))
    await DatabaseStore(database).extended(conference["id"], longer)
    async with database.transaction(write=False) as s:
        room_session = await s.get(RoomSession, conference["session"])
        assert room_session is not None and room_session.planned_end == longer
    xini = [await room_id(database, "xini.interview")]
    clash = await _schedule(browser, database, starts_at=_at(16), ends_at=_at(17), venue_rooms=xini)
    assert clash.status == 409, await clash.text()
    after = await _schedule(browser, database, starts_at=_at(16, 30), ends_at=_at(17), venue_rooms=xini)
    assert after.status == 201, await after.text()


async def test_an_invited_room_joins_directly_signs_in_answers_and_the_sheet_keeps_it(aiohttp_client, wired, database, clock):
    browser = wired
    device = await enrolled_device(database, "xini.interview", clock.now())
    await browser.sign_in("group1.1")
    made = await _schedule(browser, database, starts_at=_at(9), ends_at=_at(11))
    assert made.status == 201, await made.text()
    conference = await made.json()
    session_id = conference["session"]

    host_seat = await (await browser.post_json(f"/api/v1/room-sessions/{session_id}/token", {})).json()
    assert host_seat["role"] == "host", host_seat  # the scheduler chairs (and opens the session)
    url = str(browser.client.make_url("/ws")).replace("http", "ws")

    kiosk = await aiohttp_client(browser.client.server)
    kiosk.session.cookie_jar.update_cookies({"hub_device": device.credential})
    await kiosk.get("/kiosk")
    kiosk_csrf = kiosk.session.cookie_jar.filter_cookies(kiosk.make_url("/"))["hub_csrf"].value
    resp = await kiosk.post(f"/api/v1/room-sessions/{session_id}/token", json={}, headers={"X-CSRF-Token": kiosk_csrf})
    assert resp.status == 200, await resp.text()
    seat = await resp.json()
    assert seat["role"] == "venue"
    venue = HubClient(url, seat["token"], seat["room"], origin="http://127.0.0.1")
    await venue.connect()
    try:
        joined = await venue.join()
        assert joined["type"] == "joined", "an invited venue joins without the lobby"
        state = await venue.wait_event("conference")
        assert state["conference"] == conference["id"]
        assert seat["participant"] in [r["participant"] for r in state["board"]]
        await venue.request({"type": "sign_in", "people": 9})
        await venue.request({"type": "request_floor"})
    finally:
        await venue.close()

    async def sheet() -> dict[str, Any]:
        resp = await browser.get(f"/api/v1/conferences/{conference['id']}/attendance")
        assert resp.status == 200, await resp.text()
        return dict(await resp.json())

    await asyncio.sleep(0.2)
    rows = (await sheet())["rows"]
    row = next(r for r in rows if r["participant"] == seat["participant"])
    assert row["people"] == 9 and row["invited"] and row["joined_at"] is not None and row["signed_in_at"] is not None
    assert (await sheet())["totals"]["people"] == 9
    # the console's events are kept with their time, for playback (who was broadcast when)
    async with database.transaction(write=False) as s:
        kept = (
            await s.execute(
                select(ConsoleEvent.kind, ConsoleEvent.actor, ConsoleEvent.data)
                .where(ConsoleEvent.conference_id == conference["id"])
                .order_by(ConsoleEvent.id)
            )
        ).all()
    kinds = [k for k, _, _ in kept]
    assert kinds[:3] == ["joined", "sign_in", "request_floor"], kinds
    assert kept[1][1] == seat["participant"] and kept[1][2]["people"] == 9 and "broadcast" in kept[1][2]
    listed = await (await browser.get(f"/api/v1/conferences/{conference['id']}/events")).json()
    assert [e["kind"] for e in listed["events"]][:3] == kinds[:3]

    # the chair ends the conference: its request is answered before the room (and the chair's own socket) ends, also
    # when the console's event is written to the database first (the `ok` was lost that way on the demo)
    jar = aiohttp.CookieJar(unsafe=True)  # the chair's own session (its cookies), closed with the chair
    jar.update_cookies(browser.client.session.cookie_jar.filter_cookies(browser.client.make_url("/")))
    http = aiohttp.ClientSession(cookie_jar=jar)
    chair = SignedInClient(http, url, host_seat["token"], host_seat["room"], origin="http://127.0.0.1")
    await chair.connect()
    try:
        assert (await chair.join())["type"] == "joined"
        assert (await chair.request({"type": "end_conference"}))["type"] == "ok"
        assert (await chair.wait_event("ended"))["reason"] == "ended_by_chair"
    finally:
        await chair.close()

    # the sheet to print: who came (with the people signed in), each invited venue that did not (absent), and its PDF
    page = await browser.get(f"/conferences/{conference['id']}/attendance")
    assert page.status == 200, await page.text()
    html = await page.text()
    assert row["name"] in html and "缺席" in html and "签到表" in html
    assert html.count('class="absent"') == len(TOWNS) - 1, "the five towns that did not join stand out as absent"
    pdf = await browser.get(f"/conferences/{conference['id']}/attendance.pdf")
    assert pdf.status == 200 and pdf.content_type == "application/pdf"
    assert (await pdf.read()).startswith(b"%PDF")
    # someone who does not see the conference's room session gets neither
    stranger = Browser(await aiohttp_client(browser.client.server))
    await stranger.sign_in("admin")
    for path in (f"/conferences/{conference['id']}/attendance", f"/conferences/{conference['id']}/attendance.pdf"):
        assert (await stranger.get(path)).status in (403, 404), path
