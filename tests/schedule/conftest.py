"""Fixtures of the schedule tests: the app with the schedule part wired, a kiosk stand-in, and a service kit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from sqlalchemy import select

from hub.access.actor import Actor
from hub.app import create_app
from hub.auth.middleware import ACTOR_RESOLVERS
from hub.auth.models import User
from hub.cases import holidays
from hub.cases import setup as cases_setup
from hub.clock import LOCAL_TZ, FakeClock
from hub.db import Database
from hub.rooms.models import Room, RoomKind
from hub.schedule import rotations
from hub.schedule.keys import PLANNERS
from hub.schedule.models import MemberKind
from tests.cases.conftest import actor_for

KIOSK_HEADER = "X-Test-Kiosk"  # "<device id>:<township id>:<room id>", read by the stand-in resolver below


async def header_kiosk(request: web.Request) -> Actor | None:
    """Stands in for the rooms part's enrolled-device resolver in these tests (a kiosk without enrolment)."""
    raw = request.headers.get(KIOSK_HEADER, "")
    if not raw:
        return None
    device, township, room = (int(x) for x in raw.split(":"))
    return _KioskActor(kind="kiosk", device_id=device, township_id=township, room_id=room)


@dataclass(frozen=True)
class _KioskActor(Actor):
    room_id: int | None = None


@pytest.fixture
def app(settings, database, clock):  # type: ignore[no-untyped-def]
    app = create_app(settings, clock=clock, database=database)
    app[ACTOR_RESOLVERS].append(header_kiosk)
    return app


@dataclass
class Kit:
    db: Database
    clock: FakeClock
    app: web.Application
    actors: dict[str, Actor] = field(default_factory=dict)

    async def actor(self, username: str) -> Actor:
        if username not in self.actors:
            self.actors[username] = await actor_for(self.db, username)
        return self.actors[username]

    async def user_id(self, username: str) -> int:
        return (await self.actor(username)).user_id or 0

    def kiosk(self, device: int, township: int, room: int | None = None) -> Actor:
        return _KioskActor(kind="kiosk", device_id=device, township_id=township, room_id=room)

    async def township(self, code: str = "tw.xini") -> tuple[int, int]:
        """A township's id and its kiosk room's id."""
        from hub.org.models import OrgUnit

        async with self.db.transaction(write=False) as s:
            unit = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
            room = await s.scalar(select(Room.id).where(Room.township_id == unit, Room.kind == RoomKind.TOWNSHIP_KIOSK))
        assert unit is not None
        return unit, room or 0

    @property
    def today(self) -> dt.date:
        return self.clock.now().astimezone(LOCAL_TZ).date()

    async def published(
        self,
        members: list[tuple[str, MemberKind]] | None = None,
        *,
        days: int = 14,
        slot_times: str = "09:00-10:00,10:00-11:00",
        capacity: int = 2,
        start: dt.date | None = None,
        leaders: int = 1,
        staff: int = 1,
    ) -> int:
        """A published rotation from tomorrow (or ``start``) built by the petition office."""
        members = members or [("deputy1", MemberKind.LEADER), ("petition1", MemberKind.STAFF), ("petition2", MemberKind.STAFF)]
        planner = await self.actor("petition1")
        planners = self.app[PLANNERS]
        first = start or self.today + dt.timedelta(days=1)
        now = self.clock.now()
        async with self.db.transaction() as s:
            await holidays.seed_if_empty(s)
        async with self.db.transaction() as s:
            calendar = await holidays.load(s)
            spec = rotations.RotationSpec(
                "测试轮流接访", first, first + dt.timedelta(days=days - 1), slot_times, capacity, leaders, staff
            )
            rotation = await rotations.create_rotation(s, planners, planner, spec, now)
            ids = [(await self.user_id(u), k) for u, k in members]
            await rotations.set_roster(s, planners, planner, rotation.id, ids, now)
            await rotations.generate(s, planners, planner, rotation.id, calendar, now)
            await s.flush()
            await rotations.publish(s, planners, planner, rotation.id, rotation.version, now)
            return rotation.id

    async def users(self) -> dict[int, str]:
        async with self.db.transaction(write=False) as s:
            return {u.id: u.username for u in (await s.scalars(select(User))).all()}


@pytest.fixture
async def kit(app, database, seeded, clock) -> Kit:  # type: ignore[no-untyped-def]
    # the office directory is filled at start-up; the service tests do not start the app
    await cases_setup.load_offices(app)
    return Kit(database, clock, app)
