"""Server-side sessions: created at sign-in (a fresh id every time), idle and absolute timeouts, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.auth.models import SessionStage, User, WebSession
from hub.auth.staff import staff_actor

COOKIE = "hub_session"
TOUCH_EVERY = dt.timedelta(seconds=60)  # write last_seen at most once a minute per session
PENDING_LIFETIME = dt.timedelta(minutes=10)  # a session waiting for its key (or enrolment) ends soon


@dataclass(frozen=True)
class Timeouts:
    idle: dt.timedelta
    absolute: dt.timedelta


def token_id(token: str) -> str:
    """The table keeps only the token's hash: a copied table opens no session."""
    return hashlib.sha256(token.encode()).hexdigest()


async def start(
    session: AsyncSession,
    user: User,
    now: dt.datetime,
    timeouts: Timeouts,
    *,
    stage: SessionStage,
    user_agent: str = "",
    security_key_id: int | None = None,
) -> str:
    token = secrets.token_urlsafe(32)
    lifetime = timeouts.absolute if stage is SessionStage.COMPLETE else min(timeouts.absolute, PENDING_LIFETIME)
    session.add(
        WebSession(
            id=token_id(token),
            user_id=user.id,
            stage=stage,
            created_at=now,
            last_seen_at=now,
            expires_at=now + lifetime,
            user_agent=user_agent[:300],
            security_key_id=security_key_id,
        )
    )
    await session.flush()
    return token


async def end(session: AsyncSession, token: str, now: dt.datetime) -> None:
    await session.execute(
        update(WebSession).where(WebSession.id == token_id(token), WebSession.revoked_at.is_(None)).values(revoked_at=now)
    )


async def end_by_id(session: AsyncSession, session_id: str, now: dt.datetime) -> None:
    await session.execute(
        update(WebSession).where(WebSession.id == session_id, WebSession.revoked_at.is_(None)).values(revoked_at=now)
    )


async def end_all_for_user(session: AsyncSession, user_id: int, now: dt.datetime) -> int:
    result = await session.execute(
        update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None)).values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def live_of_user(session: AsyncSession, user_id: int, now: dt.datetime, timeouts: Timeouts) -> list[WebSession]:
    """A person's own live sessions (every browser signed in as them), newest first."""
    rows = await session.scalars(
        select(WebSession)
        .where(
            WebSession.user_id == user_id,
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > now,
            WebSession.last_seen_at > now - timeouts.idle,
        )
        .order_by(WebSession.created_at.desc())
    )
    return list(rows.all())


async def end_own(session: AsyncSession, user_id: int, session_id: str, now: dt.datetime) -> int:
    """End one of a person's own sessions; 0 when it is not theirs or already ended (nobody ends another's here)."""
    result = await session.execute(
        update(WebSession)
        .where(WebSession.id == session_id, WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Loaded:
    actor: Actor
    stage: SessionStage
    needs_touch: bool
    security_key_id: int | None = None


async def load(session: AsyncSession, token: str, now: dt.datetime, timeouts: Timeouts) -> Loaded | None:
    """The live session behind a cookie, or None if it is unknown, revoked, expired or idle too long."""
    if not token or len(token) > 100:
        return None
    row = (
        await session.execute(
            select(WebSession, User).join(User, User.id == WebSession.user_id).where(WebSession.id == token_id(token))
        )
    ).first()
    if row is None:
        return None
    web_session, user = row
    if (
        web_session.revoked_at is not None
        or user.disabled
        or now >= web_session.expires_at
        or now - web_session.last_seen_at >= timeouts.idle
    ):
        return None
    actor = await staff_actor(session, user, session_id=web_session.id)
    return Loaded(actor, web_session.stage, now - web_session.last_seen_at >= TOUCH_EVERY, web_session.security_key_id)


async def touch(session: AsyncSession, token: str, now: dt.datetime) -> None:
    await session.execute(update(WebSession).where(WebSession.id == token_id(token)).values(last_seen_at=now))


async def alive(session: AsyncSession, session_ids: list[str], now: dt.datetime, timeouts: Timeouts) -> set[str]:
    """Of these session ids (token hashes), the ones still live: one query for every socket of a process."""
    if not session_ids:
        return set()
    rows = await session.execute(
        select(WebSession.id)
        .join(User, User.id == WebSession.user_id)
        .where(
            WebSession.id.in_(session_ids),
            WebSession.revoked_at.is_(None),
            WebSession.stage == SessionStage.COMPLETE,
            WebSession.expires_at > now,
            WebSession.last_seen_at > now - timeouts.idle,
            User.disabled.is_(False),
        )
    )
    return set(rows.scalars().all())


async def touch_id(session: AsyncSession, session_id: str, now: dt.datetime) -> None:
    """Activity on a live WebSocket counts as activity of its session (a long interview is not idle)."""
    await session.execute(
        update(WebSession)
        .where(WebSession.id == session_id, WebSession.revoked_at.is_(None), WebSession.last_seen_at <= now - TOUCH_EVERY)
        .values(last_seen_at=now)
    )
