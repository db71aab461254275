"""Who handles a clue (§3.7): the group cycle (联查联审组轮换) of joint groups, and the township path.

A unit supervised by joint group k is reviewed by group k+1 and tried by group k+2 (cyclic over the active groups). A
township clue is reviewed by the township commission and tried by its mapped joint group plus one trial member from
another township, then checked by the county trial office. A recused or inactive group is skipped: the next group in the
cycle that breaks no rule is taken, and the reason is written into the assignment note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.roles import Role
from hub.auth.interface import User
from hub.cases.models import Clue
from hub.errors import Conflict, Invalid
from hub.org.interface import OrgUnit, UnitKind


@dataclass
class Assignment:
    supervisor_group_id: int | None
    reviewer_unit_id: int
    trial_group_id: int
    township_trial_member_id: int | None = None
    notes: list[str] = field(default_factory=list)

    def as_payload(self) -> dict[str, object]:
        return {
            "supervisor_group_id": self.supervisor_group_id,
            "reviewer_unit_id": self.reviewer_unit_id,
            "trial_group_id": self.trial_group_id,
            "township_trial_member_id": self.township_trial_member_id,
            "note": "; ".join(self.notes),
        }


async def joint_groups(session: AsyncSession) -> list[OrgUnit]:
    """The active joint groups in rotation order."""
    stmt = select(OrgUnit).where(OrgUnit.kind == UnitKind.JOINT_GROUP, OrgUnit.active.is_(True)).order_by(OrgUnit.ordinal)
    return list((await session.scalars(stmt)).all())


async def supervising_group(session: AsyncSession, unit_id: int) -> OrgUnit:
    """Walk up from a supervised unit (or stationed group) to the joint group that supervises it."""
    unit = await session.get(OrgUnit, unit_id)
    for _ in range(5):
        if unit is None:
            break
        if unit.kind is UnitKind.JOINT_GROUP:
            return unit
        unit = await session.get(OrgUnit, unit.parent_id) if unit.parent_id else None
    raise Invalid("invalid", "Some fields are not valid.", fields={"unit_id": "This unit is not supervised by a joint group."})


def _next_valid(
    groups: list[OrgUnit], start_after: int, excluded: set[int], recused: dict[int, str], notes: list[str], role: str
) -> OrgUnit:
    """The first group after position ``start_after`` (cyclic) that is neither excluded nor recused."""
    n = len(groups)
    for step in range(1, n + 1):
        group = groups[(start_after + step) % n]
        if group.id in excluded:
            continue
        if group.id in recused:
            notes.append(f"{role}: {group.name_zh} recused ({recused[group.id]}), next group taken")
            continue
        return group
    raise Conflict(
        "no_valid_group", "No joint group is left for this duty without breaking the separation rules.", fields={"duty": role}
    )


async def propose(session: AsyncSession, clue: Clue, recused_units: dict[int, str], recused_users: set[int]) -> Assignment:
    groups = await joint_groups(session)
    if len(groups) < 3:
        raise Conflict("too_few_groups", "The rotation needs at least three active joint groups.")
    position = {g.id: i for i, g in enumerate(groups)}
    notes: list[str] = []
    if clue.township_id is not None:
        return await _township(session, clue, groups, position, recused_units, recused_users, notes)
    if clue.unit_id is None:
        raise Invalid("invalid", "Some fields are not valid.", fields={"unit_id": "Name the unit or the township concerned."})
    supervisor = await supervising_group(session, clue.unit_id)
    if supervisor.id not in position:
        raise Conflict("inactive_group", "The supervising joint group is not active; fix the organisation first.")
    k = position[supervisor.id]
    reviewer = _next_valid(groups, k, {supervisor.id}, recused_units, notes, "reviewer")
    # the trial group is k+2 in the cycle, whatever happened to the reviewer, unless that breaks a rule
    trial = _next_valid(groups, k + 1, {supervisor.id, reviewer.id}, recused_units, notes, "trial")
    assignment = Assignment(supervisor.id, reviewer.id, trial.id, None, notes)
    check_distinct(assignment)
    return assignment


async def _township(
    session: AsyncSession,
    clue: Clue,
    groups: list[OrgUnit],
    position: dict[int, int],
    recused_units: dict[int, str],
    recused_users: set[int],
    notes: list[str],
) -> Assignment:
    township = await session.get(OrgUnit, clue.township_id)
    if township is None or township.kind is not UnitKind.TOWNSHIP:
        raise Invalid("invalid", "Some fields are not valid.", fields={"township_id": "Not a township."})
    if township.id in recused_units:
        raise Conflict("township_recused", "The township commission is recused; the county must take the clue over.")
    mapped = township.trial_group_id
    if mapped is None or mapped not in position:
        raise Conflict("no_trial_group", "The township is not mapped to an active joint group for trials.")
    trial = groups[position[mapped]]
    if trial.id in recused_units:
        notes.append(f"trial: {trial.name_zh} recused ({recused_units[trial.id]}), next group taken")
        trial = _next_valid(groups, position[mapped], set(), recused_units, notes, "trial")
    member = await township_trial_member(session, township, recused_users)
    assignment = Assignment(None, township.id, trial.id, member, notes)
    check_distinct(assignment)
    return assignment


async def township_trial_member(session: AsyncSession, township: OrgUnit, recused_users: set[int]) -> int:
    """A trial member from another township: the first staff member of the next township in code order."""
    townships = list(
        (
            await session.scalars(
                select(OrgUnit).where(OrgUnit.kind == UnitKind.TOWNSHIP, OrgUnit.active.is_(True)).order_by(OrgUnit.code)
            )
        ).all()
    )
    ids = [t.id for t in townships]
    start = ids.index(township.id) if township.id in ids else -1
    for step in range(1, len(ids)):
        other = ids[(start + step) % len(ids)]
        if other == township.id:
            continue
        user_id = await session.scalar(
            select(User.id)
            .where(User.org_unit_id == other, User.role == Role.TOWNSHIP_STAFF, User.disabled.is_(False))
            .where(User.id.not_in(sorted(recused_users)) if recused_users else User.id.is_not(None))
            .order_by(User.id)
            .limit(1)
        )
        if user_id is not None:
            return int(user_id)
    raise Conflict("no_trial_member", "No staff member of another township is available for the trial.")


def check_distinct(a: Assignment) -> None:
    """Invariant 1 of §3.7: supervisor ≠ reviewer ≠ trial ≠ supervisor."""
    units = [u for u in (a.supervisor_group_id, a.reviewer_unit_id, a.trial_group_id) if u is not None]
    if len(units) != len(set(units)):
        raise Conflict("separation", "Supervisor, reviewer and trial group must be three different units.")


async def appeal_group(session: AsyncSession, clue: Clue, recused_units: dict[int, str]) -> tuple[int, list[str]]:
    """规则 59: the appeal is examined by a group that neither supervised, reviewed nor tried the case."""
    groups = await joint_groups(session)
    excluded = {u for u in (clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id) if u is not None}
    position = {g.id: i for i, g in enumerate(groups)}
    start = position.get(clue.trial_group_id or -1, 0)
    notes: list[str] = []
    group = _next_valid(groups, start, excluded, recused_units, notes, "appeal")
    return group.id, notes
