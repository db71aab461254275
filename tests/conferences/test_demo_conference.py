"""The demo's training conference (issue 12): the leader chairs it from the county hall with the six townships (their
interview rooms and their staff), scheduled through the conferences part to start half an hour after loading, so
that a fresh `make run` has it open for joining; it shows on the township staff's to-do list."""

from __future__ import annotations

import datetime as dt

from hub.demo import conference as demo_conference
from hub.demo import rooms as demo_rooms


async def test_the_demo_conference_is_scheduled_with_the_six_townships(browser, app, database, clock):  # type: ignore[no-untyped-def]
    async with database.transaction() as s:
        await demo_rooms.load_demo(s, clock.now())  # the demo's interviews and reception book rooms too
        scheduled = await demo_conference.load_demo(s, app, clock.now())
    made = scheduled.conference
    assert made.title == "全旗纪检监察业务培训会（演示）"
    assert dt.timedelta(minutes=29) <= made.starts_at - clock.now() <= dt.timedelta(minutes=30)
    names = sorted(v.name for v in made.venues)
    assert len(names) == 12 and "锡尼镇谈话室" in names and any("伊和乌素苏木纪委" in n for n in names)

    await browser.sign_in("xini1")
    home = await (await browser.get("/home")).text()
    assert "全旗纪检监察业务培训会" in home  # today's conference on the township's to-do list
    await browser.sign_in("leader")
    page = await browser.get(f"/rooms/sessions/{scheduled.session.id}/call")
    assert page.status == 200 and "会控台" in await page.text()
