"""Scheduling a conference: its room session (kind conference), the venues invited, rooms booked without conflicts.

A conference books its main venue and every venue room for its time. The check and the insert run under one lock per
database (PostgreSQL: a transaction-scoped advisory lock; SQLite: the writer's BEGIN IMMEDIATE), as interviews are
booked (hub/schedule/interviews.py). Busy rooms are the planned or open room sessions of those rooms at that time
(every interview, reception and conference has one), and whatever else the wiring adds (`BUSY_ROOMS`: the schedule's
interviews that have no session yet).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.auth.interface import User
from hub.conferences.models import Attendance, Conference, ConferenceStatus, ConferenceVenue
from hub.errors import Conflict, Invalid, NotFound
from hub.i18n import N_
from hub.rooms.interface import ParticipantRole, Room, RoomKind, RoomSession, SessionKind, sessions

_LOCK_KEY = 727_000_601  # the interviews' advisory lock: conferences and interviews book the same rooms
MAX_LENGTH = dt.timedelta(hours=8)
MAIN_KINDS = frozenset({RoomKind.COUNTY_HALL, RoomKind.COUNTY_INTERVIEW, RoomKind.COUNTY_RECEPTION})
VENUE_KINDS = frozenset({RoomKind.TOWNSHIP_INTERVIEW, RoomKind.TOWNSHIP_KIOSK, RoomKind.COUNTY_HALL})


@dataclass(frozen=True)
class Busy:
    room_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime


# each found booking has room_id, title, starts_at, ends_at (a `Busy`, or the schedule's own record of it)
BusyRooms = Callable[[AsyncSession, list[int], dt.datetime, dt.datetime], Awaitable[list[Any]]]
BUSY_ROOMS: web.AppKey[list[BusyRooms]] = web.AppKey("conference_busy_rooms", list)


@dataclass(frozen=True)
class ConferenceIn:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    main_room_id: int
    venue_room_ids: tuple[int, ...]
    people: tuple[int, ...] = ()


@dataclass
class Scheduled:
    conference: Conference
    session: RoomSession
    invited: dict[str, str] = field(default_factory=dict)


async def _lock(session: AsyncSession) -> None:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


async def sessions_busy(session: AsyncSession, room_ids: list[int], start: dt.datetime, end: dt.datetime) -> list[Busy]:
    """Room sessions (interviews, receptions, conferences) planned or open in these rooms at that time."""
    found = (
        await session.scalars(
            select(RoomSession).where(
                RoomSession.status != "ended",
                RoomSession.planned_start.is_not(None),
                RoomSession.planned_start < end,
                RoomSession.planned_end > start,
            )
        )
    ).all()
    wanted = set(room_ids)
    busy: list[Busy] = []
    for rs in found:
        assert rs.planned_start is not None and rs.planned_end is not None
        for room in sorted(wanted & set(rs.room_ids)):
            busy.append(Busy(room, rs.title, rs.planned_start, rs.planned_end))
    return busy


async def _validate(session: AsyncSession, data: ConferenceIn, now: dt.datetime) -> dict[int, Room]:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = N_("This field is required.")
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = N_("The end comes before the start.")
    elif data.ends_at - data.starts_at > MAX_LENGTH:
        errors["ends_at"] = N_("A conference lasts at most eight hours.")
    if data.starts_at < now - dt.timedelta(minutes=5):
        errors["starts_at"] = N_("This time has passed.")
    ids = {data.main_room_id, *data.venue_room_ids}
    rooms = {r.id: r for r in (await session.scalars(select(Room).where(Room.id.in_(ids), Room.active.is_(True)))).all()}
    main = rooms.get(data.main_room_id)
    if main is None or main.kind not in MAIN_KINDS:
        errors["main_room"] = N_("Choose a county room as the main venue.")
    if not data.venue_room_ids and not data.people:
        errors["venue_rooms"] = N_("Invite at least one venue.")
    if data.main_room_id in data.venue_room_ids:
        errors["venue_rooms"] = N_("The main venue is not one of the venues.")
    if any(rooms.get(r) is None or rooms[r].kind not in VENUE_KINDS for r in data.venue_room_ids):
        errors["venue_rooms"] = N_("Choose township rooms that are in use.")
    if data.people:
        found = set((await session.scalars(select(User.id).where(User.id.in_(data.people), User.disabled.is_(False)))).all())
        if found != set(data.people):
            errors["people"] = N_("Choose active staff accounts.")
    if errors:
        raise Invalid("invalid", "Some fields are not valid.", fields=errors)
    return rooms


async def schedule(
    session: AsyncSession,
    policy: Policy,
    actor: Actor,
    data: ConferenceIn,
    now: dt.datetime,
    busy_checks: list[BusyRooms] | None = None,
) -> Scheduled:
    """Book the rooms, create the room session with every venue invited (role `venue`: they join without the lobby)."""
    rooms = await _validate(session, data, now)
    await _lock(session)
    room_ids = [data.main_room_id, *data.venue_room_ids]
    busy: list[Any] = []
    for check in [sessions_busy, *(busy_checks or [])]:
        busy += await check(session, room_ids, data.starts_at, data.ends_at)
    if busy:
        names = "、".join(dict.fromkeys(rooms[b.room_id].name_zh for b in busy if b.room_id in rooms))
        raise Conflict("room_booked", N_("A room is already booked at that time."), fields={"rooms": names})
    rs = await sessions.create_session(
        session, policy, actor, kind=SessionKind.CONFERENCE, title=data.title, room_ids=room_ids,
        planned_start=data.starts_at, planned_end=data.ends_at, now=now, scheduled=True,
    )  # fmt: skip
    conference = Conference(
        session_id=rs.id,
        title=data.title.strip(),
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        main_room_id=data.main_room_id,
        status=ConferenceStatus.PLANNED,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(conference)
    await session.flush()
    for room_id in data.venue_room_ids:
        await sessions.invite(session, policy, actor, rs, role=ParticipantRole.VENUE, room_id=room_id, now=now)
        session.add(ConferenceVenue(conference_id=conference.id, room_id=room_id, name=rooms[room_id].name_zh))
    found = await session.execute(select(User.id, User.display_name).where(User.id.in_(data.people)))
    people: dict[int, str] = {user_id: name for user_id, name in found}
    for user_id in data.people:
        if user_id != actor.user_id:
            await sessions.invite(session, policy, actor, rs, role=ParticipantRole.VENUE, user_id=user_id, now=now)
        session.add(ConferenceVenue(conference_id=conference.id, user_id=user_id, name=people.get(user_id, "")))
    await session.flush()
    await session.refresh(conference, ["venues"])
    await audit.record(
        session, actor.audit, "conference.scheduled", "conference", conference.id,
        {"session": rs.id, "title": conference.title, "rooms": room_ids, "people": list(data.people),
         "starts_at": data.starts_at, "ends_at": data.ends_at},
        at=now,
    )  # fmt: skip
    return Scheduled(conference, rs, invited_of(conference))


def invited_of(conference: Conference) -> dict[str, str]:
    """The participant ids the venues will have in the room (a room's device joins as `room-<id>`'s seat is not known
    before it joins: rooms are listed by their room id, people by `user-<id>`)."""
    return {(f"user-{v.user_id}" if v.user_id else f"room-{v.room_id}"): v.name for v in conference.venues}


async def get(session: AsyncSession, conference_id: int) -> Conference:
    found = await session.get(Conference, conference_id)
    if found is None:
        raise NotFound("conference")
    return found


async def attendance(session: AsyncSession, conference: Conference) -> list[Attendance]:
    return list(
        (
            await session.scalars(
                select(Attendance).where(Attendance.conference_id == conference.id).order_by(Attendance.joined_at, Attendance.id)
            )
        ).all()
    )


@dataclass(frozen=True)
class AbsentVenue:
    """An invited venue that did not come: a row of the attendance sheet with its name only."""

    name: str
    invited: bool = True
    joined_at: dt.datetime | None = None
    left_at: dt.datetime | None = None
    people: int | None = None
    signed_in_at: dt.datetime | None = None
    roll_call_called_at: dt.datetime | None = None
    roll_call_answered_at: dt.datetime | None = None


@dataclass(frozen=True)
class Sheet:
    """The attendance sheet (签到表): who came (in order of joining), the invited venues that did not, the totals."""

    attended: list[Attendance]
    absent: list[AbsentVenue]
    venues_invited: int

    @property
    def rows(self) -> list[Attendance | AbsentVenue]:
        return [*self.attended, *self.absent]

    @property
    def totals(self) -> dict[str, int]:
        present = [r for r in self.attended if r.joined_at is not None]
        return {
            "venues_invited": self.venues_invited,
            "venues_present": sum(1 for r in present if r.invited),
            "people": sum(r.people or 0 for r in present),
        }


async def sheet(session: AsyncSession, conference: Conference) -> Sheet:
    """The attendance sheet, as the JSON API, the page and its PDF show it."""
    attended = await attendance(session, conference)
    came = {r.name for r in attended}
    absent = [AbsentVenue(v.name) for v in conference.venues if v.name not in came]
    return Sheet(attended, absent, len(conference.venues))


async def live_conferences(session: AsyncSession) -> list[Conference]:
    """Conferences that may still be joined: registered with the console at start-up."""
    return list((await session.scalars(select(Conference).where(Conference.status != ConferenceStatus.ENDED))).all())


async def room_names(session: AsyncSession, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = await session.execute(select(Room.id, Room.name_zh).where(Room.id.in_(ids)))
    return {room_id: name for room_id, name in found}


def no_conference() -> NotFound:
    return NotFound("conference")


def refuse_ended(conference: Conference) -> None:
    if conference.status is ConferenceStatus.ENDED:
        raise Conflict("conference_ended", N_("This conference has ended."))
