"""What the schedule's views share."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from hub.schedule.rotations import DutyView


def by_day(duties: list[DutyView]) -> list[tuple[dt.date, list[DutyView]]]:
    return [(day, list(items)) for day, items in groupby(duties, key=lambda d: d.day)]
