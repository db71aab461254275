"""Demo room sessions (no device is enrolled: enrolment codes are secrets an administrator makes on the spot).

- 第一联查联审组 吴伟 (group1.1) hosts a planned remote interview tomorrow 10:00 between county interview
  room 1 and the Xini interview room; 吴娜 (group1.2) is the clerk; the interviewee sits in Xini.
- 信访室 刘芳 (petition1) has a reception session open now with the Xini kiosk (a petitioner).
- The training conference of 纪委书记 王建国 (leader) with the six townships is the conferences part's
  (hub/demo/conference.py), scheduled with the rest of the demo's schedule.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.auth.interface import User
from hub.clock import LOCAL_TZ
from hub.rooms.models import Invitation, Room, RoomSession, SessionKind, SessionRoom, SessionStatus
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
    made = [interview, reception]
    session.add_all(made)
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
