"""iCalendar (RFC 5545) feeds of the published rotation: one per official, one for the whole roster.

Times are written in UTC (``...Z``), which every client reads without a VTIMEZONE; each duty day is one event
spanning its slots, with a UID stable across edits and a SEQUENCE that grows when the duty changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from icalendar import Calendar, Event

from hub.clock import LOCAL_TZ as _LOCAL
from hub.schedule.rotations import DutyView

PRODID = "-//County Discipline Inspection Commission//hub reception rotation//ZH"


def feed(duties: Iterable[DutyView], *, name: str, host: str, now: dt.datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    for duty in duties:
        if not duty.slots:
            continue
        event = Event()
        event.add("uid", f"reception-duty-{duty.id}@{host}")
        event.add("dtstamp", now.astimezone(dt.UTC))
        event.add("dtstart", duty.slots[0].starts_at.astimezone(dt.UTC))
        event.add("dtend", duty.slots[-1].ends_at.astimezone(dt.UTC))
        event.add("summary", f"领导干部轮流接访：{duty.name}")
        slots = "，".join(f"{s.starts_at.astimezone(_LOCAL):%H:%M}-{s.ends_at.astimezone(_LOCAL):%H:%M}" for s in duty.slots)
        event.add("description", f"接访人：{duty.name}\n时段：{slots}")
        event.add("sequence", max(0, duty.version - 1))
        event.add("status", "CONFIRMED")
        event.add("transp", "OPAQUE")
        cal.add_component(event)
    return bytes(cal.to_ical())
