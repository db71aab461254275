"""What the schedule's views share: duties by day, an official's name."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.interface import User
from hub.errors import HubError
from hub.schedule.rotations import DutyView

# these pages show the form again with the message on any refusal of the services (not only bad input)
ANY_ERROR: tuple[type[HubError], ...] = (HubError,)


def by_day(duties: list[DutyView]) -> list[tuple[dt.date, list[DutyView]]]:
    return [(day, list(items)) for day, items in groupby(duties, key=lambda d: d.day)]


async def display_name(session: AsyncSession, user_id: int) -> str:
    user = await session.get(User, user_id)
    return user.display_name if user else ""
