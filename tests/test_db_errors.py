"""The unit of work names the two database failures every caller must tell from a bug: a database that does not
answer is `Unavailable` (503), a stale write caught by a version column is `Conflict` (409)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from hub.auth.models import User
from hub.db import Database
from hub.errors import Conflict, Unavailable
from hub.rooms.models import RoomSession, SessionKind, SessionStatus
from hub.rooms.recording.models import Recording, RecordingStatus


async def test_a_database_that_refuses_connections_is_unavailable() -> None:
    db = Database("postgresql+asyncpg://postgres@127.0.0.1:9/nothing")  # port 9: nobody listens
    try:
        with pytest.raises(Unavailable):
            async with db.transaction() as s:
                await s.execute(text("SELECT 1"))
    finally:
        await db.dispose()


async def test_a_stale_write_at_flush_is_a_conflict(database: Database, seeded: dict[str, int]) -> None:
    now = dt.datetime.now(dt.UTC)
    async with database.transaction() as s:
        host = await s.scalar(select(User.id).limit(1))
        rs = RoomSession(kind=SessionKind.INTERVIEW, title="t", status=SessionStatus.OPEN, host_user_id=host, created_at=now)
        s.add(rs)
        await s.flush()
        recording = Recording(room_session_id=rs.id, signaling_room="r", status=RecordingStatus.RECORDING, started_at=now)
        s.add(recording)
        await s.flush()
        recording_id = recording.id
    with pytest.raises(Conflict) as raised:
        async with database.transaction() as s:
            row = await s.get(Recording, recording_id)
            assert row is not None
            # someone else's write lands between our read and our write
            await s.execute(text("UPDATE recordings SET version = version + 1 WHERE id = :i"), {"i": recording_id})
            row.end_reason = "mine"
    assert raised.value.code == "stale" and raised.value.status == 409


async def test_a_bug_stays_a_bug(database: Database) -> None:
    with pytest.raises(ZeroDivisionError):
        async with database.transaction() as s:
            await s.execute(text("SELECT 1"))
            _ = 1 / 0
