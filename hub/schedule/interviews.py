"""Coordination (协调调度): remote interviews between a county room and a township interview room.

Double bookings of a room or a person are refused. The check and the insert run under one lock per database
(PostgreSQL: a transaction-scoped advisory lock; SQLite: the writer's BEGIN IMMEDIATE), so two coordinators
booking the same room at once cannot both succeed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.auth.interface import User
from hub.cases import interface as cases
from hub.cases.interface import Clue
from hub.clock import to_local
from hub.errors import Conflict, Invalid, NotFound
from hub.i18n import N_
from hub.rooms.interface import Room, RoomKind
from hub.schedule.calls import CallLink, CallOpener, InterviewCall
from hub.schedule.models import (
    Duty,
    Interview,
    InterviewParticipant,
    InterviewStatus,
    ParticipantRole,
    ReceptionSlot,
    Rotation,
    RotationStatus,
)

_LOCK_KEY = 727_000_601  # advisory lock serialising interview bookings on PostgreSQL
COUNTY_KINDS = frozenset({RoomKind.COUNTY_INTERVIEW, RoomKind.COUNTY_RECEPTION})
TOWNSHIP_KINDS = frozenset({RoomKind.TOWNSHIP_INTERVIEW})
MAX_LENGTH = dt.timedelta(hours=8)


@dataclass(frozen=True)
class InterviewIn:
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    county_room_id: int
    township_room_id: int
    interviewee_name: str
    interviewee_ref: str = ""
    interviewer_ids: tuple[int, ...] = ()
    accompanying_ids: tuple[int, ...] = ()
    notes: str = ""
    clue_id: int | None = None


@dataclass
class Clash:
    rooms: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)
    interviewee: bool = False

    def __bool__(self) -> bool:
        return bool(self.rooms or self.people or self.interviewee)


def _overlaps(start: dt.datetime, end: dt.datetime):  # type: ignore[no-untyped-def]
    return and_(Interview.status == InterviewStatus.SCHEDULED, Interview.starts_at < end, Interview.ends_at > start)


async def _lock(session: AsyncSession) -> None:
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})


async def clashes(session: AsyncSession, data: InterviewIn, *, skip: int | None = None, interviewee: bool = True) -> Clash:
    """Rooms and people already booked; the interviewee only when ``interviewee`` (the caller sees the schedule):
    otherwise the form would tell anyone whether a named person is to be interviewed (issue 14, finding 5)."""
    clash = Clash()
    base = _overlaps(data.starts_at, data.ends_at)
    if skip is not None:
        base = and_(base, Interview.id != skip)
    rooms = [data.county_room_id, data.township_room_id]
    busy_rooms = (
        await session.execute(
            select(Room.id, Room.name_zh).where(
                Room.id.in_(rooms),
                select(Interview.id)
                .where(base, or_(Interview.county_room_id == Room.id, Interview.township_room_id == Room.id))
                .exists(),
            )
        )
    ).all()
    clash.rooms = [name for _id, name in busy_rooms]
    people = set(data.interviewer_ids) | set(data.accompanying_ids)
    if people:
        busy_people = set(
            (
                await session.scalars(
                    select(InterviewParticipant.user_id)
                    .join(Interview, Interview.id == InterviewParticipant.interview_id)
                    .where(base, InterviewParticipant.user_id.in_(people))
                )
            ).all()
        )
        # a reception slot of the person at that time is a booking too
        busy_people |= set(
            (
                await session.scalars(
                    select(Duty.user_id)
                    .join(ReceptionSlot, ReceptionSlot.duty_id == Duty.id)
                    .join(Rotation, Rotation.id == Duty.rotation_id)
                    .where(
                        Duty.user_id.in_(people),
                        Rotation.status == RotationStatus.PUBLISHED,
                        ReceptionSlot.starts_at < data.ends_at,
                        ReceptionSlot.ends_at > data.starts_at,
                    )
                )
            ).all()
        )
        if busy_people:
            names = await session.execute(select(User.display_name).where(User.id.in_(busy_people)).order_by(User.id))
            clash.people = list(names.scalars().all())
    if not interviewee:
        return clash
    same_person = await session.scalar(
        select(Interview.id).where(
            base, Interview.interviewee_name == data.interviewee_name, Interview.interviewee_ref == data.interviewee_ref
        )
    )
    clash.interviewee = same_person is not None
    return clash


async def rooms_busy(session: AsyncSession, room_ids: list[int], start: dt.datetime, end: dt.datetime) -> list[Any]:
    """Scheduled interviews in these rooms at that time, for the conferences' booking check (wired in app.py): each
    with `room_id`, `title`, `starts_at`, `ends_at`."""
    from types import SimpleNamespace

    found = (
        await session.scalars(
            select(Interview).where(
                _overlaps(start, end), or_(Interview.county_room_id.in_(room_ids), Interview.township_room_id.in_(room_ids))
            )
        )
    ).all()
    return [
        SimpleNamespace(room_id=room, title=i.title, starts_at=i.starts_at, ends_at=i.ends_at)
        for i in found
        for room in (i.county_room_id, i.township_room_id)
        if room in room_ids
    ]


async def _validate(session: AsyncSession, data: InterviewIn, now: dt.datetime) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = N_("This field is required.")
    if not data.interviewee_name.strip():
        errors["interviewee_name"] = N_("This field is required.")
    if data.ends_at <= data.starts_at:
        errors["ends_at"] = N_("The end comes before the start.")
    elif data.ends_at - data.starts_at > MAX_LENGTH:
        errors["ends_at"] = N_("An interview lasts at most eight hours.")
    if data.starts_at < now:
        errors["starts_at"] = N_("This time has passed.")
    county = await session.get(Room, data.county_room_id)
    township = await session.get(Room, data.township_room_id)
    if county is None or county.kind not in COUNTY_KINDS or not county.active:
        errors["county_room_id"] = N_("Choose a county interview or reception room.")
    if township is None or township.kind not in TOWNSHIP_KINDS or not township.active:
        errors["township_room_id"] = N_("Choose a township interview room.")
    if not data.interviewer_ids:
        errors["interviewer_ids"] = N_("Name the county interviewer.")
    if set(data.interviewer_ids) & set(data.accompanying_ids):
        errors["accompanying_ids"] = N_("A person is either interviewer or accompanying staff, not both.")
    ids = set(data.interviewer_ids) | set(data.accompanying_ids)
    if ids:
        found = set((await session.scalars(select(User.id).where(User.id.in_(ids), User.disabled.is_(False)))).all())
        if found != ids:
            errors["interviewer_ids"] = N_("Choose active staff accounts.")
    if errors:
        raise Invalid("invalid", "Some fields are not valid.", fields=errors)


def _clash_fields(clash: Clash) -> dict[str, str]:
    """What clashes, by field: room and person names are data; the interviewee clash is a sentence of our own."""
    fields: dict[str, str] = {}
    if clash.rooms:
        fields["rooms"] = "、".join(clash.rooms)
    if clash.people:
        fields["people"] = "、".join(clash.people)
    if clash.interviewee:
        fields["interviewee_name"] = N_("This person already has an interview at that time.")
    return fields


async def case_choices(session: AsyncSession, policy: Policy, actor: Actor) -> list[tuple[int, str]]:
    """The interview form's case picker: the open cases the organiser may see."""
    return await cases.case_choices(session, policy, actor)


