"""Registering petitions and clues: the service API other parts call (the kiosk and reception intake among them)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import numbering
from hub.access.actor import Actor
from hub.cases import clocks, stat_tally, tally
from hub.cases.access import CaseContext
from hub.cases.group_cycle import supervising_group
from hub.cases.models import (
    Clue,
    ClueSource,
    Gender,
    Petition,
    PetitionChannel,
    PetitionKind,
    RankLevel,
)
from hub.cases.timeline import log_step
from hub.cases.workflow import ClueState, PetitionState, start
from hub.clock import LOCAL_TZ
from hub.errors import Forbidden, Invalid
from hub.org.interface import OfficeCode, OrgUnit, UnitKind

PETITION_PREFIX = "XF"  # 信访件
CLUE_PREFIX = "XS"  # 问题线索


class PetitionIn(BaseModel):
    channel: PetitionChannel
    kind: PetitionKind
    summary: str = Field(min_length=1, max_length=20000)
    petitioner_name: str | None = Field(None, max_length=80)  # None or empty: anonymous
    petitioner_contact: str = Field("", max_length=120)
    accused_name: str = Field("", max_length=80)
    township_id: int | None = None
    unit_id: int | None = None
    intake_ref: str = Field("", max_length=60)


class SubjectIn(BaseModel):
    subject_name: str = Field(min_length=1, max_length=80)
    subject_gender: Gender | None = None
    subject_birth_date: dt.date | None = None
    subject_party_member: bool = True
    subject_rank: RankLevel | None = None
    subject_post: str = Field("", max_length=120)
    subject_lower_leader: bool = False


class ClueIn(SubjectIn):
    source: ClueSource
    summary: str = Field(min_length=1, max_length=20000)
    unit_id: int | None = None
    township_id: int | None = None
    received_on: dt.date | None = None
    instructed_due: dt.date | None = None  # 领导批办: the instructing leader's own deadline


def local_day(now: dt.datetime) -> dt.date:
    return now.astimezone(LOCAL_TZ).date()


async def _check_place(session: AsyncSession, unit_id: int | None, township_id: int | None) -> None:
    errors = {}
    if unit_id is not None:
        unit = await session.get(OrgUnit, unit_id)
        if unit is None or unit.kind not in (UnitKind.SUPERVISED_UNIT, UnitKind.STATIONED_GROUP):
            errors["unit_id"] = "Not a supervised unit."
    if township_id is not None:
        township = await session.get(OrgUnit, township_id)
        if township is None or township.kind is not UnitKind.TOWNSHIP:
            errors["township_id"] = "Not a township."
    if unit_id is not None and township_id is not None:
        errors["township_id"] = "A clue concerns either a unit or a township, not both."
    if errors:
        raise Invalid("invalid", "Some fields are not valid.", fields=errors)


async def register_petition(
    session: AsyncSession, ctx: CaseContext, actor: Actor, data: PetitionIn, now: dt.datetime
) -> Petition:
    """Register a petition (信访件). Staff of the petition office, the main leader, or an enrolled kiosk may."""
    office = ctx.offices.office_of(actor)
    if not (actor.kind == "kiosk" or actor.is_main_leader or office is OfficeCode.PETITION):
        raise Forbidden("not_allowed", "Only the petition office registers petitions.")
    await _check_place(session, data.unit_id, None)
    if data.township_id is not None:
        await _check_place(session, None, data.township_id)
    today = local_day(now)
    name = (data.petitioner_name or "").strip() or None
    number = numbering.formatted(PETITION_PREFIX, today.year, await numbering.take(session, "petition", today.year))
    petition = Petition(
        number=number,
        channel=data.channel,
        kind=data.kind,
        state=PetitionState.REGISTERED,
        petitioner_name=name,
        petitioner_contact=data.petitioner_contact,
        accused_name=data.accused_name,
        summary=data.summary,
        township_id=data.township_id or actor.township_id,
        unit_id=data.unit_id,
        received_at=now,
        received_on=today,
        reported_up=False,
        intake_ref=data.intake_ref,
        created_by=actor.user_id,
    )
    session.add(petition)
    await session.flush()
    ops = [start("petition_handling")]
    if name is not None and data.kind is PetitionKind.ACCUSATION:
        ops.append(start("petition_ack"))  # 实名 检举控告: acceptance notice within 15 working days
    keeper = await clocks.Timekeeper.load(session)
    petition.due_date, _ = await clocks.apply(session, keeper, tuple(ops), today, petition_id=petition.id)
    await log_step(
        session, actor, now, petition_id=petition.id, event="register", to_state=petition.state.value,
        action="petition.register",
        change={"number": petition.number, "channel": data.channel.value, "kind": data.kind.value, "named": name is not None},
    )  # fmt: skip
    return petition


async def register_clue(
    session: AsyncSession,
    ctx: CaseContext,
    actor: Actor,
    data: ClueIn,
    now: dt.datetime,
    *,
    from_petition: Petition | None = None,
) -> Clue:
    """Register and number a clue. The case management office registers clues of every source; a joint group its own
    自办 clues; a petition becomes a clue through the petition office's ``convert``."""
    office = ctx.offices.office_of(actor)
    if from_petition is None:
        allowed = office is OfficeCode.CASE_MANAGEMENT or (
            data.source is ClueSource.SELF_FOUND and actor.role is not None and actor.role.value == "group_staff"
        )
        if not allowed:
            raise Forbidden("not_allowed", "Clues are registered by the case management office.")
    await _check_place(session, data.unit_id, data.township_id)
    today = local_day(now)
    received = data.received_on or today
    number = numbering.formatted(CLUE_PREFIX, received.year, await numbering.take(session, "clue", received.year))
    clue = Clue(
        number=number,
        source=data.source,
        state=ClueState.RECEIVED,
        received_on=received,
        summary=data.summary,
        unit_id=data.unit_id,
        township_id=data.township_id,
        created_at=now,
        updated_at=now,
        **data.model_dump(include=set(SubjectIn.model_fields)),
    )
    if data.unit_id is not None:
        # who supervises the unit is a fact of the organisation, known from the start; review and trial come at 分办
        clue.supervisor_group_id = (await supervising_group(session, data.unit_id)).id
    session.add(clue)
    await session.flush()
    ops = [start("clue_disposal")]
    overrides = {}
    if data.source is ClueSource.UPPER_ASSIGNED:
        ops.append(start("upper_assigned"))
    if data.source is ClueSource.LEADER_INSTRUCTED and data.instructed_due is not None:
        ops.append(start("instructed"))
        overrides["instructed"] = data.instructed_due
    keeper = await clocks.Timekeeper.load(session)
    clue.due_date, clue.due_key = await clocks.apply(
        session, keeper, tuple(ops), received, clue_id=clue.id, due_overrides=overrides
    )
    deputies = await tally.deputies(session)
    await tally.shift(session, (), tally.keys_of(clue, deputies))
    await stat_tally.count_clue(session, clue, deputies)
    change: dict[str, Any] = {"number": clue.number, "source": data.source.value}
    if from_petition is not None:
        change["petition"] = from_petition.id
    await log_step(
        session, actor, now, clue_id=clue.id, event="register", to_state=clue.state.value, action="clue.register",
        change=change, comment=f"from petition {from_petition.number}" if from_petition else "",
    )  # fmt: skip
    return clue


async def petitions_of_clue(session: AsyncSession, clue_id: int) -> list[Petition]:
    return list((await session.scalars(select(Petition).where(Petition.clue_id == clue_id).order_by(Petition.id))).all())
