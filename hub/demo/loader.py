"""What `hub demo` loads, in order: the organisation and its rooms, then (with the wired app's rules) the case
history and the reception schedule. Everything goes through the same sequences and services as live use."""

from __future__ import annotations

from aiohttp import web

from hub.auth.interface import hash_password
from hub.cases.interface import CASES
from hub.clock import LOCAL_TZ
from hub.db import Database
from hub.demo import cases, conference, documents, org, reports, rooms, schedule
from hub.http.keys import CLOCK, DB


async def load_organisation(db: Database) -> str:
    """The demo commission, its staff and rooms, into an empty database; a line saying what was loaded."""
    from hub.clock import Clock

    now = Clock().now()
    password_hash = await hash_password(org.DEMO_PASSWORD)
    async with db.transaction() as s:
        counts = await org.load(s, password_hash=password_hash, now=now)
        sessions = await rooms.load_demo(s, now)
    return f"demo organisation loaded: {counts}; rooms: {sessions}"


async def load_history(app: web.Application, *, cases_count: int, seed: int, with_schedule: bool) -> list[str]:
    """Demo cases (and, on a new demo, the schedule) through a wired, started app (``hub.app.offline_app``)."""
    db, now, said = app[DB], app[CLOCK].now(), []
    if cases_count > 0:
        result = await cases.generate(db, cases_count, seed=seed, now=now, ctx=app[CASES])
        said.append(f"demo cases: {result}")
    if with_schedule:
        async with db.transaction() as s:
            loaded = await schedule.load_demo(s, app, now)
            training = await conference.load_demo(s, app, now)
        said.append(f"demo schedule loaded; kiosk receipt codes of the demo bookings: {loaded.get('booking_codes')}")
        starts = training.conference.starts_at.astimezone(LOCAL_TZ).strftime("%H:%M")
        said.append(f"demo conference: {training.conference.title} at {starts}, open for joining now (leader chairs)")
        said.append(f"demo documents: {(await documents.load_demo(app))['documents']}")
    if cases_count > 0 and with_schedule:
        said.append(f"demo weekly reports: {await reports.load_demo(app, now)}")
    return said
