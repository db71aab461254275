"""What case tracking puts on a person's to-do list (the home page): approvals they may sign now, the red and yellow
matters of their ledger, and for the petition office the petitions whose notice or handling falls due."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from hub.access.actor import Actor
from hub.cases import ledger
from hub.cases.access import may_approve
from hub.cases.colours import Colour, colour_condition
from hub.cases.keys import CASES
from hub.cases.labels import EVENT_LABELS
from hub.cases.models import ApprovalStatus, CaseApproval, Clue, Petition
from hub.cases.workflow import Approver, PetitionState
from hub.clock import to_local
from hub.http.keys import CATALOGS, TodoItem
from hub.i18n import N_
from hub.org.interface import OfficeCode

SHOWN = 8  # items listed under a count (the count says how many there are in all)
SIGN_SCAN = 500  # pending steps looked at for one person's signatures


async def case_todos(app: web.Application, s: AsyncSession, actor: Actor, now: dt.datetime) -> list[TodoItem]:
    if not actor.is_staff or actor.is_admin:
        return []
    ctx, gettext = app[CASES], app[CATALOGS].gettext
    today = to_local(now).date()
    todos: list[TodoItem] = []
    # approvals: the first pending step of each request, on a case this person sees, that they may sign
    earlier = aliased(CaseApproval)
    waits = (
        select(earlier.id)
        .where(
            earlier.request_id == CaseApproval.request_id,
            earlier.status == ApprovalStatus.PENDING,
            earlier.step < CaseApproval.step,
        )
        .exists()
    )
    stmt = (
        select(CaseApproval, Clue)
        .join(Clue, Clue.id == CaseApproval.clue_id)
        .where(CaseApproval.status == ApprovalStatus.PENDING, ~waits, ctx.policy.where(actor, "view", Clue))
        .order_by(CaseApproval.requested_at, CaseApproval.id)
        .limit(SIGN_SCAN)
    )
    mine = [(a, c) for a, c in (await s.execute(stmt)).all() if may_approve(actor, Approver(a.approver), c, ctx.offices)]
    if mine:
        todos.append(
            TodoItem(
                N_("Approvals to sign"),
                len(mine),
                f"/clues/{mine[0][1].id}",
                urgent=True,
                order=10,
                items=tuple(
                    (f"{c.number} {c.subject_name}：{gettext(EVENT_LABELS.get(a.event, a.event))}", f"/clues/{c.id}")
                    for a, c in mine[:SHOWN]
                ),
            )
        )
    # red and yellow matters of this person's ledger
    counts = await ledger.counts(s, ctx.policy, actor, ledger.LedgerQuery(), today)
    for colour, title, order in ((Colour.RED, N_("Overdue matters"), 20), (Colour.YELLOW, N_("Matters due within 10 days"), 30)):
        if not counts.get(colour.value):
            continue
        rows = (
            await s.execute(
                select(Clue.id, Clue.number, Clue.subject_name, Clue.due_date)
                .where(ctx.policy.where(actor, "view", Clue), colour_condition(Clue.due_date, colour, today))
                .order_by(Clue.due_date, Clue.id)
                .limit(SHOWN)
            )
        ).all()
        todos.append(
            TodoItem(
                title,
                counts[colour.value],
                f"/ledger?colour={colour.value}",
                urgent=colour is Colour.RED,
                order=order,
                items=tuple((f"{r.number} {r.subject_name}（{r.due_date}）", f"/clues/{r.id}") for r in rows),
            )
        )
    # petitions whose acceptance notice, handling or feedback falls due within 10 days
    # (the petition office; the main leader for the petitions reported up to them, 检举控告规则 15)
    office = ctx.offices.office_of(actor)
    if office is OfficeCode.PETITION or actor.is_main_leader:
        soon = today + dt.timedelta(days=10)
        due = and_(
            ctx.policy.where(actor, "act", Petition),
            Petition.due_date.is_not(None),
            Petition.due_date <= soon,
            Petition.state != PetitionState.CLOSED,
            Petition.reported_up.is_(True) if office is not OfficeCode.PETITION else Petition.reported_up.is_(False),
        )
        petitions = (
            await s.execute(select(Petition.id, Petition.number, Petition.due_date).where(due).order_by(Petition.due_date))
        ).all()
        if petitions:
            todos.append(
                TodoItem(
                    N_("Petitions due within 10 days"),
                    len(petitions),
                    "/petitions",
                    urgent=petitions[0].due_date is not None and petitions[0].due_date < today,
                    order=40,
                    items=tuple((f"{r.number}（{r.due_date}）", f"/petitions/{r.id}") for r in petitions[:SHOWN]),
                )
            )
    return todos
