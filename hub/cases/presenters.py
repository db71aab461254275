"""The case file as one JSON-ready dict: what the detail page and the API show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases.access import CaseContext, duties_of, load_clue, may_approve
from hub.cases.casefile import asset_json
from hub.cases.colours import colour_of
from hub.cases.intake import petitions_of_clue
from hub.cases.models import (
    ApprovalStatus,
    CaseApproval,
    CaseAsset,
    CaseClock,
    CaseDocument,
    CaseEvent,
    CaseMember,
    CaseOrganisation,
    CaseRecusal,
    Clue,
    Petition,
)
from hub.cases.workflow import CLUE_TRANSITIONS, PETITION_TRANSITIONS, Approver, Who, approvals_for, events_from
from hub.clock import to_local
from hub.org.interface import OfficeCode


def _d(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _t(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def clue_json(clue: Clue, today: dt.date) -> dict[str, Any]:
    colour = colour_of(clue.due_date, today)
    return {
        "id": clue.id,
        "number": clue.number,
        "source": clue.source.value,
        "state": clue.state.value,
        "received_on": _d(clue.received_on),
        "summary": clue.summary,
        "subject": {
            "name": clue.subject_name,
            "gender": clue.subject_gender.value if clue.subject_gender else None,
            "birth_date": _d(clue.subject_birth_date),
            "party_member": clue.subject_party_member,
            "rank": clue.subject_rank.value if clue.subject_rank else None,
            "post": clue.subject_post,
            "lower_leader": clue.subject_lower_leader,
        },
        "unit_id": clue.unit_id,
        "township_id": clue.township_id,
        "assignment": {
            "supervisor_group_id": clue.supervisor_group_id,
            "reviewer_unit_id": clue.reviewer_unit_id,
            "trial_group_id": clue.trial_group_id,
            "appeal_group_id": clue.appeal_group_id,
            "township_trial_member_id": clue.township_trial_member_id,
            "note": clue.assignment_note,
        },
        "filed_on": _d(clue.filed_on),
        "trial_on": _d(clue.trial_on),
        "closed_on": _d(clue.closed_on),
        "due_date": _d(clue.due_date),
        "due_key": clue.due_key,
        "days_left": (clue.due_date - today).days if clue.due_date else None,
        "colour": colour.value if colour else None,
        "party_sanction": clue.party_sanction,
        "gov_sanction": clue.gov_sanction,
        "version": clue.version,
    }


def clock_json(c: CaseClock) -> dict[str, Any]:
    return {
        "key": c.key,
        "started_on": _d(c.started_on),
        "due_on": _d(c.due_on),
        "status": c.status.value,
        "paused_on": _d(c.paused_on),
        "extensions": c.extensions,
    }


def approval_json(a: CaseApproval) -> dict[str, Any]:
    return {
        "id": a.id,
        "request_id": a.request_id,
        "event": a.event,
        "step": a.step,
        "approver": a.approver,
        "status": a.status.value,
        "requested_by": a.requested_by,
        "requested_at": _t(a.requested_at),
        "request_comment": a.request_comment,
        "decided_by": a.decided_label,
        "decided_at": _t(a.decided_at),
        "comment": a.comment,
        "external_ref": a.external_ref,
    }


def event_json(e: CaseEvent) -> dict[str, Any]:
    step, _sep, rest = e.event.partition(":")
    return {
        "at": _t(e.at),
        "at_local": to_local(e.at).strftime("%Y-%m-%d %H:%M"),
        # "request:file", "approve:file:ZY" → what happened, to which step, by which approver
        "kind": step if rest else "",
        "step": rest.split(":")[0] if rest else e.event,
        "approver": rest.split(":")[1] if rest.count(":") else "",
        "actor": e.actor_label,
        "event": e.event,
        "from": e.from_state,
        "to": e.to_state,
        "comment": e.comment,
    }


async def _rows(session: AsyncSession, model: Any, clue_id: int, order: Any) -> list[Any]:
    return list((await session.scalars(select(model).where(model.clue_id == clue_id).order_by(order))).all())


async def clue_file(session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, today: dt.date) -> dict[str, Any]:
    clue = await load_clue(session, ctx, actor, clue_id)
    approvals = await _rows(session, CaseApproval, clue.id, CaseApproval.id)
    held = duties_of(actor, clue, ctx.offices)
    pending = [a for a in approvals if a.status is ApprovalStatus.PENDING]
    township = clue.township_id is not None
    next_events = [
        {
            "event": t.event,
            "label": t.label,
            "to": t.target,
            "approvals": [a.value for a in approvals_for(t, lower_leader=clue.subject_lower_leader)],
            "rule": t.rule,
        }
        for t in events_from(CLUE_TRANSITIONS, clue.state.value, township=township, source=clue.source.value)
        if t.by & held and not pending
    ]
    sign = pending[0] if pending and may_approve(actor, Approver(pending[0].approver), clue, ctx.offices) else None
    petitions = await petitions_of_clue(session, clue.id)
    return {
        "clue": clue_json(clue, today),
        "clocks": [clock_json(c) for c in await _rows(session, CaseClock, clue.id, CaseClock.id)],
        "approvals": [approval_json(a) for a in approvals],
        "timeline": [event_json(e) for e in await _rows(session, CaseEvent, clue.id, CaseEvent.id)],
        "assets": [asset_json(a) for a in await _rows(session, CaseAsset, clue.id, CaseAsset.id)],
        "organisations": [
            {"id": o.id, "name": o.name, "role": o.role}
            for o in await _rows(session, CaseOrganisation, clue.id, CaseOrganisation.id)
        ],
        "documents": [
            {"id": d.id, "title": d.title, "kind": d.kind, "stored_file_id": d.stored_file_id, "added_at": _t(d.added_at)}
            for d in await _rows(session, CaseDocument, clue.id, CaseDocument.id)
        ],
        "members": [
            {"user_id": m.user_id, "duty": m.duty.value} for m in await _rows(session, CaseMember, clue.id, CaseMember.id)
        ],
        "recusals": [
            {"user_id": r.user_id, "org_unit_id": r.org_unit_id, "reason": r.reason}
            for r in await _rows(session, CaseRecusal, clue.id, CaseRecusal.id)
        ],
        "petitions": [{"id": p.id, "number": p.number, "state": p.state.value} for p in petitions],
        "you": {
            "duties": sorted(w.value for w in held),
            "next_events": next_events,
            "may_sign": approval_json(sign) if sign else None,
            "may_edit": ctx.policy.may(actor, "edit", clue),
            "may_recuse": actor.is_main_leader or ctx.offices.office_of(actor) is OfficeCode.CASE_MANAGEMENT,
        },
    }


def petition_json(p: Petition, today: dt.date) -> dict[str, Any]:
    colour = colour_of(p.due_date, today)
    return {
        "id": p.id,
        "number": p.number,
        "channel": p.channel.value,
        "kind": p.kind.value,
        "state": p.state.value,
        "named": p.petitioner_name is not None,
        "petitioner_name": p.petitioner_name,
        "petitioner_contact": p.petitioner_contact,
        "accused_name": p.accused_name,
        "summary": p.summary,
        "township_id": p.township_id,
        "unit_id": p.unit_id,
        "received_on": _d(p.received_on),
        "acknowledged_on": _d(p.acknowledged_on),
        "due_date": _d(p.due_date),
        "colour": colour.value if colour else None,
        "reported_up": p.reported_up,
        "clue_id": p.clue_id,
        "duplicate_of_id": p.duplicate_of_id,
        "intake_ref": p.intake_ref,
    }


async def petition_file(
    session: AsyncSession, ctx: CaseContext, actor: Actor, petition: Petition, today: dt.date
) -> dict[str, Any]:
    events = (await session.scalars(select(CaseEvent).where(CaseEvent.petition_id == petition.id).order_by(CaseEvent.id))).all()
    clock_rows = (
        await session.scalars(select(CaseClock).where(CaseClock.petition_id == petition.id).order_by(CaseClock.id))
    ).all()
    may_act = ctx.policy.may(actor, "act", petition)
    nexts = [
        {"event": t.event, "label": t.label, "to": t.target}
        for t in events_from(PETITION_TRANSITIONS, petition.state.value, township=False)
        if (may_act and Who.PETITION_OFFICE in t.by) or (actor.is_main_leader and Who.MAIN_LEADER in t.by)
    ]
    return {
        "petition": petition_json(petition, today),
        "clocks": [clock_json(c) for c in clock_rows],
        "timeline": [event_json(e) for e in events],
        "you": {"next_events": nexts},
    }
