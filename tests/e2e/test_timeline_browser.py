"""Clicking a line of a conference recording's timeline takes the players there (web/static/js/recordings/timeline.js).

The recording is real media (two segments written as the recorder writes them); the conference's console events are
rows as the console keeps them, one inside each segment (tests/conferences/test_recording_timeline.py records a
conference with real peers and checks the positions; this checks the click in Chromium)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from hub.auth.models import User
from hub.conferences.models import Attendance, Conference, ConferenceStatus, ConsoleEvent
from hub.rooms.recording import service
from hub.signaling.clip import encode_clip
from tests.e2e.conftest import until, watch_errors
from tests.rooms.factories import room_id
from tests.rooms.recording.conftest import make_case_recording

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_clicking_a_line_of_the_timeline_seeks_the_players(  # type: ignore[no-untyped-def]
    chromium, hub_origin, app, database, clock
) -> None:
    clip = await asyncio.to_thread(encode_clip, 320, 240, 30, 2.0)
    made = await make_case_recording(app, database, clock, clip, segments=2)
    async with database.transaction() as s:
        segments = list(await service.segments_of(s, made.recording_id))
        # written faster than they play, the two segments' times overlap: put them one after the other, 5 s apart
        start = segments[0].started_at
        for segment, offset in zip(segments, (0, 7), strict=True):
            segment.started_at = start + dt.timedelta(seconds=offset)
            segment.ended_at = segment.started_at + dt.timedelta(milliseconds=segment.duration_ms or 0)
        chair = await s.scalar(select(User.id).where(User.username == "casemgmt1"))
        conference = Conference(session_id=made.room_session_id, title="案件会商会", starts_at=clock.now(),
                                ends_at=clock.now() + dt.timedelta(hours=1), main_room_id=await room_id(database, "county.hall"),
                                status=ConferenceStatus.ENDED, created_by=chair, created_at=clock.now())  # fmt: skip
        s.add(conference)
        await s.flush()
        s.add(Attendance(conference_id=conference.id, participant="device-7", name="锡尼镇谈话室", invited=True))
        for segment, seconds, kind, data in (
            (segments[0], 0.4, "mute_all", {}),
            (segments[1], 1.2, "broadcast", {"venue": "device-7", "layout": False}),
        ):
            at = segment.started_at + dt.timedelta(seconds=seconds)
            shown = {"broadcast": data.get("venue"), "source": "broadcast", "layout": "single"}
            s.add(ConsoleEvent(conference_id=conference.id, at=at, kind=kind, actor="user-1", data=data | shown))
    context = await chromium.new_context()
    page = await context.new_page()
    errors: list[str] = []
    watch_errors(page, errors)
    await page.goto(f"{hub_origin}/signin")
    await page.fill("input[name=username]", "casemgmt1")
    await page.fill("input[name=password]", "hub-demo-2026")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{hub_origin}/home")
    await page.goto(f"{hub_origin}/recordings/{made.recording_id}")
    line = page.locator('[data-part="timeline"] li', has_text="广播：锡尼镇谈话室")
    assert await line.count() == 1
    assert "大画面：锡尼镇谈话室" in await line.inner_text()
    second = page.locator(f'video[data-group="{segments[1].position}"]')
    first = page.locator(f'video[data-group="{segments[0].position}"]')
    assert await second.count() >= 1
    await line.locator("button").click()
    for i in range(await second.count()):
        await until(
            lambda i=i: second.nth(i).evaluate("v => v.readyState >= 1 && Math.abs(v.currentTime - 1.2) < 0.05"),
            f"the second segment's player {i} at 1.2 s",
            15,
        )
    assert await line.evaluate("li => li.classList.contains('current')")
    await page.locator('[data-part="timeline"] li', has_text="全场静音").locator("button").click()
    at_first = "v => Math.abs(v.currentTime - 0.4) < 0.05"
    await until(lambda: first.first.evaluate(at_first), "the first segment's player at 0.4 s", 15)
    await context.close()
    assert errors == [], errors
