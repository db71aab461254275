"""The demo training conference (issue 12): 纪委书记 王建国 (leader) chairs 全旗纪检监察业务培训会 from the county hall with
the six township venues: each township's interview room and its staff member (xini1, balagong1, ...) are invited.

It is scheduled through the conferences part as the leader would schedule it, to start half an hour after the demo is
loaded, so that on a fresh `make run` it is open for joining (venues check their picture and sound from an hour
before). `hub demo venues` starts the six township venues as test-picture bots.
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.interface import User, staff_actor_named
from hub.conferences.service import BUSY_ROOMS, ConferenceIn, Scheduled, schedule
from hub.demo.org import TOWNSHIPS
from hub.http.keys import POLICY
from hub.rooms.interface import Room, sessions

TITLE = "全旗纪检监察业务培训会（演示）"
CHAIR = "leader"
STARTS_IN = dt.timedelta(minutes=30)
LASTS = dt.timedelta(hours=3)


def township_people() -> list[str]:
    return [f"{code}1" for code, *_ in TOWNSHIPS]


async def load_demo(s: AsyncSession, app: web.Application, now: dt.datetime) -> Scheduled:
    """Schedule the demo conference; the caller commits (and the console learns of it at start-up)."""
    actor = await staff_actor_named(s, CHAIR)
    assert actor is not None, "the demo organisation is loaded first"
    rooms = {r.code: r.id for r in (await s.scalars(select(Room))).all()}
    users = {u.username: u.id for u in (await s.scalars(select(User))).all()}
    start = (now + STARTS_IN).replace(second=0, microsecond=0)
    data = ConferenceIn(
        title=TITLE,
        starts_at=start,
        ends_at=start + LASTS,
        main_room_id=rooms["county.hall"],
        venue_room_ids=tuple(rooms[f"{code}.interview"] for code, *_ in TOWNSHIPS),
        people=tuple(users[name] for name in township_people()),
    )
    scheduled = await schedule(s, app[POLICY], actor, data, now, app.get(BUSY_ROOMS, []))
    # open for joining now: the venues check their picture and sound before the chair arrives
    await sessions.open_session(s, app[POLICY], actor, scheduled.session, now)
    return scheduled