async def case_numbers(session: AsyncSession, clue_ids: list[int]) -> dict[int, str]:
    if not clue_ids:
        return {}
    return dict((await session.execute(select(Clue.id, Clue.number).where(Clue.id.in_(clue_ids)))).all())


async def _check_case(session: AsyncSession, policy: Policy, actor: Actor, clue_id: int | None) -> None:
    """The case an interview names must be one the organiser may see (a guessed id is refused like a wrong one)."""
    if clue_id is None:
        return
    try:
        await policy.load(session, actor, "clue", clue_id, for_update=False)
    except NotFound:
        raise Invalid("invalid", "Some fields are not valid.", fields={"clue_id": N_("Choose one of your cases.")}) from None


async def schedule(session: AsyncSession, policy: Policy, actor: Actor, data: InterviewIn, now: dt.datetime) -> Interview:
    policy.require(actor, "create", Interview(), hide=False)
    await _check_case(session, policy, actor, data.clue_id)
    data = InterviewIn(
        **{
            **data.__dict__,
            "title": data.title.strip(),
            "interviewee_name": data.interviewee_name.strip(),
            "interviewee_ref": data.interviewee_ref.strip(),
        }
    )
    await _validate(session, data, now)
    await _lock(session)
    clash = await clashes(session, data, interviewee=policy.may(actor, "see_schedule", Interview()))
    if clash:
        raise Conflict(
            "double_booked",
            N_("This time is already taken for a room or a person."),
            fields=_clash_fields(clash),
        )
    interview = Interview(
        title=data.title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        county_room_id=data.county_room_id,
        township_room_id=data.township_room_id,
        interviewee_name=data.interviewee_name,
        interviewee_ref=data.interviewee_ref,
        clue_id=data.clue_id,
        status=InterviewStatus.SCHEDULED,
        notes=data.notes,
        created_by=actor.user_id,
        created_at=now,
    )
    session.add(interview)
    await session.flush()
    session.add_all(
        InterviewParticipant(interview_id=interview.id, user_id=u, role=ParticipantRole.INTERVIEWER) for u in data.interviewer_ids
    )
    session.add_all(
        InterviewParticipant(interview_id=interview.id, user_id=u, role=ParticipantRole.ACCOMPANYING)
        for u in data.accompanying_ids
    )
    await session.flush()
    await audit.record(
        session,
        actor.audit,
        "interview.schedule",
        "interview",
        interview.id,
        {
            "start": data.starts_at,
            "end": data.ends_at,
            "rooms": [data.county_room_id, data.township_room_id],
            "people": sorted(set(data.interviewer_ids) | set(data.accompanying_ids)),
            "clue": data.clue_id,
        },
        at=now,
    )
    return interview


