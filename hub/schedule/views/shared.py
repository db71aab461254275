"""What the schedule's views share: the staff who may be put on a roster or an interview, duties by day, form lists."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.roles import ADMINISTRATORS, Role
from hub.auth.interface import User
from hub.errors import HubError
from hub.schedule.rotations import DutyView

# these pages show the form again with the message on any refusal of the services (not only bad input)
ANY_ERROR: tuple[type[HubError], ...] = (HubError,)
# leaders first, then the petition office and other offices: the people a reception roster is made of
ROLE_ORDER = [Role.MAIN_LEADER, Role.DEPUTY_LEADER, Role.OFFICE_STAFF, Role.GROUP_STAFF, Role.TOWNSHIP_STAFF]


def _as_list(value: Any) -> Any:
    """A form field given once, several times, or left empty (a multiple select, checkboxes) as a list."""
    return [v for v in (value if isinstance(value, list) else [value]) if v != ""]


FormList = Annotated[list[str], BeforeValidator(_as_list)]
FormIds = Annotated[list[int], BeforeValidator(_as_list)]


class VersionForm(BaseModel):
    """The version of the object the form was shown with: an edit of a changed object is refused (409)."""

    version: int


def by_day(duties: list[DutyView]) -> list[tuple[dt.date, list[DutyView]]]:
    return [(day, list(items)) for day, items in groupby(duties, key=lambda d: d.day)]


async def staff(session: AsyncSession) -> list[User]:
    """Active staff (no administrators), in roster order."""
    rows = await session.scalars(
        select(User).where(User.disabled.is_(False), User.role.not_in(ADMINISTRATORS)).order_by(User.username)
    )
    return sorted(rows.all(), key=lambda u: ROLE_ORDER.index(u.role) if u.role in ROLE_ORDER else len(ROLE_ORDER))


async def display_name(session: AsyncSession, user_id: int) -> str:
    user = await session.get(User, user_id)
    return user.display_name if user else ""
