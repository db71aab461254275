"""Slow down and stop repeated sign-in failures without telling which accounts exist.

Three counts in a 15-minute window: per account (slows every try down, never locks: a guesser cannot lock the owner
out), per account and address (locks that pair after ``lockout_failures``), and per address (locks an address that
sprays many accounts, after five times as many). The address is the client's, through trusted proxies only
(``hub.http.context.client_address``), so that behind nginx one guesser does not lock out every colleague.

A try is counted before its password is checked (``reserve``: count and record in one locked write, the SQLite write
lock or a PostgreSQL advisory lock per key), and the record is taken back when the password was right (``release``):
parallel guesses cannot all read a count that is still low (issue 14: 100 parallel guesses got 90 checks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.models import SignInFailure

WINDOW = dt.timedelta(minutes=15)
ADDRESS_FACTOR = 5  # an address is locked after this many times the pair's lockout


@dataclass(frozen=True)
class ThrottleRules:
    free_failures: int
    lockout_failures: int
    delay_cap_seconds: float


@dataclass(frozen=True)
class Keys:
    account: str
    pair: str
    address: str

    @property
    def all(self) -> list[str]:
        return [self.account, self.pair, self.address]


def keys_for(username: str, address: str) -> Keys:
    name, addr = username.strip().lower()[:60], address[:100]
    return Keys(f"user:{name}", f"pair:{name}|{addr}", f"addr:{addr}")


@dataclass(frozen=True)
class Reservation:
    failures: int  # the account's or the pair's count before this try (for the delay)
    ids: list[int]  # the rows that count this try; released when the password was right


async def _counts(session: AsyncSession, keys: Keys, now: dt.datetime) -> dict[str, int]:
    rows = await session.execute(
        select(SignInFailure.key, func.count())
        .where(SignInFailure.key.in_(keys.all), SignInFailure.at > now - WINDOW)
        .group_by(SignInFailure.key)
    )
    return {key: count for key, count in rows}


async def reserve(session: AsyncSession, keys: Keys, now: dt.datetime, rules: ThrottleRules) -> Reservation | None:
    """Count this try before it is checked; None when the pair or the address is locked (nothing recorded)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        for key in sorted(keys.all):
            await session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": key})
    counts = await _counts(session, keys, now)
    if counts.get(keys.pair, 0) >= rules.lockout_failures:
        return None
    if counts.get(keys.address, 0) >= rules.lockout_failures * ADDRESS_FACTOR:
        return None
    rows = [SignInFailure(key=key, at=now) for key in keys.all]
    session.add_all(rows)
    await session.execute(delete(SignInFailure).where(SignInFailure.at < now - WINDOW))
    await session.flush()
    return Reservation(max(counts.get(keys.account, 0), counts.get(keys.pair, 0)), [r.id for r in rows])


async def release(session: AsyncSession, reservation: Reservation) -> None:
    """The password was right: this try was no failure."""
    await session.execute(delete(SignInFailure).where(SignInFailure.id.in_(reservation.ids)))


def delay_for(failures: int, rules: ThrottleRules) -> float:
    """No delay for the first few failures, then doubling up to the cap."""
    over = failures - rules.free_failures
    if over < 0:
        return 0.0
    return float(min(rules.delay_cap_seconds, 0.5 * 2**over))


async def clear(session: AsyncSession, username: str, address: str) -> None:
    """A right password forgets the account's and the pair's failures (not the address's: it may be a sprayer's)."""
    keys = keys_for(username, address)
    await session.execute(delete(SignInFailure).where(SignInFailure.key.in_([keys.account, keys.pair])))
