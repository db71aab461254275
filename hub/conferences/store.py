"""The live console's memory in the database: attendance rows, console events, the extended end, the end.

Each write is its own short unit of work; a failure is logged (the console goes on: a conference is never stopped for
its minutes) and told by the caller's log (`conference_event_not_kept`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from hub.conferences import live
from hub.conferences.models import Attendance, Conference, ConferenceStatus, ConsoleEvent
from hub.db import Database
from hub.rooms.interface import RoomSession


class DatabaseStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def attendance(self, conference_id: int, row: live.Attendance) -> None:
        async with self.db.transaction() as s:
            found = await s.scalar(
                select(Attendance).where(Attendance.conference_id == conference_id, Attendance.participant == row.participant)
            )
            if found is None:
                found = Attendance(conference_id=conference_id, participant=row.participant)
                s.add(found)
            found.name = row.name
            found.invited = row.invited
            found.joined_at = found.joined_at or row.joined_at
            found.left_at = row.left_at
            found.people = row.people
            found.signed_in_at = row.signed_in_at
            found.roll_call_called_at = row.roll_call_called_at
            found.roll_call_answered_at = row.roll_call_answered_at
            conference = await s.get(Conference, conference_id)
            if conference is not None and conference.status is ConferenceStatus.PLANNED:
                conference.status = ConferenceStatus.OPEN

    async def event(self, conference_id: int, at: dt.datetime, kind: str, actor: str | None, data: dict[str, Any]) -> None:
        async with self.db.transaction() as s:
            s.add(ConsoleEvent(conference_id=conference_id, at=at, kind=kind, actor=actor, data=data))

    async def extended(self, conference_id: int, ends_at: dt.datetime) -> None:
        """The conference and its room session end later: the rooms stay booked for the extension too."""
        async with self.db.transaction() as s:
            conference = await s.get(Conference, conference_id)
            if conference is not None:
                conference.ends_at = ends_at
                room_session = await s.get(RoomSession, conference.session_id)
                if room_session is not None:
                    room_session.planned_end = ends_at

    async def ended(self, conference_id: int, at: dt.datetime) -> None:
        async with self.db.transaction() as s:
            conference = await s.get(Conference, conference_id)
            if conference is not None and conference.status is not ConferenceStatus.ENDED:
                conference.status, conference.ended_at = ConferenceStatus.ENDED, at
