"""`hub demo --cases N`: a realistic history with every stage, source, colour and township, seen by every role."""

import dataclasses
import datetime as dt

from sqlalchemy import distinct, func, select

from hub.cases import casefile, ledger, tally
from hub.cases.models import ApprovalStatus, CaseApproval, CaseClock, Clue, ClueSource, LedgerTally
from hub.cases.workflow import STAGES
from hub.demo import cases as demo
from tests.cases.conftest import make_kit

ROLES = ["leader", "deputy1", "deputy2", "casemgmt1", "tracking1", "trial1", *[f"group{k}.1" for k in range(1, 8)],
         "xini1", "balagong1", "jirigalangtu1", "huhemudu1", "duguitala1", "yihewusu1"]  # fmt: skip


async def test_generated_history_covers_everything_and_every_role_sees_its_own(database, seeded, clock):
    kit = await make_kit(database, clock)
    result = await demo.generate(database, 600, seed=7, now=clock.now(), ctx=kit.ctx)
    assert result["clues"] == 600 and result["walked"] == 8
    assert set(result["colours"]) == {"red", "yellow", "blue", "green"}
    async with database.transaction(write=False) as s:
        sources = set((await s.scalars(select(Clue.source).distinct())).all())
        states = set((await s.scalars(select(Clue.state).distinct())).all())
        townships = await s.scalar(select(func.count(distinct(Clue.township_id))))
        signed = await s.scalar(
            select(func.count()).select_from(CaseApproval).where(CaseApproval.status == ApprovalStatus.APPROVED)
        )
        # no time limit started after today (a trial clock "started" tomorrow was seen on a fresh demo)
        future = await s.scalar(select(func.count()).select_from(CaseClock).where(CaseClock.started_on > kit.today))
    assert future == 0
    assert sources == set(ClueSource)
    assert all(states & stage for stage in STAGES.values())
    assert townships == 6 and signed > 20
    # a recused reviewer: the tallies must leave out what the policy hides
    async with database.transaction() as s:
        clue = await s.scalar(select(Clue).where(Clue.reviewer_unit_id == kit.unit("jg.4"), Clue.due_date.is_not(None)).limit(1))
        await casefile.add_recusal(
            s, kit.ctx, await kit.actor("leader"), clue.id,
            casefile.RecusalIn(user_id=(await kit.actor("group4.1")).user_id, reason="利害关系"), clock.now(),
        )  # fmt: skip
    # the incremental tallies equal a recount, and tallied counts equal counting the clues, for every role
    async with database.transaction() as s:
        kept = sorted(
            (await s.execute(select(LedgerTally.scope_kind, LedgerTally.scope_id, LedgerTally.due_date, LedgerTally.n))).all()
        )
        await tally.rebuild(s)
        recount = sorted(
            (await s.execute(select(LedgerTally.scope_kind, LedgerTally.scope_id, LedgerTally.due_date, LedgerTally.n))).all()
        )
    assert (sorted(set(kept) - set(recount)), sorted(set(recount) - set(kept))) == ([], [])
    assert kept == recount and len(kept) > 100
    exact = ledger.LedgerQuery(received_from=dt.date(1990, 1, 1))  # any filter takes the counting path
    async with database.transaction(write=False) as s:
        assert await tally.portfolio_current(s, await kit.actor("deputy1"))  # so deputies are tallied, not counted
    for _ in range(2):
        for username in [*ROLES, "group4.1", "admin", "petition1"]:
            actor = await kit.actor(username)
            async with database.transaction(write=False) as s:
                counts = await ledger.counts(s, kit.ctx.policy, actor, ledger.LedgerQuery(), kit.today)
                counted = await ledger.counts(s, kit.ctx.policy, actor, exact, kit.today)
            assert counts == counted, username
            assert counts["total"] > 0 or username in ("admin", "petition1"), username
        clock.advance(dt.timedelta(days=17))  # colours move; the tallies do not need to
    # a deputy whose portfolio changed after the tallies were built is counted from the clues, still exactly
    deputy = await kit.actor("deputy2")
    moved = dataclasses.replace(deputy, portfolio=deputy.portfolio | {kit.unit("jg.1")})
    async with database.transaction(write=False) as s:
        assert not await tally.portfolio_current(s, moved)
        assert await ledger.counts(s, kit.ctx.policy, moved, ledger.LedgerQuery(), kit.today) == await ledger.counts(
            s, kit.ctx.policy, moved, exact, kit.today
        )
    admin = await kit.actor("admin")
    async with database.transaction(write=False) as s:
        assert (await ledger.counts(s, kit.ctx.policy, admin, ledger.LedgerQuery(), kit.today))["total"] == 0
    again = await demo.generate(database, 50, seed=8, now=clock.now())  # a second run appends, ids keep counting
    assert again["clues"] == 50
