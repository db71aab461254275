"""Fixtures of the case-tracking tests: the app with the cases part wired, and a service-level kit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import select

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.auth.staff import staff_actor_named
from hub.cases import holidays, intake, transitions
from hub.cases.access import CaseContext
from hub.cases.models import Clue, ClueSource, Petition
from hub.cases.rules import ClueRule, OfficeDirectory, PetitionRule
from hub.clock import LOCAL_TZ, FakeClock
from hub.db import Database
from hub.org.models import OrgUnit, UnitKind

# who signs which approval in the default demo organisation (deputy1 covers groups 1-3 and three townships)
SIGNERS = {"ZY": "leader", "FG": "deputy1", "DW": "casemgmt1", "CWH": "leader", "SJ": "casemgmt1"}


async def actor_for(database: Database, username: str) -> Actor:
    async with database.transaction(write=False) as s:
        actor = await staff_actor_named(s, username)
    assert actor is not None, username
    return actor


@dataclass
class Kit:
    db: Database
    ctx: CaseContext
    clock: FakeClock
    actors: dict[str, Actor] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)

    async def actor(self, username: str) -> Actor:
        if username not in self.actors:
            self.actors[username] = await actor_for(self.db, username)
        return self.actors[username]

    def unit(self, code: str) -> int:
        return self.units[code]

    @property
    def today(self) -> dt.date:
        return self.clock.now().astimezone(LOCAL_TZ).date()

    async def register_clue(self, by: str = "casemgmt1", **fields: Any) -> Clue:
        data = {"source": ClueSource.ACCEPTED_HERE, "summary": "反映其违规收受礼金", "subject_name": "张三", **fields}
        async with self.db.transaction() as s:
            return await intake.register_clue(s, self.ctx, await self.actor(by), intake.ClueIn(**data), self.clock.now())

    async def event(self, clue_id: int, event: str, by: str, **kw: Any) -> transitions.Outcome:
        async with self.db.transaction() as s:
            return await transitions.request_clue_event(s, self.ctx, await self.actor(by), clue_id, event, self.clock.now(), **kw)

    async def sign_all(self, clue_id: int, signers: dict[str, str] | None = None) -> transitions.Outcome | None:
        signers = {**SIGNERS, **(signers or {})}
        outcome = None
        while True:
            async with self.db.transaction(write=False) as s:
                pending = await transitions.pending_requests(s, clue_id)
            if not pending:
                return outcome
            step = pending[0]
            async with self.db.transaction() as s:
                outcome = await transitions.decide(
                    s, self.ctx, await self.actor(signers[step.approver]), clue_id, step.id, True, self.clock.now(),
                    comment="同意", external_ref="会议纪要" if step.approver in ("DW", "CWH", "SJ") else "",
                )  # fmt: skip

    async def act(self, clue_id: int, event: str, by: str, signers: dict[str, str] | None = None, **kw: Any) -> Clue:
        outcome = await self.event(clue_id, event, by, **kw)
        if not outcome.applied:
            await self.sign_all(clue_id, signers)
        return await self.clue(clue_id)

    async def clue(self, clue_id: int) -> Clue:
        async with self.db.transaction(write=False) as s:
            clue = await s.get(Clue, clue_id)
            assert clue is not None
            return clue

    async def petition(self, petition_id: int) -> Petition:
        async with self.db.transaction(write=False) as s:
            petition = await s.get(Petition, petition_id)
            assert petition is not None
            return petition


async def make_kit(database: Database, clock: FakeClock) -> Kit:
    offices = OfficeDirectory()
    policy = Policy()
    policy.register(Clue, ClueRule(offices))
    policy.register(Petition, PetitionRule(offices))
    async with database.transaction() as s:
        rows = (await s.execute(select(OrgUnit.id, OrgUnit.office, OrgUnit.code, OrgUnit.kind))).all()
        offices.by_unit = {r[0]: r[1] for r in rows if r[3] is UnitKind.OFFICE and r[1] is not None}
        await holidays.seed_if_empty(s)
    return Kit(database, CaseContext(policy, offices), clock, units={r[2]: r[0] for r in rows})


@pytest.fixture
async def kit(database: Database, seeded: dict[str, int], clock: FakeClock) -> Kit:
    return await make_kit(database, clock)
