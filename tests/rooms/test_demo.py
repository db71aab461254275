"""The rooms' demo sessions load on the demo organisation and each demo user sees what the docstring says."""

from __future__ import annotations

from sqlalchemy import select

from hub.demo.rooms import load_demo
from hub.rooms.models import RoomSession, SessionStatus
from hub.rooms.rules import RoomSessionRule
from tests.rooms.factories import staff_actor


async def test_demo_sessions_and_who_sees_them(database, clock, seeded):
    async with database.transaction() as s:
        counts = await load_demo(s, clock.now())
    assert counts["room_sessions"] == 2  # the training conference is the conferences part's (hub/demo/conference.py)
    rule = RoomSessionRule()
    async with database.transaction(write=False) as s:
        every = (await s.scalars(select(RoomSession).order_by(RoomSession.id))).all()

        async def sees(username: str) -> list[str]:
            actor = await staff_actor(s, username)
            return [rs.kind.value for rs in every if rule.allows(actor, "view", rs)]

        assert await sees("group1.1") == ["interview"]
        assert await sees("group1.2") == ["interview"]
        assert await sees("petition1") == ["reception"]
        assert await sees("xini1") == []
        assert await sees("leader") == ["interview", "reception"]
        assert await sees("admin") == []
        assert await sees("group2.1") == []
    assert [rs.status for rs in every] == [SessionStatus.PLANNED, SessionStatus.OPEN]
