"""The legal notice: an interviewee or petitioner is shown it, and the answer, its time and the text's hash are stored."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from hub.audit import AuditEntry
from hub.clock import FakeClock
from hub.db import Database
from hub.http.keys import SECRET
from hub.rooms.recording.models import NoticeDecision, RecordingNotice
from hub.rooms.tokens import issue_token
from hub.signaling.clip import Clip
from tests.rooms.recording.conftest import make_case_recording
from tests.support.clients import Browser


async def test_the_answer_is_stored_with_the_recording(
    browser: Browser, new_browser, app: web.Application, database: Database, clock: FakeClock, small_clip: Clip
) -> None:  # type: ignore[no-untyped-def]
    recorded = await make_case_recording(app, database, clock, small_clip)
    room = f"session-{recorded.room_session_id}"

    def token(role: str, participant: str = "device-7") -> str:
        return issue_token(app[SECRET], room=room, participant=participant, name="王五", role=role)

    kiosk = browser  # the petitioner's page is not signed in
    staff = await kiosk.client.get("/api/v1/recordings/notice", headers={"X-Room-Token": token("interviewer", "user-1")})
    assert (await staff.json())["required"] is False
    resp = await kiosk.client.get("/api/v1/recordings/notice", headers={"X-Room-Token": token("interviewee")})
    notice = await resp.json()
    assert resp.status == 200 and notice["required"] is True and notice["text"]
    assert set(notice["labels"]) == {"acknowledge", "refuse", "failed"}

    forged = token("interviewee")[:-4] + "AAAA"
    assert (await kiosk.client.get("/api/v1/recordings/notice", headers={"X-Room-Token": forged})).status == 404
    wrong = await kiosk.post_json(
        "/api/v1/recordings/notice", {"token": token("interviewee"), "decision": "acknowledged", "sha256": "0" * 64}
    )
    assert wrong.status == 400
    answered = await kiosk.post_json(
        "/api/v1/recordings/notice", {"token": token("interviewee"), "decision": "acknowledged", "sha256": notice["sha256"]}
    )
    assert answered.status == 201, await answered.text()
    async with database.transaction(write=False) as s:
        row = await s.scalar(select(RecordingNotice))
        logged = (await s.scalars(select(AuditEntry.action))).all()
    assert row is not None and row.decision is NoticeDecision.ACKNOWLEDGED and row.notice_sha256 == notice["sha256"]
    assert row.room_session_id == recorded.room_session_id and row.role == "interviewee" and row.name == "王五"
    assert row.decided_at == clock.now()
    assert "recording.notice_acknowledged" in logged

    reader = await new_browser()
    await reader.sign_in("casemgmt1")
    page = await (await reader.get(f"/recordings/{recorded.recording_id}")).text()
    assert "王五" in page and notice["sha256"][:16] in page
