"""The workflow engine: declared transitions, refusals that change nothing, approval chains, clocks."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from hub.audit import AuditEntry
from hub.cases import transitions
from hub.cases.clocks import clocks_of
from hub.cases.models import ClockStatus, ClueSource
from hub.cases.workflow import CLUE_ENDINGS, CLUE_TRANSITIONS, PETITION_TRANSITIONS, ClueState, PetitionState
from hub.errors import Conflict, Forbidden, NotFound
from tests.cases.demo_units import UNIT_OF_GROUP
from tests.cases.paths import UNIT_PATH_AFTER_TRIAL, UNIT_PATH_TO_TRIAL, walk


def test_every_ending_stops_every_clock():
    """The ledger relies on it: a due date means a live matter (hub/cases/ledger.py, ``has_due``)."""
    from hub.cases.workflow import STOP_ALL

    for t in CLUE_TRANSITIONS:
        if t.target in CLUE_ENDINGS:
            assert STOP_ALL in t.clocks or t.sources <= CLUE_ENDINGS, t.event
    from hub.cases.workflow import ClockOp

    for t in CLUE_TRANSITIONS:  # and no transition out of an ending starts a clock unless it leads to a live state
        if t.sources <= CLUE_ENDINGS and any(c.op is ClockOp.START for c in t.clocks):
            assert t.target not in CLUE_ENDINGS, t.event


def test_the_declaration_has_no_dead_ends_and_reaches_every_state():
    targets = {t.target for t in CLUE_TRANSITIONS if t.target}
    assert set(ClueState) - {ClueState.RECEIVED} <= targets
    for state in set(ClueState) - CLUE_ENDINGS - {ClueState.EXECUTED}:
        assert any(state in t.sources and t.target for t in CLUE_TRANSITIONS), state
    assert set(PetitionState) - {PetitionState.REGISTERED} <= {t.target for t in PETITION_TRANSITIONS if t.target}
    seen = set()
    for t in CLUE_TRANSITIONS:  # one transition per (event, state, township)
        for source in t.sources:
            for township in [t.township] if t.township is not None else [True, False]:
                assert (t.event, source, township) not in seen
                seen.add((t.event, source, township))


async def _audit_count(kit):
    async with kit.db.transaction(write=False) as s:
        return await s.scalar(select(func.count()).select_from(AuditEntry))


async def test_a_forbidden_transition_is_refused_with_its_reason_and_changes_nothing(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
    before = await _audit_count(kit)
    with pytest.raises(Conflict) as err:
        await kit.event(clue.id, "file", "casemgmt1")
    assert err.value.status == 409 and err.value.fields == {"event": "file", "state": "received", "allowed": "assign"}
    after = await kit.clue(clue.id)
    assert (after.state, after.version, after.due_date) == (clue.state, clue.version, clue.due_date)
    assert await _audit_count(kit) == before


async def test_only_the_declared_actor_may_request_and_only_the_declared_approver_sign(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
    with pytest.raises(Forbidden):
        await kit.event(clue.id, "assign", "tracking1")  # sees the ledger, but 分办 is the case management office's
    with pytest.raises(NotFound):
        await kit.event(clue.id, "assign", "group2.1")  # not assigned yet: not theirs to see
    out = await kit.event(clue.id, "assign", "casemgmt1")
    assert not out.applied and out.pending == ["ZY"]
    with pytest.raises(Conflict):  # one request at a time
        await kit.event(clue.id, "assign", "casemgmt1")
    async with kit.db.transaction(write=False) as s:
        step = (await transitions.pending_requests(s, clue.id))[0]
    async with kit.db.transaction() as s:
        with pytest.raises(Forbidden):
            await transitions.decide(s, kit.ctx, await kit.actor("deputy1"), clue.id, step.id, True, kit.clock.now())
    await kit.sign_all(clue.id)
    assert (await kit.clue(clue.id)).state is ClueState.ASSIGNED


async def test_filing_needs_the_main_leader_then_the_party_committee_in_that_order(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
    await walk(kit, clue.id, UNIT_PATH_TO_TRIAL[:6])
    out = await kit.event(clue.id, "file", "group2.1", comment="立案呈批")
    assert out.pending == ["ZY", "DW"]
    async with kit.db.transaction(write=False) as s:
        zy, dw = await transitions.pending_requests(s, clue.id)
    async with kit.db.transaction() as s:
        with pytest.raises(Conflict):  # DW before ZY
            await transitions.decide(s, kit.ctx, await kit.actor("casemgmt1"), clue.id, dw.id, True, kit.clock.now())
    async with kit.db.transaction() as s:
        await transitions.decide(
            s, kit.ctx, await kit.actor("leader"), clue.id, zy.id, False, kit.clock.now(), comment="证据不足"
        )
    clue = await kit.clue(clue.id)
    assert clue.state is ClueState.FILING_PENDING  # refused: nothing moved, and the request is over
    async with kit.db.transaction(write=False) as s:
        assert await transitions.pending_requests(s, clue.id) == []
    clue = await kit.act(clue.id, "file", "group2.1")
    assert clue.state is ClueState.FILED and clue.filed_on == kit.today and clue.due_key == "review"


async def test_supplementary_investigation_pauses_the_trial_clock_and_reinvestigation_restarts_it(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
    await walk(kit, clue.id, UNIT_PATH_TO_TRIAL)
    async with kit.db.transaction(write=False) as s:
        trial = next(c for c in await clocks_of(s, clue_id=clue.id) if c.key == "trial")
    first_due = trial.due_on
    kit.clock.advance(dt.timedelta(days=5))
    await kit.act(clue.id, "return_supplement", "group3.1")
    kit.clock.advance(dt.timedelta(days=12))
    clue = await kit.act(clue.id, "supplement_done", "group2.1")
    async with kit.db.transaction(write=False) as s:
        trial = next(c for c in await clocks_of(s, clue_id=clue.id) if c.key == "trial")
    assert trial.status is ClockStatus.OPEN and trial.due_on == first_due + dt.timedelta(days=12)
    assert clue.due_date == trial.due_on
    # extension: once by the main leader per the default cap of 3; then back for reinvestigation
    clue = await kit.act(clue.id, "extend_trial", "group3.1")
    assert clue.due_date > trial.due_on
    clue = await kit.act(clue.id, "return_reinvestigate", "group3.1")
    assert clue.state is ClueState.INVESTIGATING and clue.due_key == "review"
    await walk(kit, clue.id, [("confirm_facts", "group2.1"), ("transfer_to_trial", "group2.1"), ("accept_trial", "group3.1")])
    async with kit.db.transaction(write=False) as s:
        trial = next(c for c in await clocks_of(s, clue_id=clue.id) if c.key == "trial")
    assert trial.started_on == kit.today and trial.extensions == 0


async def test_handed_down_matter_extends_once_with_the_main_leader(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[2]), source=ClueSource.UPPER_ASSIGNED)
    async with kit.db.transaction(write=False) as s:
        upper = next(c for c in await clocks_of(s, clue_id=clue.id) if c.key == "upper_assigned")
    assert upper.due_on >= kit.today + dt.timedelta(days=89)
    await kit.act(clue.id, "extend_upper", "casemgmt1")
    with pytest.raises(Conflict) as err:
        await kit.act(clue.id, "extend_upper", "casemgmt1")
    assert err.value.code == "extension_cap"


async def test_a_unit_clue_runs_to_an_executed_sanction(kit):
    clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
    await walk(kit, clue.id, UNIT_PATH_TO_TRIAL)
    with pytest.raises(Conflict):  # a joint-group case skips the county check
        await kit.event(clue.id, "county_check", "trial1")
    clue = await walk(kit, clue.id, UNIT_PATH_AFTER_TRIAL)
    assert clue.state is ClueState.EXECUTED and clue.due_date is None and clue.closed_on == kit.today
    clue = await kit.act(clue.id, "appeal", "casemgmt1")
    handled = {clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id}
    assert clue.appeal_group_id not in handled and clue.due_key == "appeal"


async def test_two_requests_at_once_make_one_pending_request(kit):
    """The clue row is locked (PostgreSQL) or the writer queue is (SQLite): the second request sees the first."""
    import asyncio

    for _ in range(3):
        clue = await kit.register_clue(unit_id=kit.unit(UNIT_OF_GROUP[1]))
        results = await asyncio.gather(
            kit.event(clue.id, "assign", "casemgmt1"), kit.event(clue.id, "assign", "casemgmt1"), return_exceptions=True
        )
        outcomes = [r for r in results if isinstance(r, transitions.Outcome)]
        refusals = [r for r in results if isinstance(r, Conflict) and r.code == "approval_pending"]
        async with kit.db.transaction(write=False) as s:
            pending = await transitions.pending_requests(s, clue.id)
        assert len(outcomes) == 1 and len(refusals) == 1 and len(pending) == 1
