"""The ledger (台账): clues and cases with their colour flag, filtered and sorted in SQL under the access policy."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.cases import tally
from hub.cases.colours import ORDER, Colour, colour_condition, colour_of
from hub.cases.models import Clue, ClueSource, LedgerTally
from hub.cases.rules import ClueRule, recused_from
from hub.cases.workflow import LIVE_CLUE_STATES, STAGES, ClueState

COLUMNS = (
    Clue.id,
    Clue.number,
    Clue.source,
    Clue.state,
    Clue.subject_name,
    Clue.unit_id,
    Clue.township_id,
    Clue.supervisor_group_id,
    Clue.reviewer_unit_id,
    Clue.trial_group_id,
    Clue.received_on,
    Clue.due_date,
    Clue.due_key,
)


@dataclass(frozen=True)
class LedgerQuery:
    colour: Colour | None = None
    source: ClueSource | None = None
    stage: str | None = None  # a key of workflow.STAGES, or "live" (default) / "all"
    state: ClueState | None = None
    group_id: int | None = None  # any of supervisor / reviewer / trial / appeal
    township_id: int | None = None
    unit_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    due_from: dt.date | None = None
    due_to: dt.date | None = None
    text: str = ""
    sort: str = "urgency"  # urgency | received | number
    page: int = 1
    per_page: int = 50


SORTS = ("urgency", "received", "number")


def conditions(
    query: LedgerQuery, today: dt.date, *, with_colour: bool = True, has_due: bool = False
) -> list[ColumnElement[bool]]:
    """``has_due``: the caller already requires a due date. Only live matters have one (every ending stops all clocks),
    so "live" then needs no state condition, and a colour filter or a count stays on the due-date index."""
    conds: list[ColumnElement[bool]] = []
    stage = query.stage or "live"
    if stage == "live":
        if not (has_due or (with_colour and query.colour is not None)):
            conds.append(Clue.state.in_(sorted(LIVE_CLUE_STATES)))
    elif stage != "all":
        conds.append(Clue.state.in_(sorted(STAGES[stage])))
    if query.state is not None:
        conds.append(Clue.state == query.state)
    if with_colour and query.colour is not None:
        conds.append(colour_condition(Clue.due_date, query.colour, today))
    if query.source is not None:
        conds.append(Clue.source == query.source)
    if query.group_id is not None:
        g = query.group_id
        conds.append(
            or_(Clue.supervisor_group_id == g, Clue.reviewer_unit_id == g, Clue.trial_group_id == g, Clue.appeal_group_id == g)
        )
    if query.township_id is not None:
        conds.append(Clue.township_id == query.township_id)
    if query.unit_id is not None:
        conds.append(Clue.unit_id == query.unit_id)
    if query.received_from is not None:
        conds.append(Clue.received_on >= query.received_from)
    if query.received_to is not None:
        conds.append(Clue.received_on <= query.received_to)
    if query.due_from is not None:
        conds.append(Clue.due_date >= query.due_from)
    if query.due_to is not None:
        conds.append(Clue.due_date <= query.due_to)
    if query.text.strip():
        like = f"%{query.text.strip().replace('%', '').replace('_', '')}%"
        conds.append(or_(Clue.number.ilike(like), Clue.subject_name.ilike(like), Clue.summary.ilike(like)))
    return conds


def statement(policy: Policy, actor: Actor, query: LedgerQuery, today: dt.date) -> Select[*tuple[Any, ...]]:
    stmt = select(*COLUMNS).where(policy.where(actor, "view", Clue), *conditions(query, today))
    if query.sort == "received":
        return stmt.order_by(Clue.received_on.desc(), Clue.id.desc())
    if query.sort == "number":
        return stmt.order_by(Clue.number)
    # urgency: the nearest deadline first, matters without a running deadline last. Both orders below follow the
    # (due_date, id) index: a colour range holds no NULLs, and PostgreSQL keeps NULLs last in an ascending index.
    if query.colour is not None:
        return stmt.order_by(Clue.due_date, Clue.id)
    return stmt.order_by(Clue.due_date.asc().nulls_last(), Clue.id)


def row_json(row: Any, today: dt.date) -> dict[str, Any]:
    colour = colour_of(row.due_date, today)
    return {
        "id": row.id,
        "number": row.number,
        "source": row.source.value,
        "state": row.state.value,
        "subject_name": row.subject_name,
        "unit_id": row.unit_id,
        "township_id": row.township_id,
        "supervisor_group_id": row.supervisor_group_id,
        "reviewer_unit_id": row.reviewer_unit_id,
        "trial_group_id": row.trial_group_id,
        "received_on": row.received_on.isoformat(),
        "due_date": row.due_date.isoformat() if row.due_date else None,
        "due_key": row.due_key,
        "days_left": (row.due_date - today).days if row.due_date else None,
        "colour": colour.value if colour else None,
    }


async def page(
    session: AsyncSession, policy: Policy, actor: Actor, query: LedgerQuery, today: dt.date
) -> tuple[list[dict[str, Any]], bool]:
    """One page of rows and whether more follow (no total: counting a million rows per page view is waste)."""
    stmt = statement(policy, actor, query, today)
    offset = (query.page - 1) * query.per_page
    rows = (await session.execute(stmt.offset(offset).limit(query.per_page + 1))).all()
    return [row_json(r, today) for r in rows[: query.per_page]], len(rows) > query.per_page


def _unfiltered(query: LedgerQuery) -> bool:
    return (query.stage or "live") == "live" and not any(
        (query.source, query.state, query.group_id, query.township_id, query.unit_id, query.received_from,
         query.received_to, query.due_from, query.due_to, query.text.strip())
    )  # fmt: skip


async def counts(session: AsyncSession, policy: Policy, actor: Actor, query: LedgerQuery, today: dt.date) -> dict[str, int]:
    """Rows per colour under the same filters (the colour filter itself aside).

    Without other filters, from the per-day tallies of the actor's scopes (a few hundred rows), less the matters the
    actor is recused from; otherwise four due-date ranges counted in one pass over the due-date index."""
    rule = policy.rule_for(Clue)
    scopes = rule.tally_scopes(actor) if isinstance(rule, ClueRule) and _unfiltered(query) else None
    if scopes and scopes[0][0] == "deputy" and not await tally.portfolio_current(session, actor):
        scopes = None  # the portfolio changed since the tallies were built: count the clues themselves
    if scopes is not None and isinstance(rule, ClueRule):
        return await _tally_counts(session, rule, actor, scopes, today)
    columns = [func.count().filter(colour_condition(Clue.due_date, c, today)).label(c.value) for c in ORDER]
    stmt = select(*columns).where(
        policy.where(actor, "view", Clue), Clue.due_date.is_not(None), *conditions(query, today, with_colour=False, has_due=True)
    )
    row = (await session.execute(stmt)).one()
    result = {c.value: int(row._mapping[c.value] or 0) for c in ORDER}
    result["total"] = sum(result.values())
    return result


async def _tally_counts(
    session: AsyncSession, rule: ClueRule, actor: Actor, scopes: list[tuple[str, int]], today: dt.date
) -> dict[str, int]:
    result = {c.value: 0 for c in ORDER}
    if scopes:
        in_scope = or_(*(and_(LedgerTally.scope_kind == k, LedgerTally.scope_id == i) for k, i in scopes))
        columns = [
            func.coalesce(func.sum(LedgerTally.n).filter(colour_condition(LedgerTally.due_date, c, today)), 0).label(c.value)
            for c in ORDER
        ]
        row = (await session.execute(select(*columns).where(in_scope))).one()
        result = {c.value: int(row._mapping[c.value]) for c in ORDER}
        recused = recused_from(actor)
        hidden = await session.scalars(
            select(Clue.due_date).where(Clue.id.in_(recused), Clue.due_date.is_not(None), rule.base_where(actor, "view"))
        )
        for due in hidden.all():
            colour = colour_of(due, today)
            if colour is not None:
                result[colour.value] -= 1
    result["total"] = sum(result.values())
    return result


async def stream(
    session: AsyncSession, policy: Policy, actor: Actor, query: LedgerQuery, today: dt.date, batch: int = 2000
) -> AsyncIterator[dict[str, Any]]:
    """Every matching row, for the CSV export."""
    result = await session.stream(statement(policy, actor, query, today).execution_options(yield_per=batch))
    async for row in result:
        yield row_json(row, today)
