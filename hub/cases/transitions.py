"""Applying the workflow: a requested event is checked against the declaration, waits for its approvals, then
changes the state and the clocks. A forbidden event is refused with its reason (409) and nothing changes. Every
request, approval and change is signed with the handler's account in the audit log and the case timeline."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases import clocks, group_cycle, outcomes, stat_tally, tally
from hub.cases.access import DUTY_OF, CaseContext, check_separation, duties_of, load_clue, load_petition, may_approve, recusals
from hub.cases.intake import ClueIn, local_day, register_clue
from hub.cases.models import (
    ApprovalStatus,
    CaseApproval,
    CaseEvent,
    Clue,
    ClueSource,
    Petition,
    PetitionKind,
)
from hub.cases.timeline import log_step
from hub.cases.workflow import (
    CLUE_ENDINGS,
    CLUE_TRANSITIONS,
    PETITION_TRANSITIONS,
    Approver,
    ClueState,
    PetitionState,
    Transition,
    Who,
    approvals_for,
    events_from,
    find,
)
from hub.errors import Conflict, Forbidden, Invalid, NotFound


@dataclass
class Outcome:
    applied: bool  # False: waiting for approvals
    state: str
    request_id: str | None = None
    pending: list[str] | None = None  # approver codes still to sign


def _refuse(event: str, state: str, allowed: list[Transition]) -> Conflict:
    names = ", ".join(sorted({t.event for t in allowed})) or "none"
    return Conflict(
        "transition_not_allowed",
        "This step is not allowed at this stage of the case.",
        fields={"event": event, "state": state, "allowed": names},
    )


async def pending_requests(session: AsyncSession, clue_id: int) -> list[CaseApproval]:
    stmt = select(CaseApproval).where(CaseApproval.clue_id == clue_id, CaseApproval.status == ApprovalStatus.PENDING)
    return list((await session.scalars(stmt.order_by(CaseApproval.step))).all())


def _sign(actor: Actor) -> dict[str, Any]:
    return {"actor_id": actor.user_id, "actor_label": actor.audit.label}


async def request_clue_event(
    session: AsyncSession,
    ctx: CaseContext,
    actor: Actor,
    clue_id: int,
    event: str,
    now: dt.datetime,
    *,
    comment: str = "",
    payload: dict[str, Any] | None = None,
    version: int | None = None,
) -> Outcome:
    clue = await load_clue(session, ctx, actor, clue_id, for_update=True)
    if version is not None and clue.version != version:
        raise Conflict("stale", "Someone else changed this record; reload it and try again.")
    township = clue.township_id is not None
    t = find(CLUE_TRANSITIONS, event, clue.state.value, township=township, source=clue.source.value)
    if t is None:
        raise _refuse(
            event, clue.state.value, events_from(CLUE_TRANSITIONS, clue.state.value, township=township, source=clue.source.value)
        )
    held = duties_of(actor, clue, ctx.offices) & t.by
    if not held:
        raise Forbidden(
            "not_your_step", "This step is done by someone else.", fields={"by": ", ".join(sorted(w.value for w in t.by))}
        )
    acting = next((DUTY_OF[w] for w in sorted(held) if w in DUTY_OF), None)
    await check_separation(session, actor, clue, acting, ctx.offices)
    if await pending_requests(session, clue.id):
        raise Conflict("approval_pending", "An earlier request on this case is still waiting for approval.")
    data = dict(payload or {})
    data.pop("outcome", None)  # the decision a step carries is the recorded one, never the caller's
    if "assign" in t.effects:
        data = await _assignment(session, clue)
    data.update(await outcomes.before_request(session, clue, t.event))
    chain = approvals_for(t, lower_leader=clue.subject_lower_leader)
    if not chain:
        await _apply_clue(session, ctx, actor, clue, t, now, comment, data)
        return Outcome(True, clue.state.value)
    request_id = uuid.uuid4().hex
    for step, approver in enumerate(chain):
        session.add(
            CaseApproval(
                clue_id=clue.id,
                request_id=request_id,
                event=event,
                step=step,
                approver=approver.value,
                status=ApprovalStatus.PENDING,
                payload=json.dumps(data, ensure_ascii=False, default=str),
                requested_by=actor.user_id,
                requested_at=now,
                request_comment=comment,
            )
        )
    await log_step(
        session, actor, now, clue_id=clue.id, event=f"request:{event}", from_state=clue.state.value, comment=comment,
        action=f"clue.request.{event}",
        change={"request": request_id, "approvers": [a.value for a in chain], "comment": comment, **data},
    )  # fmt: skip
    return Outcome(False, clue.state.value, request_id, [a.value for a in chain])


async def _assignment(session: AsyncSession, clue: Clue) -> dict[str, Any]:
    rows = await recusals(session, clue.id)
    recused_units = {r.org_unit_id: r.reason for r in rows if r.org_unit_id is not None}
    recused_users = {r.user_id for r in rows if r.user_id is not None}
    return (await group_cycle.propose(session, clue, recused_units, recused_users)).as_payload()


async def decide(
    session: AsyncSession,
    ctx: CaseContext,
    actor: Actor,
    clue_id: int,
    approval_id: int,
    approve: bool,
    now: dt.datetime,
    *,
    comment: str = "",
    external_ref: str = "",
) -> Outcome:
    """Sign the next step of a pending request. The last approval applies the transition; a refusal ends the request."""
    clue = await load_clue(session, ctx, actor, clue_id, for_update=True)
    steps = await pending_requests(session, clue.id)
    step = next((s for s in steps if s.id == approval_id), None)
    if step is None:
        raise NotFound("approval")
    if step.id != steps[0].id:
        raise Conflict("out_of_order", "An earlier approval comes first.", fields={"approver": steps[0].approver})
    approver = Approver(step.approver)
    if not may_approve(actor, approver, clue, ctx.offices):
        raise Forbidden("not_your_approval", "This approval is signed by someone else.", fields={"approver": approver.value})
    step.status = ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED
    step.decided_by, step.decided_label, step.decided_at = actor.user_id, actor.audit.label, now
    step.comment, step.external_ref = comment, external_ref
    decision = "approve" if approve else "reject"
    await log_step(
        session, actor, now, clue_id=clue.id, event=f"{decision}:{step.event}:{approver.value}",
        from_state=clue.state.value, comment=comment, action=f"clue.{decision}",
        change={"request": step.request_id, "event": step.event, "approver": approver.value, "comment": comment,
                "external_ref": external_ref},
    )  # fmt: skip
    rest = [s for s in steps if s.request_id == step.request_id and s.id != step.id]
    if not approve:
        for other in rest:
            other.status = ApprovalStatus.REJECTED
            other.comment = "request ended by an earlier refusal"
        await session.flush()
        return Outcome(False, clue.state.value, step.request_id, [])
    if rest:
        return Outcome(False, clue.state.value, step.request_id, [s.approver for s in rest])
    t = find(CLUE_TRANSITIONS, step.event, clue.state.value, township=clue.township_id is not None, source=clue.source.value)
    if t is None:  # the declaration changed under a pending request
        raise _refuse(step.event, clue.state.value, [])
    # the last approver's signature is on the change; the requester's is on the request before it
    await _apply_clue(session, ctx, actor, clue, t, now, step.request_comment, json.loads(step.payload))
    return Outcome(True, clue.state.value, step.request_id, [])


async def _apply_clue(
    session: AsyncSession,
    ctx: CaseContext,
    actor: Actor,
    clue: Clue,
    t: Transition,
    now: dt.datetime,
    comment: str,
    data: dict[str, Any],
) -> None:
    today = local_day(now)
    before = clue.state.value
    deputies = await tally.deputies(session)
    counted = tally.keys_of(clue, deputies)
    decision = (await stat_tally.decisions(session, [clue.id])).get(clue.id)
    stat_rows = stat_tally.rows_from(clue, decision, deputies)
    if "assign" in t.effects:
        group_cycle.check_distinct(
            group_cycle.Assignment(data["supervisor_group_id"], data["reviewer_unit_id"], data["trial_group_id"])
        )
        clue.supervisor_group_id = data["supervisor_group_id"]
        clue.reviewer_unit_id = data["reviewer_unit_id"]
        clue.trial_group_id = data["trial_group_id"]
        clue.township_trial_member_id = data.get("township_trial_member_id")
        clue.assignment_note = data.get("note", "")
    if "filed" in t.effects:
        clue.filed_on = today
    if "trial" in t.effects and clue.trial_on is None:
        clue.trial_on = today
    if "appeal" in t.effects:
        rows = await recusals(session, clue.id)
        group_id, notes = await group_cycle.appeal_group(
            session, clue, {r.org_unit_id: r.reason for r in rows if r.org_unit_id is not None}
        )
        clue.appeal_group_id = group_id
        if notes:
            clue.assignment_note = "; ".join([clue.assignment_note, *notes]).strip("; ")
    if t.event == "decide":
        await outcomes.on_decided(session, clue, now)
    if t.target is not None:
        clue.state = ClueState(t.target)
    keeper = await clocks.Timekeeper.load(session)
    clue.due_date, clue.due_key = await clocks.apply(session, keeper, t.clocks, today, clue_id=clue.id)
    clue.updated_at = now
    await tally.shift(session, counted, tally.keys_of(clue, deputies))
    if clue.state in CLUE_ENDINGS and clue.closed_on is None:
        clue.closed_on = today
        await _feedback_due(session, keeper, clue, today, now, actor)
    if t.event == "decide":  # the one step that approves a decision (outcomes.on_decided): read it back
        await session.flush()
        decision = (await stat_tally.decisions(session, [clue.id])).get(clue.id)
    await stat_tally.shift(session, stat_rows, stat_tally.rows_from(clue, decision, deputies))
    await log_step(
        session, actor, now, clue_id=clue.id, event=t.event, from_state=before, to_state=clue.state.value,
        comment=comment, action=f"clue.{t.event}",
        change={"from": before, "to": clue.state.value, "due": clue.due_date, "comment": comment, **data},
    )  # fmt: skip


async def _feedback_due(
    session: AsyncSession, keeper: clocks.Timekeeper, clue: Clue, today: dt.date, now: dt.datetime, actor: Actor
) -> None:
    """A finished clue owes its named informants the result within 15 working days (检举控告规则 26)."""
    stmt = select(Petition).where(Petition.clue_id == clue.id, Petition.state == PetitionState.CONVERTED_TO_CLUE)
    for petition in (await session.scalars(stmt)).all():
        before = petition.state.value
        event = "clue_finished" if petition.petitioner_name else "clue_finished_anonymous"
        t = find(PETITION_TRANSITIONS, event, before, township=False)
        assert t is not None and t.target is not None
        petition.state = PetitionState(t.target)
        petition.due_date, _ = await clocks.apply(session, keeper, t.clocks, today, petition_id=petition.id)
        session.add(
            CaseEvent(
                petition_id=petition.id,
                at=now,
                event=event,
                from_state=before,
                to_state=petition.state.value,
                **_sign(actor),
            )
        )


async def petition_event(
    session: AsyncSession,
    ctx: CaseContext,
    actor: Actor,
    petition_id: int,
    event: str,
    now: dt.datetime,
    *,
    comment: str = "",
    payload: dict[str, Any] | None = None,
) -> tuple[Petition, Clue | None]:
    petition = await load_petition(session, ctx, actor, petition_id)
    t = find(PETITION_TRANSITIONS, event, petition.state.value, township=False)
    if t is None:
        raise _refuse(event, petition.state.value, events_from(PETITION_TRANSITIONS, petition.state.value, township=False))
    allowed = (Who.MAIN_LEADER in t.by and actor.is_main_leader) or (
        Who.PETITION_OFFICE in t.by and ctx.policy.may(actor, "act", petition)
    )
    if not allowed:
        raise Forbidden(
            "not_your_step", "This step is done by someone else.", fields={"by": ", ".join(sorted(w.value for w in t.by))}
        )
    data = dict(payload or {})
    today = local_day(now)
    clue: Clue | None = None
    if "convert" in t.effects:
        if petition.kind is not PetitionKind.ACCUSATION:
            raise Conflict("not_an_accusation", "Only an accusation (检举控告) becomes a clue.")
        subject = {k: v for k, v in data.items() if k.startswith("subject_")}
        subject.setdefault("subject_name", petition.accused_name or "—")
        clue_in = ClueIn.model_validate(
            {
                **subject,
                "source": ClueSource.ACCEPTED_HERE,
                "summary": petition.summary,
                "unit_id": data.get("unit_id", petition.unit_id),
                "township_id": data.get("township_id", petition.township_id),
                "received_on": today,
            }
        )
        clue = await register_clue(session, ctx, actor, clue_in, now, from_petition=petition)
        petition.clue_id = clue.id
        data = {"clue_id": clue.id}
    if "merge" in t.effects:
        data = await _merge_target(session, ctx, actor, petition, data)
    if "reported_up" in t.effects:
        petition.reported_up = True
    if "acknowledged" in t.effects:
        petition.acknowledged_on = today
    before = petition.state.value
    if t.target is not None:
        petition.state = PetitionState(t.target)
    keeper = await clocks.Timekeeper.load(session)
    petition.due_date, _ = await clocks.apply(session, keeper, t.clocks, today, petition_id=petition.id)
    await log_step(
        session, actor, now, petition_id=petition.id, event=event, from_state=before, to_state=petition.state.value,
        comment=comment, action=f"petition.{event}",
        change={"from": before, "to": petition.state.value, "comment": comment, **data},
    )  # fmt: skip
    return petition, clue


async def _merge_target(
    session: AsyncSession, ctx: CaseContext, actor: Actor, petition: Petition, data: dict[str, Any]
) -> dict[str, Any]:
    """A repeat report joins the original petition (and its clue); no new notice is owed."""
    original_id = data.get("duplicate_of_id")
    if not isinstance(original_id, int) or original_id == petition.id:
        raise Invalid("invalid", "Some fields are not valid.", fields={"duplicate_of_id": "Name the original petition."})
    original = await load_petition(session, ctx, actor, original_id)
    petition.duplicate_of_id = original.id
    petition.clue_id = original.clue_id
    return {"duplicate_of_id": original.id, "clue_id": original.clue_id}
