"""督办: when a matter turns red, the deputy leader over it gets a notice on their to-do list, the main leader in copy
(workflow §3.8); the deputy answers it, and the notice with its answer stays on the matter's page.

A matter turns red by the passing of days, not by a write, so ``raise_notices`` looks for red matters without a
notice for their current spell (the missed deadline): at start-up and every hour (``setup``), and from the demo.
Idempotent: the spell is unique per matter, and a second run (or a second process) adds nothing.

The deputy addressed is the first deputy (by account name) whose portfolio holds one of the matter's handlers (the
units the ledger rule looks at); a matter no deputy covers is addressed to the main leader alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.access.roles import Role
from hub.auth.interface import PortfolioEntry, User
from hub.cases.interface import Clue
from hub.errors import Conflict
from hub.i18n import N_
from hub.reports.models import SuperviseNotice

RAISE_EVERY_SECONDS = 3600


async def portfolios(session: AsyncSession) -> list[tuple[int, frozenset[int]]]:
    """Every active deputy's portfolio, in account-name order."""
    stmt = (
        select(User.id, User.username, PortfolioEntry.org_unit_id)
        .join(PortfolioEntry, PortfolioEntry.user_id == User.id)
        .where(User.role == Role.DEPUTY_LEADER, User.disabled.is_(False))
    )
    found: dict[int, tuple[str, set[int]]] = {}
    for user_id, name, unit in (await session.execute(stmt)).all():
        found.setdefault(user_id, (name, set()))[1].add(unit)
    return [(uid, frozenset(units)) for uid, (_name, units) in sorted(found.items(), key=lambda kv: kv[1][0])]


def deputy_for(clue: Any, deputies: list[tuple[int, frozenset[int]]]) -> int | None:
    handlers = {clue.supervisor_group_id, clue.reviewer_unit_id, clue.trial_group_id, clue.appeal_group_id, clue.township_id}
    return next((uid for uid, units in deputies if handlers & units), None)


async def raise_notices(session: AsyncSession, today: dt.date, now: dt.datetime) -> int:
    """A notice for every red matter without one for its current spell; returns how many were raised."""
    spell = and_(
        SuperviseNotice.clue_id == Clue.id,
        SuperviseNotice.due_date == Clue.due_date,
        SuperviseNotice.due_key == Clue.due_key,
    )
    stmt = (
        select(Clue)
        .where(Clue.due_date.is_not(None), Clue.due_date < today, ~select(SuperviseNotice.id).where(spell).exists())
        .order_by(Clue.due_date, Clue.id)
    )
    red = list((await session.scalars(stmt)).all())
    if not red:
        return 0
    deputies = await portfolios(session)
    for clue in red:
        assert clue.due_date is not None
        session.add(
            SuperviseNotice(
                clue_id=clue.id,
                due_date=clue.due_date,
                due_key=clue.due_key or "",
                deputy_id=deputy_for(clue, deputies),
                raised_at=now,
                answer="",
            )
        )
    await session.flush()
    return len(red)


@dataclass(frozen=True)
class NoticeRow:
    notice: SuperviseNotice
    number: str
    subject: str
    deputy: str
    answered_by: str


async def _rows(session: AsyncSession, stmt: Any) -> list[NoticeRow]:
    notices = list((await session.scalars(stmt)).all())
    clue_ids = {n.clue_id for n in notices}
    users = {n.deputy_id for n in notices} | {n.answered_by for n in notices}
    users.discard(None)
    clues: dict[int, tuple[str, str]] = {}
    if clue_ids:
        stmt = select(Clue.id, Clue.number, Clue.subject_name).where(Clue.id.in_(clue_ids))
        clues = {r[0]: (r[1], r[2]) for r in (await session.execute(stmt)).all()}
    names: dict[int, str] = {}
    if users:
        stmt = select(User.id, User.display_name, User.username).where(User.id.in_(users))
        names = {r[0]: r[1] or r[2] for r in (await session.execute(stmt)).all()}
    rows = []
    for n in notices:
        number, subject = clues.get(n.clue_id, ("", ""))
        deputy = names.get(n.deputy_id, "") if n.deputy_id is not None else ""
        rows.append(NoticeRow(n, number, subject, deputy, names.get(n.answered_by, "") if n.answered_by is not None else ""))
    return rows


async def listed(session: AsyncSession, policy: Policy, actor: Actor, *, open_only: bool = False) -> list[NoticeRow]:
    """The notices the actor may see, open ones first, newest spell first."""
    stmt = select(SuperviseNotice).where(policy.where(actor, "view", SuperviseNotice))
    if open_only:
        stmt = stmt.where(SuperviseNotice.answered_at.is_(None))
    stmt = stmt.order_by(SuperviseNotice.answered_at.is_not(None), SuperviseNotice.due_date.desc(), SuperviseNotice.id.desc())
    return await _rows(session, stmt.limit(500))


async def of_clue(session: AsyncSession, policy: Policy, actor: Actor, clue_id: int) -> list[NoticeRow]:
    stmt = (
        select(SuperviseNotice)
        .where(SuperviseNotice.clue_id == clue_id, policy.where(actor, "view", SuperviseNotice))
        .order_by(SuperviseNotice.due_date, SuperviseNotice.id)
    )
    return await _rows(session, stmt)


async def answer(session: AsyncSession, actor: Actor, notice: SuperviseNotice, text: str, version: int, now: dt.datetime) -> None:
    if notice.version != version:
        raise Conflict("stale", "Someone else changed this record; reload it and try again.")
    if notice.answered_at is not None:
        raise Conflict("answered", N_("This notice has been answered already."))
    notice.answer, notice.answered_at, notice.answered_by = text, now, actor.user_id
    await session.flush()
    await audit.record(session, actor.audit, "supervise.answer", "supervise_notice", notice.id, {"answer": text}, at=now)
