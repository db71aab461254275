"""The adapter that fulfils ``CallOpener`` with the rooms part: a reception or an interview becomes a room session.

This module is wiring (like app.py): the schedule services never import it; ``setup`` installs it only when the rooms
part is in the app. A kiosk joins from its own start screen (``/kiosk``), which lists the open sessions of its room;
the official joins at the session's call page and admits the petitioner from the lobby.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.policy import Policy
from hub.rooms.interface import ParticipantRole, Room, RoomKind, RoomSession, SessionKind, sessions
from hub.schedule.calls import CallLink, InterviewCall, ReceptionCall
from hub.schedule.models import Interview

KIOSK_START = "/kiosk"


class RoomsCalls:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy

    async def _county_reception_room(self, session: AsyncSession, wanted: int | None) -> int | None:
        if wanted is not None:
            return wanted
        return await session.scalar(
            select(Room.id).where(Room.kind == RoomKind.COUNTY_RECEPTION, Room.active.is_(True)).order_by(Room.code).limit(1)
        )

    async def open_reception(self, session: AsyncSession, call: ReceptionCall, now: dt.datetime) -> CallLink | None:
        county = await self._county_reception_room(session, call.county_room_id)
        if call.kiosk_room_id is None or county is None:
            return None
        rs = await sessions.create_session(
            session, self.policy, call.official, kind=SessionKind.RECEPTION, title=call.title,
            room_ids=[county, call.kiosk_room_id], planned_start=call.planned_start, planned_end=call.planned_end, now=now,
            scheduled=True,
        )  # fmt: skip
        await sessions.invite(
            session, self.policy, call.official, rs, role=ParticipantRole.PETITIONER, room_id=call.kiosk_room_id, now=now
        )
        await sessions.open_session(session, self.policy, call.official, rs, now)
        return CallLink(str(rs.id), f"/rooms/sessions/{rs.id}/call", KIOSK_START)

    async def open_interview(self, session: AsyncSession, call: InterviewCall, now: dt.datetime) -> CallLink | None:
        rs = await sessions.create_session(
            session, self.policy, call.organiser, kind=SessionKind.INTERVIEW, title=call.title,
            room_ids=[call.county_room_id, call.township_room_id], planned_start=call.planned_start,
            planned_end=call.planned_end, now=now, scheduled=True,
        )  # fmt: skip
        for user_id in call.interviewer_ids:
            if user_id != call.organiser.user_id:
                await sessions.invite(
                    session, self.policy, call.organiser, rs, role=ParticipantRole.INTERVIEWER, user_id=user_id, now=now
                )
        await sessions.invite(
            session, self.policy, call.organiser, rs, role=ParticipantRole.INTERVIEWEE, room_id=call.township_room_id, now=now
        )
        await sessions.open_session(session, self.policy, call.organiser, rs, now)
        return CallLink(str(rs.id), f"/rooms/sessions/{rs.id}/call", KIOSK_START)


async def case_of_room_session(session: AsyncSession, room_session: RoomSession) -> int | None:
    """Which case a recorded call serves: the clue of the interview that opened it, else the session's own case (the
    recorder asks at start)."""
    refs = (str(room_session.id), room_session.signaling_room)
    found = await session.scalar(
        select(Interview.clue_id)
        .where(Interview.room_session_ref.in_(refs), Interview.clue_id.is_not(None))
        .order_by(Interview.id)
        .limit(1)
    )
    return found if found is not None else room_session.case_id  # else the case the session itself was planned for
