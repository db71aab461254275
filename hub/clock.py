"""The hub's notion of now. Tests move a fake clock instead of the real one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """Real time, in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def today(self) -> dt.date:
        """Today's date where the hub's users live (Asia/Shanghai)."""
        return self.now().astimezone(LOCAL_TZ).date()


class FakeClock(Clock):
    """A clock that stands still until moved."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")
        self._now = start.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def advance(self, delta: dt.timedelta) -> None:
        self._now += delta

    def set(self, when: dt.datetime) -> None:
        self._now = when.astimezone(dt.UTC)


def to_local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LOCAL_TZ)
