"""Counting running deadlines again when a day of the holiday table changes.

A deadline that ran into a year without its table was counted with ordinary weekends; when the administrator enters
that year (or corrects any day), the running clocks that the day falls within are counted again with the new table, and
the clue's or petition's nearest deadline and the ledger's tallies follow. Only a clock counted plainly is recounted:
one whose stored date is what its start, its limit and its extensions give with the old table. A clock that was paused
(补充调查 pushes it back by the paused days), one whose date a leader set, or one started under a limit changed since,
keeps its date: nothing recorded says how to count it again.
"""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases import clocks, tally
from hub.cases.models import CaseClock, ClockStatus, Clue, Petition
from hub.cases.workdays import HolidayCalendar

log = structlog.get_logger("hub.cases.recount")
SET_BY_HAND = frozenset({"instructed"})  # the instructing leader's own date, not counted from a limit


def counted(calendar: HolidayCalendar, keeper: clocks.Timekeeper, clock: CaseClock) -> dt.date:
    """The clock's due date as its start, limit and extensions give it with ``calendar``."""
    limit = keeper.limits[clock.key]
    due = calendar.due(clock.started_on, limit.amount, limit.unit)
    for _ in range(clock.extensions):
        due = calendar.due(due, limit.extension_amount, limit.unit)
    return due


async def after_holiday_change(session: AsyncSession, before: HolidayCalendar, day: dt.date) -> int:
    """Recount the running clocks that ``day`` (just changed in the table) falls within; returns how many moved."""
    keeper = await clocks.Timekeeper.load(session)
    # a day counts for a clock from the day after its start up to its due date (a period that ends on a day off runs
    # on to the next working day: that day lies before the stored date too)
    stmt = select(CaseClock).where(CaseClock.status == ClockStatus.OPEN, CaseClock.started_on < day, CaseClock.due_on >= day)
    moved: list[CaseClock] = []
    for clock in (await session.scalars(stmt.order_by(CaseClock.id))).all():
        if clock.key in SET_BY_HAND or clock.key not in keeper.limits or counted(before, keeper, clock) != clock.due_on:
            continue
        due = counted(keeper.calendar, keeper, clock)
        if due != clock.due_on:
            clock.due_on = due
            moved.append(clock)
    await session.flush()
    deputies = await tally.deputies(session) if any(c.clue_id for c in moved) else {}
    for clue_id in sorted({c.clue_id for c in moved if c.clue_id is not None}):
        clue = await session.get(Clue, clue_id)
        if clue is None:
            continue
        before_keys = tally.keys_of(clue, deputies)
        clue.due_date, clue.due_key = clocks.nearest(await clocks.clocks_of(session, clue_id=clue_id))
        await tally.shift(session, before_keys, tally.keys_of(clue, deputies))
    for petition_id in sorted({c.petition_id for c in moved if c.petition_id is not None}):
        petition = await session.get(Petition, petition_id)
        if petition is not None:
            petition.due_date, _ = clocks.nearest(await clocks.clocks_of(session, petition_id=petition_id))
    await session.flush()
    if moved:
        log.info("deadlines_recounted", day=day.isoformat(), clocks=len(moved))
    return len(moved)
