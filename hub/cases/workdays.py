"""Counting deadlines (workflow.md §1.7): calendar days, working days with 调休, and months.

The rules follow 《民法典》 arts. 200–203: the first day is not counted; a month ends on the corresponding day (or the
month's last day); when a period in days or months ends on a day off, it moves to the next working day. Working days
skip weekends and statutory holidays but count makeup workdays (调休上班). A year the holiday table does not cover is
counted with weekends only, and the caller is told (``uncovered``) so it can warn.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from hub.cases.models import DayKind


class PeriodUnit(StrEnum):
    DAYS = "days"  # 日 (calendar days)
    WORKING_DAYS = "working_days"  # 个工作日
    MONTHS = "months"  # 个月


@dataclass
class HolidayCalendar:
    days: Mapping[dt.date, DayKind]
    covered_years: frozenset[int]
    uncovered: set[int] = field(default_factory=set)  # years met without data, for a warning
    warned: set[int] = field(default_factory=set)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[dt.date, DayKind]]) -> HolidayCalendar:
        days = {day: DayKind(kind) for day, kind in rows}
        return cls(days, frozenset(d.year for d in days))

    def is_workday(self, day: dt.date) -> bool:
        if day.year not in self.covered_years:
            self.uncovered.add(day.year)
            return day.weekday() < 5
        kind = self.days.get(day)
        if kind is DayKind.MAKEUP_WORKDAY:
            return True
        if kind is DayKind.HOLIDAY:
            return False
        return day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        """``day`` itself when it is a working day, otherwise the next one."""
        while not self.is_workday(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (the first day is not counted)."""
        if n < 0:
            raise ValueError("a period cannot be negative")
        day, left = start, n
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                count += 1
        return count

    def due(self, start: dt.date, amount: int, unit: PeriodUnit | str) -> dt.date:
        """The last day of a period of ``amount`` ``unit`` beginning on ``start``."""
        unit = PeriodUnit(unit)
        if unit is PeriodUnit.WORKING_DAYS:
            return self.add_working_days(start, amount)
        end = start + dt.timedelta(days=amount) if unit is PeriodUnit.DAYS else add_months(start, amount)
        return self.next_workday(end)


def add_months(start: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later, or that month's last day when there is none (民法典 202)."""
    index = start.year * 12 + (start.month - 1) + months
    year, month = divmod(index, 12)
    last = _cal.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(start.day, last))


WEEKENDS_ONLY = HolidayCalendar({}, frozenset())
