"""The admin-editable holiday table: seeded from ``chinesecalendar``, read into a HolidayCalendar; and the notice that
next year's table is still missing.

When is a year's table "entered"? The administrator enters it day by day, so one row is not a table: a year counts as
entered once it holds at least ``FULL_YEAR`` holidays, the statutory rest days every year has (《全国年节及纪念日放假办法》:
11 until 2024, 13 since 2025; the State Council's notices, with the weekends they move, give 22–33). Until then its
deadlines are provisional.

When is it missed? From 1 November (``WARN_FROM``): the State Council's notice for next year came out on 2021-10-25,
2022-12-08, 2023-10-25 and 2024-11-12, so before November there is usually nothing to enter and a warning would only
teach people to ignore it; from November on it is either out or due, and it stays said until the table is entered.
Independent of the date, a deadline that falls in a year not entered is shown as provisional wherever it is shown.
"""

from __future__ import annotations

import datetime as dt

import structlog
from sqlalchemy import delete, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.cases.models import DayKind, HolidayDay
from hub.cases.workdays import HolidayCalendar

log = structlog.get_logger("hub.cases.holidays")
FULL_YEAR = 11  # holidays in a year's table at least, before the year counts as entered (see above)
WARN_FROM = (11, 1)  # (month, day) from which a missing next year is said (see above)


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
    """Note that a deadline ran into a year without holiday data (the warning proper is NextYearNotice's, once)."""
    years = sorted(calendar.uncovered - calendar.warned)
    if years:
        log.debug("deadline_counted_without_holidays", years=years, fallback="weekends only")
        calendar.warned.update(years)
    return years


async def entered_years(session: AsyncSession) -> frozenset[int]:
    """The years whose table is entered: at least FULL_YEAR holidays."""
    year = extract("year", HolidayDay.day)
    stmt = select(year).where(HolidayDay.kind == DayKind.HOLIDAY).group_by(year).having(func.count() >= FULL_YEAR)
    return frozenset(int(y) for y in (await session.scalars(stmt)).all())


def missing_next_year(entered: frozenset[int], today: dt.date) -> int | None:
    """Next year, when it is time to have its table (from WARN_FROM) and it is not entered; else None."""
    if (today.month, today.day) < WARN_FROM or today.year + 1 in entered:
        return None
    return today.year + 1


class NextYearNotice:
    """Says in the log, once per process and year, that next year's table is missing: at start, or on the first
    look at the to-do list after WARN_FROM when the process started earlier."""

    def __init__(self) -> None:
        self.logged: set[int] = set()

    def check(self, entered: frozenset[int], today: dt.date) -> int | None:
        year = missing_next_year(entered, today)
        if year is not None and year not in self.logged:
            self.logged.add(year)
            log.warning(
                "holiday_table_missing", year=year, entered_holidays_needed=FULL_YEAR,
                effect="deadlines in that year are counted with ordinary weekends only and shown as provisional",
                action="the system administrator enters the State Council's notice at /admin/holidays",
            )  # fmt: skip
        return year


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
