"""Wire conferences into the app: the access rule, routes, to-dos, and the live console behind signaling's hook.

Needs rooms and signaling wired first: the console is signaling's conference hook (`SignalingService.console`), and
every conference not yet ended is registered with it at start-up (a scheduled one when its unit of work commits).
"""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.clock import LOCAL_TZ, to_local
from hub.conferences import service, timeline, views
from hub.conferences.keys import CONSOLE_REGISTRY
from hub.conferences.live import ConferenceConsole, ConferenceInfo
from hub.conferences.models import CONFERENCE_LABELS, Conference, ConferenceStatus, ConferenceVenue
from hub.conferences.rules import ConferenceRule
from hub.conferences.store import DatabaseStore
from hub.errors import NotFound
from hub.http.keys import CLOCK, DB, HOME_TODOS, LABELS, POLICY, TodoItem
from hub.i18n import N_
from hub.rooms.interface import TIMELINES, Device
from hub.signaling.interface import SIGNALING

CONSOLE: web.AppKey[ConferenceConsole] = web.AppKey("conference_console")


async def info_of(s: AsyncSession, conference: Conference) -> ConferenceInfo:
    """The venues as the room will see them: each enrolled device of a venue room (`device-N`), each person (`user-N`)."""
    invited: dict[str, str] = {}
    rooms = {v.room_id: v.name for v in conference.venues if v.room_id is not None}
    if rooms:
        devices = await s.execute(
            select(Device.id, Device.room_id)
            .where(Device.room_id.in_(rooms), Device.credential_hash.is_not(None), Device.revoked_at.is_(None))
            .order_by(Device.room_id, Device.id)
        )
        for device_id, room_id in devices:
            invited[f"device-{device_id}"] = rooms[room_id]
    for venue in conference.venues:
        if venue.user_id is not None:
            invited[f"user-{venue.user_id}"] = venue.name
    return ConferenceInfo(conference.id, conference.title, conference.ends_at, invited)


async def conference_todos(app: web.Application, s: AsyncSession, actor: Actor, now: dt.datetime) -> list[TodoItem]:
    if not actor.is_staff or actor.is_admin or actor.user_id is None:
        return []
    start = dt.datetime.combine(to_local(now).date(), dt.time(0), LOCAL_TZ).astimezone(dt.UTC)
    mine = select(ConferenceVenue.conference_id).where(ConferenceVenue.user_id == actor.user_id)
    found = (
        await s.scalars(
            select(Conference)
            .where(
                Conference.status != ConferenceStatus.ENDED,
                Conference.starts_at >= start,
                Conference.starts_at < start + dt.timedelta(days=1),
                or_(Conference.created_by == actor.user_id, Conference.id.in_(mine)),
            )
            .order_by(Conference.starts_at)
        )
    ).all()
    if not found:
        return []
    items = tuple((f"{to_local(c.starts_at).strftime('%H:%M')} {c.title}", f"/rooms/sessions/{c.session_id}") for c in found[:8])
    return [TodoItem(N_("Conferences today"), len(found), items[0][1], order=45, items=items)]


def setup(app: web.Application) -> None:
    policy = app[POLICY]
    policy.register(Conference, ConferenceRule(policy))

    async def load(session: AsyncSession, actor: Actor, object_id: int, *, for_update: bool) -> Conference:
        found = await session.get(Conference, object_id)
        if found is None:
            raise NotFound("conference")
        policy.require(actor, "view", found)
        return found

    policy.register_loader("conference", load)
    app[LABELS].update(CONFERENCE_LABELS)
    app[HOME_TODOS].append(conference_todos)
    app.router.add_routes(views.routes.table)
    app[TIMELINES] = timeline.moments  # a conference's recording shows who was broadcast when
    if SIGNALING not in app:
        return
    console = ConferenceConsole(app[SIGNALING].controls, clock=app[CLOCK], store=DatabaseStore(app[DB]))
    app[SIGNALING].console = console
    app[CONSOLE] = console

    async def register(conference_id: int) -> None:
        async with app[DB].transaction(write=False) as s:
            conference = await s.get(Conference, conference_id)
            if conference is not None and conference.status is not ConferenceStatus.ENDED:
                console.register(conference.signaling_room, await info_of(s, conference))

    app[CONSOLE_REGISTRY] = register

    async def register_all(app: web.Application) -> None:
        async with app[DB].transaction(write=False) as s:
            for conference in await service.live_conferences(s):
                console.register(conference.signaling_room, await info_of(s, conference))

    async def close(app: web.Application) -> None:
        await console.close()

    app.on_startup.append(register_all)
    app.on_shutdown.append(close)
