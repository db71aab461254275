"""Demo room sessions (no device is enrolled: enrolment codes are secrets an administrator makes on the spot).

- 第一联查联审组 吴伟 (group1.1) hosts a planned remote interview tomorrow 10:00 between county interview
  room 1 and the Xini interview room; 吴娜 (group1.2) is the clerk; the interviewee sits in Xini.
- 信访室 刘芳 (petition1) has a reception session open now with the Xini kiosk (a petitioner).
- 纪委书记 王建国 (leader) hosts a planned conference in the county hall with every township interview room;
  each township's staff member (xini1, balagong1, ...) is invited as a witness.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.auth.interface import User
from hub.clock import LOCAL_TZ
from hub.conferences.models import Conference, ConferenceStatus, ConferenceVenue
from hub.rooms.models import Invitation, Room, RoomKind, RoomSession, SessionKind, SessionRoom, SessionStatus
from hub.rooms.participants import ParticipantRole


async def load_demo(session: AsyncSession, now: dt.datetime) -> dict[str, int]:
    """Add the demo sessions; the caller commits. Needs the demo organisation (hub.demo.org) loaded first."""
    users = {u.username: u for u in (await session.scalars(select(User))).all()}
    rooms = {r.code: r for r in (await session.scalars(select(Room))).all()}
    tomorrow = (now.astimezone(LOCAL_TZ) + dt.timedelta(days=1)).replace(hour=10, minute=0, second=0, microsecond=0)

    def invite_user(username: str, role: ParticipantRole) -> Invitation:
        user = users[username]
        return Invitation(user_id=user.id, role=role, display_name=user.display_name, created_at=now)

    def invite_room(code: str, role: ParticipantRole, name: str) -> Invitation:
        return Invitation(room_id=rooms[code].id, role=role, display_name=name, created_at=now)

    interview = RoomSession(
        kind=SessionKind.INTERVIEW,
        title="远程谈话（演示）",
        status=SessionStatus.PLANNED,
        host_user_id=users["group1.1"].id,
        planned_start=tomorrow,
        planned_end=tomorrow + dt.timedelta(hours=1),
        created_at=now,
        links=[SessionRoom(room_id=rooms[c].id) for c in ("county.interview.1", "xini.interview")],
        invitations=[
            invite_user("group1.1", ParticipantRole.HOST),
            invite_user("group1.2", ParticipantRole.CLERK),
            invite_room("xini.interview", ParticipantRole.INTERVIEWEE, "被谈话人（演示）"),
        ],
    )
    reception = RoomSession(
        kind=SessionKind.RECEPTION,
        title="锡尼镇视频接访（演示）",
        status=SessionStatus.OPEN,
        host_user_id=users["petition1"].id,
        planned_start=now,
        planned_end=now + dt.timedelta(hours=2),
        opened_at=now,
        created_at=now,
        links=[SessionRoom(room_id=rooms[c].id) for c in ("county.reception.1", "xini.kiosk")],
        invitations=[
            invite_user("petition1", ParticipantRole.HOST),
            invite_room("xini.kiosk", ParticipantRole.PETITIONER, "信访人"),
        ],
    )
    township_rooms = sorted(c for c, r in rooms.items() if r.kind is RoomKind.TOWNSHIP_INTERVIEW)
    township_staff = sorted(u for u, user in users.items() if user.role.value == "township_staff")
    conference_start = tomorrow + dt.timedelta(days=1, hours=5)
    conference = RoomSession(
        kind=SessionKind.CONFERENCE,
        title="全旗纪检监察业务培训会（演示）",
        status=SessionStatus.PLANNED,
        host_user_id=users["leader"].id,
        planned_start=conference_start,
        planned_end=conference_start + dt.timedelta(hours=2),
        created_at=now,
        links=[SessionRoom(room_id=rooms[c].id) for c in ["county.hall", *township_rooms]],
        invitations=[invite_user("leader", ParticipantRole.HOST)]
        + [invite_room(c, ParticipantRole.VENUE, rooms[c].name_zh) for c in township_rooms]
        + [invite_user(u, ParticipantRole.WITNESS) for u in township_staff],
    )
    made = [interview, reception, conference]
    session.add_all(made)
    await session.flush()
    # the conference's console (会控, issue 12): the county hall chairs, every township interview room is a venue
    session.add(
        Conference(
            session_id=conference.id,
            title=conference.title,
            starts_at=conference_start,
            ends_at=conference_start + dt.timedelta(hours=2),
            main_room_id=rooms["county.hall"].id,
            status=ConferenceStatus.PLANNED,
            created_by=users["leader"].id,
            created_at=now,
            venues=[ConferenceVenue(room_id=rooms[c].id, name=rooms[c].name_zh) for c in township_rooms],
        )
    )
    await session.flush()
    await audit.record(
        session,
        audit.SYSTEM,
        "demo.load_room_sessions",
        "room_session",
        "demo",
        {"sessions": [rs.id for rs in made]},
        at=now,
    )
    return {"room_sessions": len(made), "invitations": sum(len(rs.invitations) for rs in made)}
