"""The admin-editable holiday table: seeded from ``chinesecalendar``, read into a HolidayCalendar."""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.cases.models import DayKind, HolidayDay
from hub.cases.workdays import HolidayCalendar

log = structlog.get_logger("hub.cases.holidays")


def package_days() -> list[HolidayDay]:
    """Every holiday and makeup workday the installed ``chinesecalendar`` knows (2004 up to its last year)."""
    import chinese_calendar

    rows = [HolidayDay(day=d, kind=DayKind.HOLIDAY, note=str(name)) for d, name in chinese_calendar.holidays.items()]
    rows += [HolidayDay(day=d, kind=DayKind.MAKEUP_WORKDAY, note=str(name)) for d, name in chinese_calendar.workdays.items()]
    return rows


async def seed_if_empty(session: AsyncSession) -> int:
    """Fill an empty table from the package; an edited table is left alone. Returns the rows added."""
    if await session.scalar(select(func.count()).select_from(HolidayDay)):
        return 0
    rows = package_days()
    session.add_all(rows)
    await session.flush()
    return len(rows)


async def load(session: AsyncSession) -> HolidayCalendar:
    rows = (await session.execute(select(HolidayDay.day, HolidayDay.kind))).all()
    return HolidayCalendar.from_rows((r[0], r[1]) for r in rows)


def warn_uncovered(calendar: HolidayCalendar) -> list[int]:
    """Log that some deadline ran into a year without holiday data (once per year and calendar)."""
    years = sorted(calendar.uncovered - calendar.warned)
    if years:
        log.warning("holiday_data_missing", years=years, fallback="weekends only", action="add the year's holidays")
        calendar.warned.update(years)
    return years


async def set_day(
    session: AsyncSession, actor: audit.AuditActor, day: dt.date, kind: DayKind | None, note: str, now: dt.datetime
) -> None:
    """Add, change or (kind None) remove one day; audited."""
    row = await session.get(HolidayDay, day)
    if kind is None:
        if row is not None:
            await session.execute(delete(HolidayDay).where(HolidayDay.day == day))
    elif row is None:
        session.add(HolidayDay(day=day, kind=kind, note=note))
    else:
        row.kind, row.note = kind, note
    await session.flush()
    await audit.record(
        session, actor, "holiday.set", "holiday", day.isoformat(), {"kind": kind.value if kind else None, "note": note}, at=now
    )
