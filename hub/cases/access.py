"""Who holds which step on a clue, recusals, separation of persons, and who may sign an approval."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.cases.models import CaseMember, CaseRecusal, Clue, Duty, Petition
from hub.cases.rules import OfficeDirectory
from hub.cases.workflow import EXTERNAL_APPROVERS, Approver, Who
from hub.errors import AuditedRefusal, Forbidden, NotFound
from hub.org.interface import OfficeCode

# which of the four exclusive duties acting as each Who means
DUTY_OF: dict[Who, Duty] = {
    Who.SUPERVISOR: Duty.SUPERVISE,
    Who.REVIEWER: Duty.REVIEW,
    Who.TRIAL: Duty.TRIAL,
    Who.APPEAL: Duty.APPEAL,
}


class Recused(AuditedRefusal):
    """The person is on the case's recusal list; the edge logs the block in its own transaction."""

    def __init__(self, clue_id: int) -> None:
        super().__init__(
            "recused", "You are on this case's recusal list.",
            audit_action="clue.recusal.block", object_type="clue", object_id=clue_id,
        )  # fmt: skip


@dataclass(frozen=True)
class CaseContext:
    policy: Policy
    offices: OfficeDirectory


def duties_of(actor: Actor, clue: Clue, offices: OfficeDirectory) -> set[Who]:
    held: set[Who] = set()
    if not actor.is_staff:
        return held
    if actor.is_main_leader:
        held.add(Who.MAIN_LEADER)
    if actor.is_deputy and (
        {clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id, clue.township_id} & set(actor.portfolio)
    ):
        held.add(Who.DEPUTY)
    office = offices.office_of(actor)
    if office is OfficeCode.CASE_MANAGEMENT:
        held.add(Who.CASE_MANAGEMENT)
    elif office is OfficeCode.PETITION:
        held.add(Who.PETITION_OFFICE)
    elif office is OfficeCode.TRIAL:
        held.add(Who.COUNTY_TRIAL)
    unit = actor.org_unit_id
    if unit is not None:
        if unit == clue.supervisor_group_id:
            held.add(Who.SUPERVISOR)
        if unit == clue.reviewer_unit_id:
            held.add(Who.REVIEWER)
        if unit == clue.trial_group_id:
            held.add(Who.TRIAL)
        if unit == clue.appeal_group_id:
            held.add(Who.APPEAL)
    if clue.township_trial_member_id is not None and clue.township_trial_member_id == actor.user_id:
        held.add(Who.TRIAL)
    return held


async def recusals(session: AsyncSession, clue_id: int) -> list[CaseRecusal]:
    return list((await session.scalars(select(CaseRecusal).where(CaseRecusal.clue_id == clue_id))).all())


async def load_clue(session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, *, for_update: bool = False) -> Clue:
    """The clue if the actor may see it: 404 otherwise, and a logged block for a recused person."""
    stmt = select(Clue).where(Clue.id == clue_id)
    if for_update and session.bind is not None and session.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    clue = await session.scalar(stmt)
    if clue is None:
        raise NotFound("clue")
    ctx.policy.require(actor, "view", clue)
    unit = actor.org_unit_id
    if any(r.user_id == actor.user_id or (unit is not None and r.org_unit_id == unit) for r in await recusals(session, clue_id)):
        raise Recused(clue_id)  # in person, or with the whole group
    return clue


async def explicit_duties(session: AsyncSession, clue_id: int, user_id: int) -> set[Duty]:
    rows = await session.scalars(select(CaseMember.duty).where(CaseMember.clue_id == clue_id, CaseMember.user_id == user_id))
    return set(rows.all())


async def check_separation(
    session: AsyncSession, actor: Actor, clue: Clue, acting_as: Duty | None, offices: OfficeDirectory
) -> None:
    """Invariant 2 of §3.7: one person holds at most one of {supervise, review, trial, appeal} on one case."""
    if actor.user_id is None:
        return
    implicit = {DUTY_OF[w] for w in duties_of(actor, clue, offices) if w in DUTY_OF}
    held = implicit | await explicit_duties(session, clue.id, actor.user_id)
    if acting_as is not None:
        held.add(acting_as)
    if len(held) > 1:
        names = ", ".join(sorted(d.value for d in held))
        raise Forbidden(
            "separation",
            "One person may not hold more than one of supervise, review, trial and appeal on a case.",
            fields={"duties": names},
        )


def may_approve(actor: Actor, approver: Approver, clue: Clue, offices: OfficeDirectory) -> bool:
    """ZY signs as the main leader; FG as the deputy over the case (or the main leader above them); the decisions of
    the Party committee, the standing committee and the upper commission are recorded by the main leader or 案管."""
    if not actor.is_staff:
        return False
    if approver is Approver.MAIN_LEADER:
        return actor.is_main_leader
    if approver is Approver.DEPUTY:
        return actor.is_main_leader or Who.DEPUTY in duties_of(actor, clue, offices)
    if approver in EXTERNAL_APPROVERS:
        return actor.is_main_leader or offices.office_of(actor) is OfficeCode.CASE_MANAGEMENT
    return False


async def load_petition(session: AsyncSession, ctx: CaseContext, actor: Actor, petition_id: int) -> Petition:
    petition = await session.get(Petition, petition_id)
    if petition is None:
        raise NotFound("petition")
    ctx.policy.require(actor, "view", petition)
    return petition