async def participants(session: AsyncSession, interview_id: int) -> list[InterviewParticipant]:
    stmt = (
        select(InterviewParticipant).where(InterviewParticipant.interview_id == interview_id).order_by(InterviewParticipant.role)
    )
    return list((await session.scalars(stmt)).all())


async def get(session: AsyncSession, policy: Policy, actor: Actor, interview_id: int, action: str = "view") -> Interview:
    interview = await session.get(Interview, interview_id)
    if interview is None:
        raise NotFound("interview")
    people = await participants(session, interview.id)
    township_room = await session.get(Room, interview.township_room_id)
    interview.township_id = township_room.township_id if township_room is not None else None  # type: ignore[attr-defined]
    interview.participant_ids = frozenset(p.user_id for p in people)  # type: ignore[attr-defined]
    interview.interviewer_ids = frozenset(p.user_id for p in people if p.role is ParticipantRole.INTERVIEWER)  # type: ignore[attr-defined]
    policy.require(actor, action, interview)
    return interview


async def cancel(
    session: AsyncSession, policy: Policy, actor: Actor, interview_id: int, version: int, now: dt.datetime
) -> Interview:
    interview = await get(session, policy, actor, interview_id, "cancel")
    if interview.version != version:
        raise Conflict("stale", N_("Someone changed this interview meanwhile. Reload the page."))
    interview.status = InterviewStatus.CANCELLED
    await session.flush()
    await audit.record(session, actor.audit, "interview.cancel", "interview", interview.id, {}, at=now)
    return interview


async def link_rooms(
    session: AsyncSession, policy: Policy, calls: CallOpener, actor: Actor, interview_id: int, now: dt.datetime
) -> CallLink | None:
    """At the time, link the county room with the township room (the rooms part opens the call)."""
    interview = await get(session, policy, actor, interview_id, "link")
    if interview.status is not InterviewStatus.SCHEDULED:
        raise Conflict("cancelled", N_("This interview is cancelled."))
    if interview.room_session_ref:
        return None  # linked already: one call per interview, joined from the video rooms page (no parallel session)
    if not interview.starts_at - dt.timedelta(minutes=15) <= now <= interview.ends_at:
        raise Conflict("not_now", N_("The rooms are linked from fifteen minutes before the interview."))
    interviewers = tuple(p.user_id for p in await participants(session, interview.id) if p.role is ParticipantRole.INTERVIEWER)
    link = await calls.open_interview(
        session,
        InterviewCall(
            actor,
            interview.title,
            interview.county_room_id,
            interview.township_room_id,
            interviewers,
            interview.starts_at,
            interview.ends_at,
        ),
        now,
    )
    if link is not None:
        interview.room_session_ref = link.ref
        await session.flush()
    await audit.record(
        session, actor.audit, "interview.link", "interview", interview.id, {"room_session": interview.room_session_ref}, at=now
    )
    return link


@dataclass(frozen=True)
class Busy:
    starts_at: dt.datetime
    ends_at: dt.datetime
    what: str  # shown to whoever may see it; "busy" for others
    interview_id: int | None = None


async def calendar(
    session: AsyncSession,
    policy: Policy,
    actor: Actor,
    start: dt.datetime,
    end: dt.datetime,
    *,
    room_id: int | None = None,
    user_id: int | None = None,
) -> list[Busy]:
    """A room's or a person's calendar: interviews (named only for those who may see them) and reception slots."""
    stmt = select(Interview).where(_overlaps(start, end))
    if room_id is not None:
        stmt = stmt.where(or_(Interview.county_room_id == room_id, Interview.township_room_id == room_id))
    if user_id is not None:
        stmt = stmt.where(
            select(InterviewParticipant.user_id)
            .where(InterviewParticipant.interview_id == Interview.id, InterviewParticipant.user_id == user_id)
            .exists()
        )
    visible = set(
        (await session.scalars(select(Interview.id).where(_overlaps(start, end), policy.where(actor, "view", Interview)))).all()
    )
    items = [
        Busy(i.starts_at, i.ends_at, i.title if i.id in visible else "", i.id if i.id in visible else None)
        for i in (await session.scalars(stmt.order_by(Interview.starts_at))).all()
    ]
    if user_id is not None:
        slots = await session.execute(
            select(ReceptionSlot.starts_at, ReceptionSlot.ends_at)
            .join(Duty, Duty.id == ReceptionSlot.duty_id)
            .join(Rotation, Rotation.id == Duty.rotation_id)
            .where(
                Duty.user_id == user_id,
                Rotation.status == RotationStatus.PUBLISHED,
                ReceptionSlot.starts_at < end,
                ReceptionSlot.ends_at > start,
            )
        )
        items += [Busy(s, e, N_("Reception duty")) for s, e in slots]
    return sorted(items, key=lambda b: b.starts_at)


def describe(busy: Busy) -> str:
    return f"{to_local(busy.starts_at):%m-%d %H:%M}–{to_local(busy.ends_at):%H:%M} {busy.what}"
