"""Room sessions: plan, invite, open, end, and who a participant is in a call (services never commit)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.access.roles import Role
from hub.auth.interface import User
from hub.errors import Conflict, Forbidden, Invalid, NotFound
from hub.i18n import N_
from hub.rooms.device_actor import room_of
from hub.rooms.models import Invitation, Room, RoomKind, RoomSession, SessionKind, SessionRoom, SessionStatus
from hub.rooms.participants import ParticipantRole

# Roles a signed-in staff member may be invited as, and roles of whoever sits at a room's device.
STAFF_ROLES = frozenset({ParticipantRole.INTERVIEWER, ParticipantRole.CLERK, ParticipantRole.WITNESS, ParticipantRole.VENUE})
ROOM_ROLES = frozenset(
    {
        ParticipantRole.KIOSK,
        ParticipantRole.PETITIONER,
        ParticipantRole.INTERVIEWEE,
        ParticipantRole.WITNESS,
        ParticipantRole.VENUE,
    }
)


def _invalid(code: str, field: str, message: str) -> Invalid:
    return Invalid(code, message, fields={field: message})


async def get_session(session: AsyncSession, policy: Policy, actor: Actor, session_id: int, action: str) -> RoomSession:
    found = await session.get(RoomSession, session_id)
    if found is None:
        raise NotFound("room_session")
    policy.require(actor, action, found)
    return found


async def list_sessions(
    session: AsyncSession, policy: Policy, actor: Actor, *, action: str = "view", include_ended: bool = False
) -> list[RoomSession]:
    query = select(RoomSession).where(policy.where(actor, action, RoomSession))
    if not include_ended:
        query = query.where(RoomSession.status != SessionStatus.ENDED)
    query = query.order_by(RoomSession.status.desc(), RoomSession.planned_start, RoomSession.id)
    return list((await session.scalars(query)).all())


def _plans_into(actor: Actor, room: Room) -> bool:
    """May `actor` plan a call by hand into this township interview room (issue 14, finding 4)."""
    if actor.is_main_leader:
        return True
    if actor.is_deputy:
        return room.township_id in actor.portfolio
    return actor.role is not Role.TOWNSHIP_STAFF


async def create_session(
    session: AsyncSession,
    policy: Policy,
    actor: Actor,
    *,
    kind: SessionKind,
    title: str,
    room_ids: list[int],
    planned_start: dt.datetime | None,
    planned_end: dt.datetime | None,
    now: dt.datetime,
    case_id: int | None = None,
    scheduled: bool = False,
) -> RoomSession:
    """A new session. ``scheduled``: opened for a booking, a queue place or an interview, whose part has checked the
    caller's right to that kiosk; a session planned by hand reaches no township kiosk (but the main leader's): a
    petitioner there is reached only through their booking or queue place. A township interview room is planned by hand
    only by county staff (whose planning the policy already allows), a deputy whose portfolio holds that township, or
    the main leader; never by township staff, who may be the accused (issue 14, finding 4)."""
    policy.require(actor, "create", RoomSession(), hide=False)
    assert actor.user_id is not None
    if case_id is not None:  # a case the planner may see (recusals included); a guessed one is a field error
        try:
            await policy.load(session, actor, "clue", case_id)
        except NotFound:
            raise _invalid("unknown_case", "case_id", N_("Choose one of your cases.")) from None
    wanted = sorted(set(room_ids))
    if len(wanted) < 2:
        raise _invalid("too_few_rooms", "room_ids", N_("A session links at least two rooms."))
    rooms = (await session.scalars(select(Room).where(Room.id.in_(wanted), Room.active.is_(True)))).all()
    if len(rooms) != len(wanted):
        raise _invalid("unknown_room", "room_ids", N_("A chosen room does not exist or is not in use."))
    if not scheduled and not actor.is_main_leader and any(r.kind is RoomKind.TOWNSHIP_KIOSK for r in rooms):
        raise Forbidden("kiosk_room", N_("A call into a township kiosk is opened from a booking or a queue place."))
    if not scheduled and any(r.kind is RoomKind.TOWNSHIP_INTERVIEW and not _plans_into(actor, r) for r in rooms):
        raise Forbidden("township_room", N_("A call into a township interview room is planned as an interview."))
    if planned_start and planned_end and planned_end <= planned_start:
        raise _invalid("bad_times", "planned_end", N_("The end must come after the start."))
    created = RoomSession(
        kind=kind,
        title=title.strip(),
        status=SessionStatus.PLANNED,
        host_user_id=actor.user_id,
        planned_start=planned_start,
        planned_end=planned_end,
        created_at=now,
        case_id=case_id,
        links=[SessionRoom(room_id=r) for r in wanted],
        invitations=[
            Invitation(user_id=actor.user_id, role=ParticipantRole.HOST, display_name=actor.display_name, created_at=now)
        ],
    )
    session.add(created)
    await session.flush()
    await audit.record(
        session,
        actor.audit,
        "room_session.created",
        "room_session",
        created.id,
        {
            "kind": kind.value,
            "title": created.title,
            "rooms": wanted,
            "planned_start": planned_start,
            "planned_end": planned_end,
            "case": case_id,
        },
        at=now,
    )
    return created


async def invite(
    session: AsyncSession,
    policy: Policy,
    actor: Actor,
    target: RoomSession,
    *,
    role: ParticipantRole,
    user_id: int | None = None,
    room_id: int | None = None,
    display_name: str = "",
    now: dt.datetime,
) -> Invitation:
    policy.require(actor, "invite", target)
    if (user_id is None) == (room_id is None):
        raise Invalid("who", N_("Invite either a staff member or a room."))
    if user_id is not None:
        if role not in STAFF_ROLES:
            raise _invalid("role", "role", N_("Staff join as interviewer, clerk or witness."))
        user = await session.get(User, user_id)
        if user is None or user.disabled:
            raise _invalid("user", "user_id", N_("No such staff member."))
        if any(i.user_id == user_id for i in target.invitations):
            raise Conflict("already_invited", N_("This person is invited already."))
        name = display_name.strip() or user.display_name
    else:
        if role not in ROOM_ROLES:
            raise _invalid("role", "role", N_("The person in a room joins as kiosk, petitioner, interviewee or witness."))
        if room_id not in target.room_ids:
            raise _invalid("room", "room_id", N_("This room is not part of the session."))
        if any(i.room_id == room_id for i in target.invitations):
            raise Conflict("already_invited", N_("This room is invited already."))
        room = await session.get(Room, room_id)
        assert room is not None
        name = display_name.strip() or room.name_zh
    invitation = Invitation(session_id=target.id, user_id=user_id, room_id=room_id, role=role, display_name=name, created_at=now)
    target.invitations.append(invitation)
    await session.flush()
    await audit.record(
        session,
        actor.audit,
        "room_session.invited",
        "room_session",
        target.id,
        {"invitation": invitation.id, "user_id": user_id, "room_id": room_id, "role": role.value},
        at=now,
    )
    return invitation


async def open_session(session: AsyncSession, policy: Policy, actor: Actor, target: RoomSession, now: dt.datetime) -> None:
    policy.require(actor, "open", target)
    if target.status is SessionStatus.PLANNED:
        target.status = SessionStatus.OPEN
        target.opened_at = now
        await session.flush()
        await audit.record(session, actor.audit, "room_session.opened", "room_session", target.id, {}, at=now)


async def end_session(
    session: AsyncSession, actor_label: audit.AuditActor, target: RoomSession, now: dt.datetime, reason: str
) -> bool:
    """Mark ended (the caller has checked the right to). False if it had ended already."""
    if target.status is SessionStatus.ENDED:
        return False
    target.status = SessionStatus.ENDED
    target.ended_at = now
    await session.flush()
    await audit.record(session, actor_label, "room_session.ended", "room_session", target.id, {"reason": reason}, at=now)
    return True


@dataclass(frozen=True)
class Seat:
    """Who the actor is in a session's call: what goes into the room token."""

    participant: str
    name: str
    role: ParticipantRole


def seat_of(actor: Actor, target: RoomSession) -> Seat:
    """The caller's place in the call (the caller has checked "join")."""
    device_room = room_of(actor)
    if device_room is not None:
        invitation = next((i for i in target.invitations if i.room_id == device_room), None)
        role = invitation.role if invitation else ParticipantRole.KIOSK
        name = invitation.display_name if invitation else actor.display_name
        return Seat(f"device-{actor.device_id}", name or actor.display_name, role)
    invitation = next((i for i in target.invitations if i.user_id == actor.user_id), None)
    if target.host_user_id == actor.user_id:
        role = ParticipantRole.HOST
    elif invitation is not None:
        role = invitation.role
    else:
        role = ParticipantRole.WITNESS  # the main leader looks in without being invited: silently
    return Seat(f"user-{actor.user_id}", actor.display_name, role)
