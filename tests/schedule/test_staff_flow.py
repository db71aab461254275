"""Staff side: publish, edit after publication (visible as a change, officials notified), receive a booking at its
time and record the intake, which registers a petition in case tracking; and interview coordination."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from hub.cases.models import Petition, PetitionChannel
from hub.clock import LOCAL_TZ
from hub.schedule.models import Booking, BookingStatus, Duty, Notification, ReceptionSlot, Rotation
from tests.schedule.conftest import KIOSK_HEADER


async def test_publish_through_the_pages_then_change_and_notify(browser, new_browser, kit):
    assert (await browser.sign_in("petition1")).status == 303
    start = kit.today + dt.timedelta(days=3)
    resp = await browser.post_form(
        "/schedule/rotations",
        {"title": "十二月轮流接访", "starts_on": start.isoformat(), "ends_on": (start + dt.timedelta(days=13)).isoformat(),
         "slot_times": "09:00-10:00,10:00-11:00", "capacity": "2", "leaders_per_day": "1", "staff_per_day": "1"},
    )  # fmt: skip
    assert resp.status == 303
    path = resp.headers["Location"]
    ids = {u: await kit.user_id(u) for u in ("deputy1", "deputy2", "petition1", "petition2")}
    roster = {"member": [str(v) for v in ids.values()], **{f"kind_{ids[u]}": "leader" for u in ("deputy1", "deputy2")}}
    roster.update({f"kind_{ids[u]}": "staff" for u in ("petition1", "petition2")})
    assert (await browser.post_form(f"{path}/roster", roster)).status == 303
    assert (await browser.post_form(f"{path}/generate", {})).status == 303
    public = await (await browser.get("/reception")).text()
    assert "李红梅" not in public  # a draft is not public
    page = await (await browser.get(path)).text()
    version = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    assert (await browser.post_form(f"{path}/publish", {"version": version})).status == 303
    public = await (await browser.get("/reception")).text()
    assert "李红梅" in public and "张志刚" in public
    # after publication: give one of deputy1's days to deputy2
    async with kit.db.transaction(write=False) as s:
        duty = await s.scalar(select(Duty).where(Duty.user_id == ids["deputy1"]).order_by(Duty.day).limit(1))
        clash = await s.scalar(select(Duty.id).where(Duty.user_id == ids["deputy2"], Duty.day == duty.day))  # type: ignore[union-attr]
    assert duty is not None and clash is None
    assert (
        await browser.post_form(
            f"/schedule/duties/{duty.id}/reassign", {"user_id": str(ids["deputy2"]), "version": str(duty.version)}
        )
    ).status == 303
    public = await (await browser.get("/reception")).text()
    assert "公示后的变更" in public and "改为" in public
    sheet = await (await browser.get("/reception/print")).text()
    assert "张志刚" in sheet and "改为" in sheet and "<script" not in sheet
    township, room = await kit.township()
    kiosk_browser = await new_browser()
    kiosk_page = await (await kiosk_browser.get("/kiosk/reception", headers={KIOSK_HEADER: f"9:{township}:{room}"})).text()
    assert "改为" in kiosk_page
    async with kit.db.transaction(write=False) as s:
        told = (await s.scalars(select(Notification.user_id).where(Notification.text_zh.contains("变更")))).all()
    assert set(told) == {ids["deputy1"], ids["deputy2"]}
    deputy = await new_browser()
    assert (await deputy.sign_in("deputy2")).status == 303
    assert "接访安排变更" in await (await deputy.get("/schedule/mine")).text()
    # a stale edit is refused, never silently applied
    stale = await browser.post_form(
        f"/schedule/duties/{duty.id}/reassign", {"user_id": str(ids["deputy1"]), "version": str(duty.version)}
    )
    assert stale.status == 409
    # someone outside the petition office cannot plan
    other = await new_browser()
    assert (await other.sign_in("trial1")).status == 303
    assert (await other.post_form(f"{path}/generate", {})).status in (403, 404)


async def test_booking_received_at_its_time_registers_a_petition(browser, new_browser, kit):
    from hub.schedule.models import MemberKind

    await kit.published([("petition1", MemberKind.STAFF)], days=5, leaders=0)
    township, room = await kit.township()
    kiosk = {KIOSK_HEADER: f"5:{township}:{room}"}
    async with kit.db.transaction(write=False) as s:
        slot = await s.scalar(select(ReceptionSlot).order_by(ReceptionSlot.starts_at).limit(1))
    assert slot is not None
    body = await (
        await browser.post_form(f"/kiosk/reception/slots/{slot.id}", {"name": "赵六", "phone": "13912345678"}, headers=kiosk)
    ).text()
    code = re.search(r'id="receipt-code">(\d{8})<', body).group(1)  # type: ignore[union-attr]
    official = await new_browser()
    assert (await official.sign_in("petition1")).status == 303
    mine = await (await official.get("/schedule/mine")).text()
    assert code in mine and "赵六" in mine
    async with kit.db.transaction(write=False) as s:
        booking = await s.scalar(select(Booking).where(Booking.code == code))
    assert booking is not None
    early = await official.post_form(f"/schedule/bookings/{booking.id}/call", {})
    assert early.status == 409
    kit.clock.set(slot.starts_at - dt.timedelta(minutes=5))
    assert (await official.sign_in("petition1")).status == 303  # the session of days ago has expired
    started = await official.post_form(f"/schedule/bookings/{booking.id}/call", {})
    assert started.status == 303 and started.headers["Location"].startswith(f"/schedule/bookings/{booking.id}")
    # the rooms part is wired: the call is a reception room session linking a county room and this kiosk's room
    from hub.rooms.models import RoomSession, SessionKind, SessionStatus

    assert 'href="/rooms/sessions/' in await (await official.get(started.headers["Location"])).text()
    async with kit.db.transaction(write=False) as s:
        rs = await s.scalar(select(RoomSession).order_by(RoomSession.id.desc()).limit(1))
    assert rs is not None and rs.kind is SessionKind.RECEPTION and rs.status is SessionStatus.OPEN and room in rs.room_ids
    status = await (await browser.get(f"/api/v1/kiosk/bookings/{code}", headers=kiosk)).json()
    assert status["status"] == "in_call"
    # another kiosk learns nothing about this booking
    assert (await browser.get(f"/api/v1/kiosk/bookings/{code}", headers={KIOSK_HEADER: f"6:{township}:{room}"})).status == 404
    resp = await official.post_form(
        f"/schedule/bookings/{booking.id}/intake",
        {"kind": "accusation", "summary": "反映村委会主任挪用扶贫资金。", "accused_name": "钱七"},
    )
    assert resp.status == 303
    async with kit.db.transaction(write=False) as s:
        booking = await s.scalar(select(Booking).where(Booking.code == code))
        petition = await s.get(Petition, booking.petition_id)  # type: ignore[union-attr]
    assert booking is not None and booking.status is BookingStatus.RECEIVED
    assert petition is not None and petition.intake_ref == code and petition.channel is PetitionChannel.KIOSK
    assert petition.petitioner_name == "赵六" and petition.due_date is not None
    ledger = (
        await (await official.get("/api/v1/petitions")).json()
        if (await official.get("/api/v1/petitions")).status == 200
        else None
    )
    if ledger is not None:
        assert petition.number in str(ledger)
    stage = await browser.post_form("/kiosk/reception/status", {"code": code, "secret": "13912345678"}, headers=kiosk)
    text = await stage.text()
    assert petition.number in text and "挪用" not in text  # the stage, nothing of the content


async def test_interviews_refuse_double_bookings_of_rooms_and_people(browser, new_browser, kit):
    assert (await browser.sign_in("casemgmt1")).status == 303
    from hub.rooms.models import Room, RoomKind

    async with kit.db.transaction(write=False) as s:
        county = (await s.scalars(select(Room.id).where(Room.kind == RoomKind.COUNTY_INTERVIEW).order_by(Room.id))).all()
        townships = (await s.scalars(select(Room.id).where(Room.kind == RoomKind.TOWNSHIP_INTERVIEW).order_by(Room.id))).all()
    day = (kit.today + dt.timedelta(days=2)).isoformat()
    g1, g2, t1 = await kit.user_id("group1.1"), await kit.user_id("group1.2"), await kit.user_id("xini1")

    def form(**kw):  # type: ignore[no-untyped-def]
        base = {"title": "谈话", "date": day, "start": "09:30", "end": "11:00", "county_room_id": str(county[0]),
                "township_room_id": str(townships[0]), "interviewee_name": "孙某", "interviewee_ref": "旗农牧局 科员",
                "interviewer_ids": str(g1), "accompanying_ids": str(t1)}  # fmt: skip
        return {**base, **kw}

    assert (await browser.post_form("/schedule/interviews", form())).status == 303
    same_room = await browser.post_form(
        "/schedule/interviews",
        form(
            start="10:30",
            end="12:00",
            interviewee_name="周某",
            interviewer_ids=str(g2),
            accompanying_ids="",
            township_room_id=str(townships[1]),
        ),
    )
    assert same_room.status == 409 and "已被占用的房间" in await same_room.text()
    same_person = await browser.post_form(
        "/schedule/interviews",
        form(county_room_id=str(county[1]), township_room_id=str(townships[1]), interviewee_name="周某", accompanying_ids=""),
    )
    assert same_person.status == 409 and "已有安排的人员" in await same_person.text()
    same_interviewee = await browser.post_form(
        "/schedule/interviews",
        form(county_room_id=str(county[1]), township_room_id=str(townships[1]), interviewer_ids=str(g2), accompanying_ids=""),
    )
    assert same_interviewee.status == 409 and "被谈话人在该时间已有谈话安排" in await same_interviewee.text()
    ok = await browser.post_form(
        "/schedule/interviews", form(start="11:00", end="12:00", interviewee_name="周某", accompanying_ids="")
    )
    assert ok.status == 303  # back to back is no overlap
    cal = await (await browser.get(f"/schedule/interviews?room={county[0]}")).text()
    assert cal.count("谈话") >= 2
    # someone who does not plan interviews learns nothing of whom they concern (issue 14, finding 5): no clash message
    outsider = await new_browser()
    assert (await outsider.sign_in("group3.1")).status == 303
    g3 = await kit.user_id("group3.1")
    probe = await outsider.post_form(
        "/schedule/interviews",
        form(county_room_id=str(county[1]), township_room_id=str(townships[1]), interviewer_ids=str(g3), accompanying_ids=""),
    )
    assert probe.status == 303 and "被谈话人在该时间已有谈话安排" not in await probe.text()
    assert (
        await browser.post_form(
            "/schedule/interviews", form(date=(kit.today - dt.timedelta(days=1)).isoformat(), interviewee_name="吴某")
        )
    ).status == 422
    _ = LOCAL_TZ, Rotation


async def test_talk_now_call_and_intake_and_interview_link(browser, new_browser, kit):
    from hub.rooms.models import Room, RoomKind, RoomSession, SessionKind
    from hub.schedule.models import MemberKind, QueueTicket, TicketStatus

    await kit.published([("petition1", MemberKind.STAFF)], days=3, start=kit.today, slot_times="09:00-12:00", leaders=0)
    kit.clock.set(dt.datetime.combine(kit.today, dt.time(9, 10), LOCAL_TZ))
    township, room = await kit.township()
    kiosk = {KIOSK_HEADER: f"3:{township}:{room}"}
    official_id = await kit.user_id("petition1")
    joined = await browser.post_form("/kiosk/reception/now", {"official_id": str(official_id), "name": ""}, headers=kiosk)
    token = joined.headers["Location"].rsplit("/", 1)[1]
    staff = await new_browser()
    assert (await staff.sign_in("petition1")).status == 303
    async with kit.db.transaction(write=False) as s:
        ticket_id = await s.scalar(select(QueueTicket.id).where(QueueTicket.token == token))
    called = await staff.post_form(f"/schedule/queue/{ticket_id}/call", {})
    assert called.headers["Location"] == f"/schedule/queue/{ticket_id}"
    page = await (await staff.get(f"/schedule/queue/{ticket_id}")).text()
    assert 'href="/rooms/sessions/' in page
    polled = await (await browser.get(f"/api/v1/kiosk/queue/{token}", headers=kiosk)).json()
    assert polled["status"] == "called" and polled["join_url"] == "/kiosk"
    done = await staff.post_form(
        f"/schedule/queue/{ticket_id}/intake", {"kind": "suggestion", "summary": "建议公开低保评定结果。"}
    )
    assert done.status == 303
    async with kit.db.transaction(write=False) as s:
        ticket = await s.get(QueueTicket, ticket_id)
        petition = await s.get(Petition, ticket.petition_id)  # type: ignore[union-attr]
    assert ticket is not None and ticket.status is TicketStatus.DONE
    assert petition is not None and petition.petitioner_name is None and petition.intake_ref == f"Q{ticket_id}"

    # coordination: at the time, the county room and the township room are linked in one interview session
    organiser = await new_browser()
    assert (await organiser.sign_in("casemgmt1")).status == 303
    async with kit.db.transaction(write=False) as s:
        county = await s.scalar(select(Room.id).where(Room.code == "county.interview.1"))
        town = await s.scalar(select(Room.id).where(Room.kind == RoomKind.TOWNSHIP_INTERVIEW).order_by(Room.id).limit(1))
    interviewer = str(await kit.user_id("group1.1"))
    form = {"title": "远程谈话", "date": kit.today.isoformat(), "start": "14:00", "end": "15:00", "county_room_id": str(county),
            "township_room_id": str(town), "interviewee_name": "郑某", "interviewer_ids": interviewer}  # fmt: skip
    assert (await organiser.post_form("/schedule/interviews", form)).status == 303
    from hub.schedule.models import Interview

    async with kit.db.transaction(write=False) as s:
        interview_id = await s.scalar(select(Interview.id))
    assert (await organiser.post_form(f"/schedule/interviews/{interview_id}/link", {})).status == 409  # too early
    kit.clock.set(dt.datetime.combine(kit.today, dt.time(13, 50), LOCAL_TZ))
    assert (await organiser.sign_in("casemgmt1")).status == 303
    linked = await organiser.post_form(f"/schedule/interviews/{interview_id}/link", {})
    assert linked.status == 303 and linked.headers["Location"].startswith("/rooms/sessions/")
    async with kit.db.transaction(write=False) as s:
        rs = await s.scalar(select(RoomSession).where(RoomSession.kind == SessionKind.INTERVIEW))
    assert rs is not None and sorted(rs.room_ids) == sorted([county, town])
    # linking again opens no parallel session; a deputy neither links (and hosts) nor cancels it (issue 14, finding 4)
    assert (await organiser.post_form(f"/schedule/interviews/{interview_id}/link", {})).status == 303
    deputy = await new_browser()
    assert (await deputy.sign_in("deputy1")).status == 303
    assert (await deputy.post_form(f"/schedule/interviews/{interview_id}/link", {})).status == 403
    assert (await deputy.post_form(f"/schedule/interviews/{interview_id}/cancel", {"version": "1"})).status == 403
    async with kit.db.transaction(write=False) as s:
        sessions = (await s.scalars(select(RoomSession).where(RoomSession.kind == SessionKind.INTERVIEW))).all()
    assert len(sessions) == 1


async def test_a_deputy_receives_and_the_petition_office_records_the_intake(browser, new_browser, kit):
    from hub.schedule.models import MemberKind

    await kit.published([("deputy1", MemberKind.LEADER)], days=5, staff=0)
    township, room = await kit.township()
    async with kit.db.transaction(write=False) as s:
        slot = await s.scalar(select(ReceptionSlot).order_by(ReceptionSlot.starts_at).limit(1))
    assert slot is not None
    kiosk = {KIOSK_HEADER: f"8:{township}:{room}"}
    body = await (
        await browser.post_form(f"/kiosk/reception/slots/{slot.id}", {"name": "钱九", "phone": "13698765432"}, headers=kiosk)
    ).text()
    code = re.search(r'id="receipt-code">(\d{8})<', body).group(1)  # type: ignore[union-attr]
    async with kit.db.transaction(write=False) as s:
        booking_id = await s.scalar(select(Booking.id).where(Booking.code == code))
    deputy = await new_browser()
    assert (await deputy.sign_in("deputy1")).status == 303
    page = await (await deputy.get(f"/schedule/bookings/{booking_id}")).text()
    assert 'id="intake-elsewhere"' in page and 'id="intake-form"' not in page
    refused = await deputy.post_form(f"/schedule/bookings/{booking_id}/intake", {"kind": "other", "summary": "测试"})
    assert refused.status == 409
    clerk = await new_browser()
    assert (await clerk.sign_in("petition2")).status == 303
    assert 'id="intake-form"' in await (await clerk.get(f"/schedule/bookings/{booking_id}")).text()
    done = await clerk.post_form(
        f"/schedule/bookings/{booking_id}/intake", {"kind": "appeal", "summary": "对党纪处分不服，申请复查。"}
    )
    assert done.status == 303
    async with kit.db.transaction(write=False) as s:
        booking = await s.get(Booking, booking_id)
        petition = await s.get(Petition, booking.petition_id)  # type: ignore[union-attr]
    assert petition is not None and petition.intake_ref == code and petition.petitioner_name == "钱九"
