"""Planning a reception rotation: who receives on which working day, fairly.

Pure functions, no database: the service gathers the working days (holiday table with 调休 make-up days), the
roster, and who is away on which day (leave, interviews, duties in other rotations), and this module decides.

Fairness: each day takes, for each kind of official (leaders, staff), the available ones with the fewest duties so
far; among equals, the one whose last duty lies furthest back; then roster order. With everyone available this is a
plain round robin, and nobody ever has two duties more than an equally available colleague.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from hub.schedule.models import MemberKind


@dataclass(frozen=True)
class Official:
    user_id: int
    kind: MemberKind
    position: int


@dataclass(frozen=True)
class SlotTime:
    start: dt.time
    end: dt.time

    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_slot_times(text: str) -> list[SlotTime]:
    """'09:00-10:00, 10:00-11:00' → slot times; raises ValueError on anything malformed or overlapping."""
    slots: list[SlotTime] = []
    for part in (p.strip() for p in text.replace("，", ",").split(",")):
        if not part:
            continue
        start_s, sep, end_s = part.partition("-")
        if not sep:
            raise ValueError(part)
        start, end = dt.time.fromisoformat(start_s.strip()), dt.time.fromisoformat(end_s.strip())
        if end <= start:
            raise ValueError(part)
        slots.append(SlotTime(start, end))
    slots.sort(key=lambda s: s.start)
    if not slots or len(slots) > 24:
        raise ValueError(text)
    for a, b in itertools.pairwise(slots):
        if b.start < a.end:
            raise ValueError(text)
    return slots


def working_days(start: dt.date, end: dt.date, is_workday: Callable[[dt.date], bool]) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def plan(
    days: Iterable[dt.date],
    roster: Iterable[Official],
    *,
    per_day: dict[MemberKind, int],
    unavailable: Callable[[int, dt.date], bool],
    prior: dict[int, int] | None = None,
) -> dict[dt.date, list[int]]:
    """Assign officials to days. ``prior``: duties already held (earlier rotations), so fairness carries over."""
    members = sorted(roster, key=lambda o: o.position)
    counts = {o.user_id: (prior or {}).get(o.user_id, 0) for o in members}
    last: dict[int, int] = {}  # index of the day of each official's latest duty in this plan
    result: dict[dt.date, list[int]] = {}
    for index, day in enumerate(sorted(days)):
        chosen: list[int] = []
        for kind in (MemberKind.LEADER, MemberKind.STAFF):
            want = per_day.get(kind, 0)
            candidates = [o for o in members if o.kind is kind and not unavailable(o.user_id, day)]
            candidates.sort(key=lambda o: (counts[o.user_id], last.get(o.user_id, -1), o.position))
            for official in candidates[:want]:
                chosen.append(official.user_id)
                counts[official.user_id] += 1
                last[official.user_id] = index
        result[day] = chosen
    return result
