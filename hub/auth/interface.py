"""What the other parts use of accounts and sign-in.

Other parts import from here, never from this part's other modules (tests/test_layers.py)."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.auth import accounts, key_metadata, security_keys
from hub.auth.live import TELL_OTHERS, check_now, note_activity, watch_request
from hub.auth.middleware import ACTOR_RESOLVERS
from hub.auth.models import PortfolioEntry, User
from hub.auth.passwords import hash_password
from hub.auth.staff import staff_actor_named

__all__ = [
    "ACTOR_RESOLVERS",
    "TELL_OTHERS",
    "PortfolioEntry",
    "User",
    "accounts",
    "check_now",
    "hash_password",
    "issue_enrolment_code",
    "key_metadata",
    "note_activity",
    "staff_actor_named",
    "watch_request",
]


async def issue_enrolment_code(
    session: AsyncSession, app: web.Application, actor: Actor, user_id: int
) -> tuple[str, dt.datetime]:
    """A one-time key enrolment code for an account (the command line's `hub user enrolment`): the code, and until when."""
    from hub.auth.signin import relying_party
    from hub.http.keys import CLOCK, POLICY

    issued = await security_keys.issue_enrolment(session, app[POLICY], actor, user_id, relying_party(app), app[CLOCK].now())
    return issued.code, issued.grant.expires_at
