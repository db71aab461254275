"""How a reception or an interview becomes a video call: an interface the rooms part fulfils at wiring time.

The schedule part does not import the rooms part (DESIGN §8). ``setup`` installs ``NoVideo``; the wiring replaces it
with an adapter over the rooms part (``hub/schedule/rooms_bridge.py``) when that part is present.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor


@dataclass(frozen=True)
class CallLink:
    ref: str  # the room session, as the rooms part names it
    host_url: str  # where the official (or the county interviewer) goes
    guest_url: str  # where the kiosk (or the township room) goes


@dataclass(frozen=True)
class ReceptionCall:
    official: Actor
    title: str
    kiosk_room_id: int | None
    county_room_id: int | None
    planned_start: dt.datetime
    planned_end: dt.datetime


@dataclass(frozen=True)
class InterviewCall:
    organiser: Actor
    title: str
    county_room_id: int
    township_room_id: int
    interviewer_ids: tuple[int, ...]
    planned_start: dt.datetime
    planned_end: dt.datetime


class CallOpener(Protocol):
    async def open_reception(self, session: AsyncSession, call: ReceptionCall, now: dt.datetime) -> CallLink | None: ...

    async def open_interview(self, session: AsyncSession, call: InterviewCall, now: dt.datetime) -> CallLink | None: ...


class NoVideo:
    """No rooms part: the official still records the intake; nobody is linked by video."""

    async def open_reception(self, session: AsyncSession, call: ReceptionCall, now: dt.datetime) -> CallLink | None:
        return None

    async def open_interview(self, session: AsyncSession, call: InterviewCall, now: dt.datetime) -> CallLink | None:
        return None


CALLS: web.AppKey[CallOpener] = web.AppKey("schedule_calls", object)  # type: ignore[arg-type]
