"""An interview names its case (a picker of the cases the organiser may see); its recording lands in that case file and
shows on the case page; the home page's to-do list; the administrator's holiday page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from hub.cases import intake
from hub.cases.access import CaseContext
from hub.cases.keys import CASES
from hub.cases.models import ClueSource
from hub.rooms.models import Room, RoomKind, RoomSession, SessionKind
from hub.rooms.recording.models import Recording, RecordingStatus
from hub.schedule.models import Interview
from hub.schedule.rooms_bridge import case_of_room_session


async def _clue(kit: Any, unit_code: str, subject: str) -> int:
    from hub.org.models import OrgUnit

    ctx: CaseContext = kit.app[CASES]
    async with kit.db.transaction() as s:
        unit = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == unit_code))
        clue = await intake.register_clue(
            s, ctx, await kit.actor("casemgmt1"),
            intake.ClueIn(source=ClueSource.SELF_FOUND, summary="反映其违规收受礼金", subject_name=subject, unit_id=unit),
            kit.clock.now(),
        )  # fmt: skip
        return clue.id


async def _rooms(kit: Any) -> tuple[int, int]:
    async with kit.db.transaction(write=False) as s:
        county = await s.scalar(select(Room.id).where(Room.kind == RoomKind.COUNTY_INTERVIEW).order_by(Room.id).limit(1))
        town = await s.scalar(select(Room.id).where(Room.kind == RoomKind.TOWNSHIP_INTERVIEW).order_by(Room.id).limit(1))
    assert county and town
    return county, town


def _form(county: int, town: int, interviewer: int, day: dt.date, **extra: Any) -> dict[str, Any]:
    return {
        "title": "远程谈话", "date": day.isoformat(), "start": "09:30", "end": "10:30", "county_room_id": county,
        "township_room_id": town, "interviewee_name": "张三", "interviewer_ids": interviewer, **extra,
    }  # fmt: skip


async def test_an_interview_names_a_case_its_organiser_sees_and_its_recording_lands_there(browser: Any, kit: Any) -> None:
    seen = await _clue(kit, "unit.01.0", "张三")
    county, town = await _rooms(kit)
    day = kit.today + dt.timedelta(days=3)
    assert (await browser.sign_in("group1.1")).status == 303
    page = await (await browser.get("/schedule/interviews")).text()
    assert f'<option value="{seen}"' in page  # group 1 supervises the unit: the case is offered
    # a case that does not exist (or that the organiser may not see) is refused on its field, nothing is booked
    resp = await browser.post_form("/schedule/interviews", _form(county, town, await kit.user_id("group1.1"), day, clue_id=99999))
    assert resp.status == 422 and "请选择您有权查看的案件" in await resp.text()
    resp = await browser.post_form("/schedule/interviews", _form(county, town, await kit.user_id("group1.1"), day, clue_id=seen))
    assert resp.status == 303, await resp.text()
    async with kit.db.transaction(write=False) as s:
        interview = await s.scalar(select(Interview).where(Interview.clue_id == seen))
    assert interview is not None
    # the call the interview opens is recorded into the case
    now = kit.clock.now()
    async with kit.db.transaction() as s:
        rs = RoomSession(kind=SessionKind.INTERVIEW, title="远程谈话", host_user_id=await kit.user_id("group1.1"), created_at=now)
        s.add(rs)
        await s.flush()
        interview = await s.get(Interview, interview.id)
        assert interview is not None
        interview.room_session_ref = str(rs.id)
        await s.flush()
        case_id = await case_of_room_session(s, rs)
        assert case_id == seen
        s.add(
            Recording(
                room_session_id=rs.id, case_id=case_id, signaling_room=rs.signaling_room, status=RecordingStatus.ENDED,
                started_at=now, ended_at=now + dt.timedelta(minutes=40),
            )
        )  # fmt: skip
    page = await (await browser.get(f"/clues/{seen}")).text()
    assert 'id="recordings"' in page and "远程谈话" in page and "本案尚无录音录像" not in page


async def test_the_home_page_lists_what_waits_with_counts(browser: Any, kit: Any) -> None:
    from hub.cases import transitions

    clue_id = await _clue(kit, "unit.01.0", "李四")
    async with kit.db.transaction() as s:  # the case management office proposes the assignment: the leader signs
        await transitions.request_clue_event(s, kit.app[CASES], await kit.actor("casemgmt1"), clue_id, "assign", kit.clock.now())
    assert (await browser.sign_in("leader")).status == 303
    home = await (await browser.get("/home")).text()
    assert "待办事项" in home and "待我审批" in home and f"/clues/{clue_id}" in home and "李四" in home


async def test_the_administrator_keeps_the_holiday_table_on_a_page(browser: Any, kit: Any) -> None:
    assert (await browser.sign_in("admin")).status == 303
    year = kit.today.year + 1
    assert kit.today.month >= 11  # the shipped table ends with this year: the administrator is told on the home page
    assert "的节假日和调休安排尚未录入" in await (await browser.get("/home")).text()
    page = await browser.get(f"/admin/holidays?year={year}")
    assert page.status == 200
    resp = await browser.post_form("/admin/holidays", {"day": f"{year}-01-01", "kind": "holiday", "note": "元旦"})
    assert resp.status == 303 and resp.headers["Location"] == f"/admin/holidays?year={year}"
    page_text = await (await browser.get(f"/admin/holidays?year={year}")).text()
    assert "元旦" in page_text and "法定节假日" in page_text
    resp = await browser.post_form("/admin/holidays", {"day": f"{year}-01-01", "kind": ""})
    assert resp.status == 303
    assert "元旦" not in await (await browser.get(f"/admin/holidays?year={year}")).text()


async def test_a_planned_call_names_a_case_and_is_recorded_into_it(browser: Any, kit: Any) -> None:
    from hub.rooms.recording.manager import no_case

    seen = await _clue(kit, "unit.01.0", "王五")
    county, town = await _rooms(kit)
    assert (await browser.sign_in("group1.1")).status == 303
    page = await (await browser.get("/rooms/sessions")).text()
    assert f'<option value="{seen}"' in page and "王五" in page
    form = {"kind": "interview", "title": "谈话", "room_ids": str(county), "case_id": "99999"}
    resp = await browser.post_form("/rooms/sessions", {**form, "room_ids": [str(county), str(town)]})
    assert resp.status == 422 and "请选择您有权查看的案件" in await resp.text()
    resp = await browser.post_form("/rooms/sessions", {**form, "room_ids": [str(county), str(town)], "case_id": str(seen)})
    assert resp.status == 303, await resp.text()
    async with kit.db.transaction(write=False) as s:
        rs = await s.scalar(select(RoomSession).where(RoomSession.case_id == seen))
        assert rs is not None
        assert await no_case(s, rs) == seen and await case_of_room_session(s, rs) == seen
    page = await (await browser.get(resp.headers["Location"])).text()
    assert f'href="/clues/{seen}"' in page


async def test_a_reception_calls_recording_is_bound_to_the_petition_its_intake_registers(browser: Any, kit: Any) -> None:
    from hub.cases.models import PetitionChannel, PetitionKind
    from hub.schedule.reception import bind_recordings

    now = kit.clock.now()
    async with kit.db.transaction() as s:
        petition = await intake.register_petition(
            s, kit.app[CASES], await kit.actor("petition1"),
            intake.PetitionIn(
                channel=PetitionChannel.KIOSK, kind=PetitionKind.ACCUSATION, summary="反映问题", petitioner_name="赵六"
            ),
            now,
        )  # fmt: skip
        rs = RoomSession(
            kind=SessionKind.RECEPTION, title="视频接访", host_user_id=await kit.user_id("petition1"), created_at=now
        )
        s.add(rs)
        await s.flush()
        s.add(
            Recording(room_session_id=rs.id, case_id=None, signaling_room=rs.signaling_room, status=RecordingStatus.ENDED,
                      started_at=now, ended_at=now + dt.timedelta(minutes=20))
        )  # fmt: skip
        await s.flush()
        await bind_recordings(s, str(rs.id), petition.id)
        petition_id = petition.id
    assert (await browser.sign_in("petition1")).status == 303
    page = await (await browser.get(f"/petitions/{petition_id}")).text()
    assert "接访通话录音录像" in page and "视频接访" in page
    assert (await browser.sign_in("xini1")).status == 303  # sees no petition of no township
    assert (await browser.get(f"/petitions/{petition_id}")).status == 404
