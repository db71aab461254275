"""The running time limits of one clue or petition, and its nearest open deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.cases import holidays
from hub.cases.limits import BY_KEY, Limit
from hub.cases.models import CaseClock, ClockStatus, TimeLimit
from hub.cases.workdays import HolidayCalendar, PeriodUnit
from hub.cases.workflow import Clock, ClockOp
from hub.errors import Conflict


async def effective_limits(session: AsyncSession) -> dict[str, Limit]:
    """The defaults, with the administrator's changes laid over them."""
    limits = dict(BY_KEY)
    for row in (await session.scalars(select(TimeLimit))).all():
        if row.key in limits:
            limits[row.key] = replace(
                limits[row.key],
                amount=row.amount,
                unit=PeriodUnit(row.unit),
                extension_amount=row.extension_amount,
                max_extensions=row.max_extensions,
            )
    return limits


@dataclass
class Timekeeper:
    """What computing a deadline needs: the holiday table and the limits in force."""

    calendar: HolidayCalendar
    limits: dict[str, Limit]

    @classmethod
    async def load(cls, session: AsyncSession) -> Timekeeper:
        return cls(await holidays.load(session), await effective_limits(session))

    def due(self, key: str, start: dt.date) -> dt.date:
        limit = self.limits[key]
        return self.calendar.due(start, limit.amount, limit.unit)


async def clocks_of(session: AsyncSession, *, clue_id: int | None = None, petition_id: int | None = None) -> list[CaseClock]:
    cond = CaseClock.clue_id == clue_id if clue_id is not None else CaseClock.petition_id == petition_id
    return list((await session.scalars(select(CaseClock).where(cond).order_by(CaseClock.id))).all())


def _start(
    session: AsyncSession,
    existing: dict[str, CaseClock],
    key: str,
    today: dt.date,
    due_on: dt.date,
    owner: dict[str, int | None],
) -> None:
    clock = existing.get(key)
    if clock is None:
        clock = CaseClock(key=key, **owner)
        session.add(clock)
        existing[key] = clock
    clock.started_on, clock.due_on, clock.status = today, due_on, ClockStatus.OPEN
    clock.paused_on, clock.extensions = None, 0


async def apply(
    session: AsyncSession,
    keeper: Timekeeper,
    ops: tuple[Clock, ...],
    today: dt.date,
    *,
    clue_id: int | None = None,
    petition_id: int | None = None,
    due_overrides: dict[str, dt.date] | None = None,
) -> tuple[dt.date | None, str | None]:
    """Apply clock operations; return the nearest open deadline and its clock."""
    owner = {"clue_id": clue_id, "petition_id": petition_id}
    existing = {c.key: c for c in await clocks_of(session, clue_id=clue_id, petition_id=petition_id)}
    overrides = due_overrides or {}
    for op in ops:
        clock = existing.get(op.key)
        if op.op is ClockOp.START:
            _start(session, existing, op.key, today, overrides.get(op.key) or keeper.due(op.key, today), owner)
        elif op.op is ClockOp.STOP_ALL:
            for c in existing.values():
                c.status = ClockStatus.STOPPED
        elif clock is None or clock.status is ClockStatus.STOPPED:
            if op.op is ClockOp.EXTEND:
                raise Conflict("no_clock", "There is no running time limit to extend.", fields={"clock": op.key})
            continue  # stopping or pausing a clock that never ran changes nothing
        elif op.op is ClockOp.STOP:
            clock.status = ClockStatus.STOPPED
        elif op.op is ClockOp.PAUSE and clock.status is ClockStatus.OPEN:
            clock.status, clock.paused_on = ClockStatus.PAUSED, today
        elif op.op is ClockOp.RESUME and clock.status is ClockStatus.PAUSED:
            # the paused days do not count: push the deadline back by them
            assert clock.paused_on is not None
            clock.due_on += today - clock.paused_on
            clock.status, clock.paused_on = ClockStatus.OPEN, None
        elif op.op is ClockOp.EXTEND:
            limit = keeper.limits[op.key]
            if clock.extensions >= limit.max_extensions or limit.extension_amount <= 0:
                raise Conflict(
                    "extension_cap",
                    "This time limit has been extended as often as allowed; a further extension needs the upper level.",
                    fields={"clock": op.key, "max_extensions": str(limit.max_extensions)},
                )
            clock.due_on = keeper.calendar.due(clock.due_on, limit.extension_amount, limit.unit)
            clock.extensions += 1
    await session.flush()
    holidays.warn_uncovered(keeper.calendar)  # a deadline in a year without holiday data: weekends only, and say so
    return nearest(existing.values())


def nearest(clocks: Iterable[CaseClock]) -> tuple[dt.date | None, str | None]:
    open_clocks = [c for c in clocks if c.status is ClockStatus.OPEN]
    if not open_clocks:
        return None, None
    best = min(open_clocks, key=lambda c: (c.due_on, c.key))
    return best.due_on, best.key
