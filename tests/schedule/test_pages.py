"""Every schedule page renders for every kind of demo account, and a booking shows only to its official and the
planners (a list never shows what a detail page would refuse)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.demo import schedule as demo
from hub.schedule.models import Booking

USERS = ["leader", "deputy1", "deputy2", "petition1", "casemgmt1", "xini1", "admin"]


@pytest.fixture
async def demo_loaded(kit):  # type: ignore[no-untyped-def]
    async with kit.db.transaction() as s:
        return await demo.load_demo(s, kit.app, kit.clock.now())


@pytest.mark.parametrize("username", USERS)
async def test_pages_render_for_every_role(browser, kit, demo_loaded, username):
    assert (await browser.sign_in(username)).status == 303
    rotation = demo_loaded["rotation"]
    paths = [
        "/schedule",
        "/schedule/mine",
        "/schedule/interviews",
        f"/schedule/rotations/{rotation}",
        "/reception",
        "/reception/print",
    ]
    for path in paths:
        resp = await browser.get(path)
        assert resp.status == 200, (username, path, resp.status)
        text = await resp.text()
        assert "Traceback" not in text and "{{" not in text
    async with kit.db.transaction(write=False) as s:
        booking_id = await s.scalar(select(Booking.id).order_by(Booking.id).limit(1))
    detail = await browser.get(f"/schedule/bookings/{booking_id}")
    mine = await (await browser.get("/schedule/mine")).text()
    code = demo_loaded["booking_codes"][0]
    may_see = username in ("leader", "deputy1", "petition1")  # the official (petition1) and the planners
    assert detail.status == (200 if may_see else 404)
    assert (code in mine) == (username == "petition1")
    interviews = await (await browser.get("/schedule/interviews")).text()
    # a deputy sees the interviews of his portfolio's townships only (issue 14, finding 4): Balagong is deputy1's
    sees_interview = username in ("leader", "deputy1", "casemgmt1", "group2.1", "balagong1")
    assert ("赵某" in interviews) == sees_interview
