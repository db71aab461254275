"""Which case a room session serves: the default answer, from the interview that linked the call.

The schedule part records the room session it opened on the interview (`room_session_ref`). This reads
that link by SQL on the table alone, so rooms need not import the schedule part; the wiring may replace it
(`CASE_RESOLVER`) once receptions carry their petition's clue too. The interviews table comes with the
schedule part's migration, which every deployment runs.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.rooms.models import RoomSession


async def case_of_room_session(s: AsyncSession, room_session: RoomSession) -> int | None:
    refs = [str(room_session.id), room_session.signaling_room]
    row = await s.execute(
        text("SELECT clue_id FROM interviews WHERE room_session_ref IN (:a, :b) AND clue_id IS NOT NULL LIMIT 1"),
        {"a": refs[0], "b": refs[1]},
    )
    clue_id = row.scalar()
    return int(clue_id) if clue_id is not None else None
