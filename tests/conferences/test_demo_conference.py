"""The demo's training conference (issue 12): the leader chairs it from the county hall with the six townships (their
interview rooms and their staff), scheduled through the conferences part to start half an hour after loading, so
that a fresh `make run` has it open for joining; it shows on the township staff's to-do list."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from typing import Any

from sqlalchemy import select

from hub.auth.interface import User
from hub.conferences.keys import CONSOLE_REGISTRY
from hub.demo import conference as demo_conference
from hub.demo import rooms as demo_rooms
from hub.demo.venues import run_venues
from hub.signaling.clip import encode_clip
from hub.signaling.keys import SIGNALING
from tests.e2e.conftest import hub_origin, until  # noqa: F401 - hub_origin: the hub on a known origin, a fixture


async def test_the_demo_conference_is_scheduled_with_the_six_townships(browser, app, database, clock):  # type: ignore[no-untyped-def]
    async with database.transaction() as s:
        await demo_rooms.load_demo(s, clock.now())  # the demo's interviews and reception book rooms too
        scheduled = await demo_conference.load_demo(s, app, clock.now())
    made = scheduled.conference
    assert scheduled.session.status.value == "open"  # venues may join before the chair
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


async def test_a_venue_bot_joins_and_signs_in(app, database, clock, hub_origin):  # type: ignore[no-untyped-def]  # noqa: F811
    """`hub demo venues` (one of its six bots here): it signs in as the township's staff member, takes its seat, joins
    with a test picture and signs in with the people present; the chair's board shows it ready and the attendance
    keeps it."""
    async with database.transaction() as s:
        scheduled = await demo_conference.load_demo(s, app, clock.now())
    await app[CONSOLE_REGISTRY](scheduled.conference.id)  # as `hub serve` does at start-up for the demo's conference
    room = scheduled.session.signaling_room
    clip = await asyncio.to_thread(encode_clip, 320, 180, 10, 1.0, bitrate=150_000)
    said: list[str] = []
    bots = asyncio.create_task(run_venues(hub_origin, only=["xini1"], ask_to_speak=None, say=said.append, clip=clip))
    console = app[SIGNALING].console
    async with database.transaction(write=False) as s:
        xini1 = f"user-{await s.scalar(select(User.id).where(User.username == 'xini1'))}"

    def row() -> dict[str, Any]:
        live = console.live.get(room)
        if live is None:
            return {}
        found = [r for r in console.state(live).board if r.participant == xini1]
        return found[0].model_dump() if found else {}

    try:
        await until(lambda: _true(any("joined" in line for line in said)), "the bot to join", 60)
        await until(lambda: _true(row().get("people") == 12 and row().get("ready")), "the bot ready on the board", 30)
    finally:
        bots.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await bots
    assert not [line for line in said if "failed" in line], said


async def _true(value: bool) -> bool:
    return value
