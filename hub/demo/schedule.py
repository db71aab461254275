"""Demo reception rotation, bookings and an interview (the demo organisation, hub.demo.org, must be loaded first).

- A rotation from today for four weeks, published by 信访室 刘芳 (petition1): leaders 王建国 (leader), 李红梅 (deputy1),
  张志刚 (deputy2); staff 刘芳 (petition1) and 陈晓东 (petition2); slots 09:00–10:00, 10:00–11:00, 15:00–16:00,
  16:00–17:00, two places each, on working days of the holiday table (调休 make-up days included).
- Three petitioners have booked with 刘芳 at the Xini kiosk (receipt codes printed by ``load_demo``'s result).
- 第二联查联审组 吴... (group2.1) interviews a person in the Balagong interview room the day after tomorrow, 15:00,
  accompanied by Balagong's township staff (balagong1): the subject of a case group 2 reviews, so that the interview's
  recording lands in that case file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.auth.interface import staff_actor_named
from hub.cases.interface import Clue, ClueState, holidays
from hub.clock import LOCAL_TZ
from hub.http.keys import POLICY
from hub.org.interface import OrgUnit
from hub.rooms.interface import Room, RoomKind
from hub.schedule import bookings, interviews, rotations
from hub.schedule.keys import PLANNERS
from hub.schedule.models import Duty, MemberKind, ReceptionSlot

OPEN_TALKS = (ClueState.TALK_LETTER_PENDING, ClueState.PRELIM_CHECKING, ClueState.INVESTIGATING)

ROSTER = [
    ("leader", MemberKind.LEADER),
    ("deputy1", MemberKind.LEADER),
    ("deputy2", MemberKind.LEADER),
    ("petition1", MemberKind.STAFF),
    ("petition2", MemberKind.STAFF),
]
PETITIONERS = [("王秀英", "13904770001"), ("张建华", "13904770002"), ("李桂兰", "13904770003")]


async def _actor(session: AsyncSession, username: str) -> Actor:
    actor = await staff_actor_named(session, username)
    assert actor is not None, username
    return actor


async def load_demo(session: AsyncSession, app: web.Application, now: dt.datetime) -> dict[str, object]:
    """Add the demo schedule with the wired app's rules (started: its office directory is loaded); the caller commits."""
    planners = app[PLANNERS]
    policy = app[POLICY]
    planner = await _actor(session, "petition1")
    await holidays.seed_if_empty(session)
    calendar = await holidays.load(session)
    today = now.astimezone(LOCAL_TZ).date()
    spec = rotations.RotationSpec(
        f"{today:%Y年%m月}领导干部轮流接访日程", today, today + dt.timedelta(days=27),
        "09:00-10:00,10:00-11:00,15:00-16:00,16:00-17:00", 2, 1, 1,
    )  # fmt: skip
    rotation = await rotations.create_rotation(session, planners, planner, spec, now)
    members = [((await _actor(session, u)).user_id or 0, kind) for u, kind in ROSTER]
    await rotations.set_roster(session, planners, planner, rotation.id, members, now)
    await rotations.generate(session, planners, planner, rotation.id, calendar, now)
    await rotations.publish(session, planners, planner, rotation.id, rotation.version, now)

    xini = await session.scalar(select(OrgUnit.id).where(OrgUnit.code == "tw.xini"))
    kiosk_room = await session.scalar(select(Room.id).where(Room.township_id == xini, Room.kind == RoomKind.TOWNSHIP_KIOSK))
    kiosk = _DemoKiosk(kind="kiosk", township_id=xini, room_id=kiosk_room)
    open_slots = (
        await session.scalars(
            select(ReceptionSlot.id)
            .join(Duty, Duty.id == ReceptionSlot.duty_id)
            .where(Duty.user_id == planner.user_id, ReceptionSlot.starts_at > now + dt.timedelta(hours=1))
            .order_by(ReceptionSlot.starts_at)
        )
    ).all()
    codes = []
    for (name, phone), slot_id in zip(PETITIONERS, open_slots, strict=False):
        booking = await bookings.book(session, kiosk, slot_id, name, phone, now, bookings.BookingLimits())
        codes.append(booking.code)

    organiser = await _actor(session, "casemgmt1")
    county = await session.scalar(select(Room.id).where(Room.code == "county.interview.2"))
    balagong = await session.scalar(select(OrgUnit.id).where(OrgUnit.code == "tw.balagong"))
    township_room = await session.scalar(
        select(Room.id).where(Room.township_id == balagong, Room.kind == RoomKind.TOWNSHIP_INTERVIEW)
    )
    count = 0
    # the interview serves a case group 2 reviews (a talk or a check under way): its recording lands in that case file
    group2 = await session.scalar(select(OrgUnit.id).where(OrgUnit.code == "jg.2"))
    case = (
        await session.execute(
            select(Clue.id, Clue.subject_name, Clue.subject_post)
            .where(Clue.reviewer_unit_id == group2, Clue.state.in_(OPEN_TALKS))
            .order_by(Clue.id)
            .limit(1)
        )
    ).first()
    if county is not None and township_room is not None:
        day = calendar.add_working_days(today, 2)
        starts = dt.datetime.combine(day, dt.time(15, 0), LOCAL_TZ).astimezone(dt.UTC)
        await interviews.schedule(
            session, policy, organiser,
            interviews.InterviewIn(
                "远程谈话（演示）", starts, starts + dt.timedelta(hours=1, minutes=30), county, township_room,
                case.subject_name if case else "赵某", case.subject_post if case else "旗财政局 科员",
                ((await _actor(session, "group2.1")).user_id or 0,), ((await _actor(session, "balagong1")).user_id or 0,),
                clue_id=case.id if case else None,
            ),
            now,
        )  # fmt: skip
        count = 1
    return {"rotation": rotation.id, "booking_codes": codes, "interviews": count}


@dataclass(frozen=True)
class _DemoKiosk(Actor):
    """A kiosk of the Xini kiosk room, for bookings made by the demo (no device is enrolled)."""

    room_id: int | None = None
