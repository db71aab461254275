"""WebAuthn challenges: one open challenge per session and ceremony, taken (deleted) exactly once."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.models import ChallengePurpose, WebAuthnChallenge

LIFETIME = dt.timedelta(minutes=5)


async def issue(session: AsyncSession, web_session_id: str, purpose: ChallengePurpose, now: dt.datetime) -> bytes:
    """A fresh random challenge that replaces any open one of the same session and purpose."""
    challenge = secrets.token_bytes(32)
    await session.execute(
        delete(WebAuthnChallenge).where(WebAuthnChallenge.web_session_id == web_session_id, WebAuthnChallenge.purpose == purpose)
    )
    session.add(WebAuthnChallenge(web_session_id=web_session_id, purpose=purpose, challenge=challenge, expires_at=now + LIFETIME))
    await session.flush()
    return challenge


async def take(session: AsyncSession, web_session_id: str, purpose: ChallengePurpose, now: dt.datetime) -> bytes | None:
    """The open challenge, removed so that it can never be answered twice; None if there is none or it expired.

    The DELETE's row count decides: of two concurrent answers to one challenge only one deletes the row.
    """
    row = await session.scalar(
        select(WebAuthnChallenge).where(WebAuthnChallenge.web_session_id == web_session_id, WebAuthnChallenge.purpose == purpose)
    )
    if row is None:
        return None
    challenge, expires_at = row.challenge, row.expires_at
    result = await session.execute(
        delete(WebAuthnChallenge)
        .where(
            WebAuthnChallenge.web_session_id == web_session_id,
            WebAuthnChallenge.purpose == purpose,
            WebAuthnChallenge.challenge == challenge,
        )
        .execution_options(synchronize_session=False)
    )
    session.expunge(row)
    if int(result.rowcount or 0) != 1 or now >= expires_at:  # type: ignore[attr-defined]
        return None
    return challenge
