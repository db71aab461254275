"""The Actor behind a staff account: role, unit and (for deputies) portfolio, as the access policy sees them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.auth.models import PortfolioEntry, User


async def staff_actor(session: AsyncSession, user: User, *, session_id: str | None = None) -> Actor:
    """The person behind an account as the policy sees them: role, unit and (for deputies) portfolio."""
    portfolio = frozenset(
        (await session.scalars(select(PortfolioEntry.org_unit_id).where(PortfolioEntry.user_id == user.id))).all()
    )
    return Actor(
        kind="staff",
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        org_unit_id=user.org_unit_id,
        portfolio=portfolio,
        session_id=session_id,
    )


async def staff_actor_named(session: AsyncSession, username: str) -> Actor | None:
    user = await session.scalar(select(User).where(User.username == username))
    return None if user is None else await staff_actor(session, user)
