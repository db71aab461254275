"""`hub demo --cases N`: a realistic history with every stage, source, colour and township, seen by every role."""

from sqlalchemy import distinct, func, select

from hub.cases import demo, ledger
from hub.cases.models import ApprovalStatus, CaseApproval, Clue, ClueSource
from hub.cases.workflow import STAGES
from tests.cases.conftest import make_kit

ROLES = ["leader", "deputy1", "deputy2", "casemgmt1", "tracking1", "trial1", *[f"group{k}.1" for k in range(1, 8)],
         "xini1", "balagong1", "jirigalangtu1", "huhemudu1", "duguitala1", "yihewusu1"]  # fmt: skip


async def test_generated_history_covers_everything_and_every_role_sees_its_own(database, seeded, clock):
    result = await demo.generate(database, 600, seed=7, now=clock.now())
    assert result["clues"] == 600 and result["walked"] == 8
    assert set(result["colours"]) == {"red", "yellow", "blue", "green"}
    kit = await make_kit(database, clock)
    async with database.transaction(write=False) as s:
        sources = set((await s.scalars(select(Clue.source).distinct())).all())
        states = set((await s.scalars(select(Clue.state).distinct())).all())
        townships = await s.scalar(select(func.count(distinct(Clue.township_id))))
        signed = await s.scalar(
            select(func.count()).select_from(CaseApproval).where(CaseApproval.status == ApprovalStatus.APPROVED)
        )
    assert sources == set(ClueSource)
    assert all(states & stage for stage in STAGES.values())
    assert townships == 6 and signed > 20
    for username in ROLES:
        actor = await kit.actor(username)
        async with database.transaction(write=False) as s:
            counts = await ledger.counts(s, kit.ctx.policy, actor, ledger.LedgerQuery(), kit.today)
        assert counts["total"] > 0, username
    admin = await kit.actor("admin")
    async with database.transaction(write=False) as s:
        assert (await ledger.counts(s, kit.ctx.policy, admin, ledger.LedgerQuery(), kit.today))["total"] == 0
    again = await demo.generate(database, 50, seed=8, now=clock.now())  # a second run appends, ids keep counting
    assert again["clues"] == 50
