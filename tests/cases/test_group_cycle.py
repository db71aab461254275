"""Assignment by the group cycle and the township path (§3.7), with recusals and the separation of persons."""

import pytest
from sqlalchemy import select

from hub.audit import AuditEntry
from hub.cases import casefile
from hub.cases.access import Recused
from hub.errors import Conflict
from hub.org.models import OrgUnit
from tests.cases.demo_units import UNIT_OF_GROUP


def g(kit, k):
    return kit.unit(f"jg.{(k - 1) % 7 + 1}")


@pytest.mark.parametrize("k", range(1, 8))
async def test_group_k_is_reviewed_by_k_plus_1_and_tried_by_k_plus_2(kit, k):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[k]))
    clue = await kit.act(clue.id, "assign", "casemgmt1")
    assert (clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id) == (g(kit, k), g(kit, k + 1), g(kit, k + 2))
    assert clue.state.value == "assigned" and clue.assignment_note == ""


async def test_a_recused_group_is_skipped_and_the_reason_recorded(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[6]))
    async with kit.db.transaction() as s:
        await casefile.add_recusal(
            s, kit.ctx, await kit.actor("casemgmt1"), clue.id,
            casefile.RecusalIn(org_unit_id=g(kit, 7), reason="组长系被反映人近亲属"), kit.clock.now(),
        )  # fmt: skip
    clue = await kit.act(clue.id, "assign", "casemgmt1")
    # G6 → reviewer G7 is recused → G1; trial stays k+2 = G1? taken by the reviewer → G2
    assert (clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id) == (g(kit, 6), g(kit, 1), g(kit, 2))
    assert "recused" in clue.assignment_note and "近亲属" in clue.assignment_note


async def test_township_clue_goes_to_the_commission_its_mapped_group_and_a_member_of_another_township(kit):
    clue = await kit.register_clue(township_id=kit.unit("tw.xini"))
    clue = await kit.act(clue.id, "assign", "casemgmt1")
    async with kit.db.transaction(write=False) as s:
        xini = await s.get(OrgUnit, kit.unit("tw.xini"))
    member = await kit.actor("yihewusu1")  # the next township in code order after xini
    assert clue.supervisor_group_id is None
    assert clue.reviewer_unit_id == kit.unit("tw.xini")
    assert clue.trial_group_id == xini.trial_group_id
    assert clue.township_trial_member_id == member.user_id and member.org_unit_id != kit.unit("tw.xini")


async def test_a_person_may_hold_only_one_duty_on_a_case(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
    await kit.act(clue.id, "assign", "casemgmt1")
    trial_member = await kit.actor("group3.1")  # group 3 tries this case
    async with kit.db.transaction() as s:
        with pytest.raises(Conflict) as err:
            await casefile.add_member(
                s, kit.ctx, await kit.actor("casemgmt1"), clue.id,
                casefile.MemberIn(user_id=trial_member.user_id, duty="review"), kit.clock.now(),
            )  # fmt: skip
    assert err.value.code == "separation"
    async with kit.db.transaction() as s:  # the same duty again is fine
        await casefile.add_member(
            s, kit.ctx, await kit.actor("casemgmt1"), clue.id,
            casefile.MemberIn(user_id=trial_member.user_id, duty="trial"), kit.clock.now(),
        )  # fmt: skip


async def test_a_recused_person_is_blocked_and_the_block_logged(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
    await kit.act(clue.id, "assign", "casemgmt1")
    reviewer = await kit.actor("group2.1")
    async with kit.db.transaction() as s:
        await casefile.add_recusal(
            s, kit.ctx, await kit.actor("leader"), clue.id,
            casefile.RecusalIn(user_id=reviewer.user_id, reason="证人"), kit.clock.now(),
        )  # fmt: skip
    with pytest.raises(Recused):
        await kit.event(clue.id, "dispose_close", "group2.1")
    # the colleague in the same group may still act
    out = await kit.event(clue.id, "dispose_close", "group2.2")
    assert out.pending == ["FG"]
    async with kit.db.transaction() as s:
        with pytest.raises(Conflict):
            await casefile.add_member(
                s, kit.ctx, await kit.actor("casemgmt1"), clue.id,
                casefile.MemberIn(user_id=reviewer.user_id, duty="review"), kit.clock.now(),
            )  # fmt: skip
    async with kit.db.transaction(write=False) as s:
        actions = (await s.scalars(select(AuditEntry.action).where(AuditEntry.object_id == str(clue.id)))).all()
    assert "clue.recusal.add" in actions


async def test_a_recused_group_loses_sight_of_the_case(kit):
    """Issue 14, finding 6: a recusal of a whole group was recorded but changed nobody's access."""
    from hub.cases.models import Clue

    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
    await kit.act(clue.id, "assign", "casemgmt1")  # G1 supervises, G2 reviews, G3 tries
    async with kit.db.transaction() as s:
        await casefile.add_recusal(
            s, kit.ctx, await kit.actor("leader"), clue.id,
            casefile.RecusalIn(org_unit_id=g(kit, 2), reason="组长系被反映人近亲属"), kit.clock.now(),
        )  # fmt: skip
    with pytest.raises(Recused):
        await kit.event(clue.id, "dispose_close", "group2.2")
    reviewer = await kit.actor("group2.1")
    async with kit.db.transaction(write=False) as s:
        listed = (await s.scalars(select(Clue.id).where(kit.ctx.policy.where(reviewer, "view", Clue)))).all()
    assert clue.id not in listed
