"""Test data for rooms: look up demo rooms and users, enrol a device, plan a session."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.auth.models import User
from hub.db import Database
from hub.rooms import devices, sessions
from hub.rooms.models import Room, RoomSession, SessionKind
from hub.rooms.participants import ParticipantRole
from hub.rooms.rules import RoomSessionRule


async def room_id(db: Database, code: str) -> int:
    async with db.transaction(write=False) as s:
        found = await s.scalar(select(Room.id).where(Room.code == code))
    assert found is not None, code
    return found


async def staff_actor(s: AsyncSession, username: str) -> Actor:
    user = await s.scalar(select(User).where(User.username == username))
    assert user is not None, username
    return Actor(
        kind="staff",
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        org_unit_id=user.org_unit_id,
    )


async def enrolled_device(db: Database, room_code: str, now: dt.datetime) -> devices.Enrolled:
    async with db.transaction() as s:
        room = await s.scalar(select(Room).where(Room.code == room_code))
        assert room is not None
        issued = await devices.issue_enrolment_code(s, audit.SYSTEM, room, "test", now)
        return await devices.enrol(s, issued.code, now)


def session_policy() -> Policy:
    policy = Policy()
    policy.register(RoomSession, RoomSessionRule())
    return policy


async def planned_session(
    db: Database,
    host: str,
    room_codes: list[str],
    now: dt.datetime,
    *,
    kind: SessionKind = SessionKind.INTERVIEW,
    staff: dict[str, ParticipantRole] | None = None,
    rooms: dict[str, ParticipantRole] | None = None,
    open_now: bool = False,
) -> int:
    policy = session_policy()
    async with db.transaction() as s:
        actor = await staff_actor(s, host)
        ids = [await s.scalar(select(Room.id).where(Room.code == c)) for c in room_codes]
        rs = await sessions.create_session(
            s,
            policy,
            actor,
            kind=kind,
            title=f"{kind.value} test",
            room_ids=[i for i in ids if i is not None],
            planned_start=now,
            planned_end=now + dt.timedelta(hours=1),
            now=now,
            scheduled=True,  # stands in for a booking's or an interview's call (their parts check the township room)
        )
        for username, role in (staff or {}).items():
            user = await s.scalar(select(User.id).where(User.username == username))
            await sessions.invite(s, policy, actor, rs, role=role, user_id=user, now=now)
        for code, role in (rooms or {}).items():
            rid = await s.scalar(select(Room.id).where(Room.code == code))
            await sessions.invite(s, policy, actor, rs, role=role, room_id=rid, display_name="", now=now)
        if open_now:
            await sessions.open_session(s, policy, actor, rs, now)
        return rs.id
