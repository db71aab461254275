"""Slow down repeated sign-in failures, per account and per address, without telling which accounts exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.models import SignInFailure

WINDOW = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class ThrottleRules:
    free_failures: int
    lockout_failures: int
    delay_cap_seconds: float


def keys_for(username: str, address: str) -> list[str]:
    return [f"user:{username.strip().lower()[:60]}", f"addr:{address[:100]}"]


async def recent_failures(session: AsyncSession, keys: list[str], now: dt.datetime) -> int:
    """The worst count among the keys within the window."""
    rows = await session.execute(
        select(SignInFailure.key, func.count())
        .where(SignInFailure.key.in_(keys), SignInFailure.at > now - WINDOW)
        .group_by(SignInFailure.key)
    )
    return max((count for _key, count in rows), default=0)


def delay_for(failures: int, rules: ThrottleRules) -> float:
    """No delay for the first few failures, then doubling up to the cap."""
    over = failures - rules.free_failures
    if over < 0:
        return 0.0
    return float(min(rules.delay_cap_seconds, 0.5 * 2**over))


async def add_failure(session: AsyncSession, keys: list[str], now: dt.datetime) -> None:
    for key in keys:
        session.add(SignInFailure(key=key, at=now))
    await session.execute(delete(SignInFailure).where(SignInFailure.at < now - WINDOW))


async def clear(session: AsyncSession, username: str) -> None:
    await session.execute(delete(SignInFailure).where(SignInFailure.key == keys_for(username, "")[0]))
