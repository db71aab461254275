"""A remote interview through the browser client is recorded, is on its case page, and plays and seeks in Chromium.

The interviewer (casemgmt1) joins the call page in headless Chromium with the fake camera; that join starts the
recording. The interviewee is the hub's Python client (admitted from the page). The interviewer ends the call
from the page; the case's recordings page lists it and the recording page's player loads, plays and seeks
through the range endpoint. Media stays on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from sqlalchemy import select

from hub.http.keys import SECRET
from hub.rooms.models import Room, SessionKind
from hub.rooms.recording.keys import RECORDINGS
from hub.rooms.recording.models import Recording, RecordingStatus
from hub.rooms.tokens import issue_token
from hub.schedule.models import Interview, InterviewStatus
from hub.signaling.client import HubClient
from hub.signaling.clip import encode_clip
from tests.cases.conftest import make_kit
from tests.e2e.conftest import until
from tests.rooms.factories import planned_session

pytestmark = pytest.mark.browser

DEADLINE = 30.0


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_browser_interview_is_recorded_and_plays_on_the_case_page(  # type: ignore[no-untyped-def]
    chromium, hub_origin, app, database, clock
) -> None:
    origin = hub_origin
    kit = await make_kit(database, clock)
    clue = await kit.register_clue()
    session_id = await planned_session(database, "casemgmt1", ["county.interview.1", "xini.kiosk"], clock.now(),
                                       kind=SessionKind.INTERVIEW)  # fmt: skip
    async with database.transaction() as s:
        rooms = (await s.scalars(select(Room.id).where(Room.code.in_(["county.interview.1", "xini.kiosk"])))).all()
        s.add(Interview(title="远程谈话", starts_at=clock.now(), ends_at=clock.now() + dt.timedelta(hours=1),
                        county_room_id=rooms[0], township_room_id=rooms[1], interviewee_name="张三", clue_id=clue.id,
                        status=InterviewStatus.SCHEDULED, room_session_ref=str(session_id), created_at=clock.now()))  # fmt: skip
    errors: list[str] = []
    context = await chromium.new_context()
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{origin}/signin")
    await page.fill("input[name=username]", "casemgmt1")
    await page.fill("input[name=password]", "hub-demo-2026")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{origin}/home")
    await page.goto(f"{origin}/rooms/sessions/{session_id}/call")
    await page.wait_for_selector('[data-part="prejoin-status"]:has-text("摄像头和麦克风已就绪")', timeout=DEADLINE * 1000)
    await page.click('[data-part="join"]')
    await page.wait_for_selector('[data-part="call"]:visible')
    await page.wait_for_selector('[data-part="recording"]:visible', timeout=DEADLINE * 1000)  # the host's join started it

    room = f"session-{session_id}"
    clip = await asyncio.to_thread(encode_clip, 320, 240, 30, 2.0)
    token = issue_token(app[SECRET], room=room, participant="device-x", name="张三", role="interviewee")
    interviewee = HubClient(origin.replace("http://", "ws://") + "/ws", token, room, origin=origin, clip=clip, decode=False)
    try:
        await interviewee.connect()
        await interviewee.join()
        admit = '[data-part="waiting"] button[data-action="admit"]'
        await page.wait_for_selector(admit, timeout=DEADLINE * 1000)
        await page.click(admit)
        await interviewee.wait_event("joined")
        await interviewee.start_media()
        manager = app[RECORDINGS]
        recorder = manager.recorders[room][0]
        await until(lambda: _async(len(recorder.segment_keys) == 4), "both parties' tracks in the recording")
        await asyncio.sleep(4.0)
        page.on("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))
        await page.click('[data-part="end"]')
        await until(lambda: _async(room not in manager.recorders), "the recording to end with the call")
    finally:
        await interviewee.close()

    async with database.transaction(write=False) as s:
        recording = await s.scalar(select(Recording).where(Recording.case_id == clue.id))
    assert recording is not None and recording.status is RecordingStatus.ENDED
    await page.goto(f"{origin}/cases/{clue.id}/recordings")
    await page.click(f'a[href="/recordings/{recording.id}"]')
    await page.wait_for_selector("video")
    group = page.locator("div.players").last  # the last segment holds both parties: one player each
    players = group.locator("video")
    assert await players.count() == 2
    first = players.first
    await first.evaluate("v => { for (const o of document.querySelectorAll('video')) o.muted = true; return v.play(); }")
    for i in range(2):  # playing one plays the other, in step
        await until(lambda i=i: players.nth(i).evaluate("v => v.currentTime > 1.0"), f"player {i} to play past one second")
    await first.evaluate("v => new Promise(done => { v.addEventListener('seeked', done, {once: true}); v.currentTime = 0.5; })")
    await until(
        lambda: players.nth(1).evaluate("v => Math.abs(v.currentTime - 0.5) < 0.6"), "the other player to follow the seek"
    )
    for i in range(2):
        state = await players.nth(i).evaluate("v => ({width: v.videoWidth, error: v.error && v.error.code})")
        assert state["width"] > 0 and state["error"] is None, state
    assert await page.locator(".fingerprint").count() >= 1
    await context.close()
    assert errors == [], errors


async def _async(value: bool) -> bool:
    return value


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)
async def test_the_interviewee_sees_the_notice_and_the_answer_is_stored(  # type: ignore[no-untyped-def]
    chromium, hub_origin, app, database, clock
) -> None:
    from hub.rooms.participants import ParticipantRole
    from hub.rooms.recording.models import NoticeDecision, RecordingNotice
    from tests.rooms.factories import enrolled_device

    origin = hub_origin
    device = await enrolled_device(database, "xini.kiosk", clock.now())
    session_id = await planned_session(
        database, "casemgmt1", ["county.interview.1", "xini.kiosk"], clock.now(), kind=SessionKind.INTERVIEW,
        rooms={"xini.kiosk": ParticipantRole.INTERVIEWEE}, open_now=True,
    )  # fmt: skip
    errors: list[str] = []
    context = await chromium.new_context()
    await context.add_cookies([{"name": "hub_device", "value": device.credential, "url": origin}])
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    await page.goto(f"{origin}/kiosk")
    # what the lead adds to the call and kiosk pages; the kiosk learns its session later and announces it
    await page.add_script_tag(url="/static/js/recordings/notice.js", type="module")
    await page.evaluate(f"() => document.dispatchEvent(new CustomEvent('hub:session', {{detail: {{session: {session_id}}}}}))")
    dialog = page.locator("dialog.recording-notice")
    await dialog.wait_for(state="visible", timeout=DEADLINE * 1000)
    assert "同步录音录像" in await dialog.inner_text()
    await dialog.locator('button[data-decision="acknowledged"]').click()
    await dialog.wait_for(state="detached", timeout=DEADLINE * 1000)
    async with database.transaction(write=False) as s:
        row = await s.scalar(select(RecordingNotice).where(RecordingNotice.room_session_id == session_id))
    assert row is not None and row.decision is NoticeDecision.ACKNOWLEDGED and row.role == "interviewee"
    assert row.locale == "zh_CN"
    await context.close()
    assert errors == [], errors
