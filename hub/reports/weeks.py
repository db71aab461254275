"""ISO weeks as the commission counts them: reports are due on Friday; an unsubmitted one turns red on Monday."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from hub.errors import Invalid
from hub.i18n import N_

_KEY = re.compile(r"^(\d{4})-W(\d{2})$")


@dataclass(frozen=True)
class Week:
    year: int
    number: int

    @property
    def key(self) -> str:
        return f"{self.year}-W{self.number:02d}"

    @property
    def monday(self) -> dt.date:
        return dt.date.fromisocalendar(self.year, self.number, 1)

    @property
    def friday(self) -> dt.date:
        return self.monday + dt.timedelta(days=4)

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    @property
    def next_monday(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)

    def previous(self) -> Week:
        return week_of(self.monday - dt.timedelta(days=7))

    def following(self) -> Week:
        return week_of(self.next_monday)


def week_of(day: dt.date) -> Week:
    year, number, _ = day.isocalendar()
    return Week(year, number)


def parse_week(text: str) -> Week:
    """``2026-W49`` → that week; anything else is refused."""
    found = _KEY.match(text.strip())
    if found is not None:
        year, number = int(found.group(1)), int(found.group(2))
        try:
            dt.date.fromisocalendar(year, number, 1)
        except ValueError:
            pass
        else:
            return Week(year, number)
    raise Invalid("invalid", N_("Some fields are not valid."), fields={"week": N_("A week such as 2026-W49.")})


def reporting_week(today: dt.date) -> Week:
    """The week whose Friday report is the current one: this week from Friday on; before Friday, still this week."""
    return week_of(today)


def monday_week(today: dt.date) -> Week:
    """The week a Monday report compiled today covers: the week just ended (on Monday to Thursday), else this one."""
    week = week_of(today)
    return week.previous() if today.weekday() < 4 else week
