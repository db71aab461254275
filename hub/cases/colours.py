"""The colour flag of §3.8, derived from the due date and today, never stored.

red: past due; yellow: 0–10 days left (due today is yellow); blue: 11–30; green: more than 30.
Each colour is a range of due dates, so a filter or a count by colour is a range condition on the indexed column.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import InstrumentedAttribute

YELLOW_DAYS = 10
BLUE_DAYS = 30


class Colour(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    GREEN = "green"


ORDER = (Colour.RED, Colour.YELLOW, Colour.BLUE, Colour.GREEN)


def colour_of(due: dt.date | None, today: dt.date) -> Colour | None:
    if due is None:
        return None
    remaining = (due - today).days
    if remaining < 0:
        return Colour.RED
    if remaining <= YELLOW_DAYS:
        return Colour.YELLOW
    if remaining <= BLUE_DAYS:
        return Colour.BLUE
    return Colour.GREEN


def due_range(colour: Colour, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The inclusive range of due dates that have this colour today (None: open-ended)."""
    day = dt.timedelta(days=1)
    if colour is Colour.RED:
        return None, today - day
    if colour is Colour.YELLOW:
        return today, today + YELLOW_DAYS * day
    if colour is Colour.BLUE:
        return today + (YELLOW_DAYS + 1) * day, today + BLUE_DAYS * day
    return today + (BLUE_DAYS + 1) * day, None


def colour_condition(column: InstrumentedAttribute[dt.date | None], colour: Colour, today: dt.date) -> ColumnElement[bool]:
    low, high = due_range(colour, today)
    parts = []
    if low is not None:
        parts.append(column >= low)
    if high is not None:
        parts.append(column <= high)
    return and_(*parts)
