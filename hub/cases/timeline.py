"""Every step of a petition or clue is recorded twice, in one call: on the matter's own timeline (what the case file
shows) and in the audit chain (what `hub audit verify` guards) — 规则 23: 经手人员签名、全程登记备查."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.cases.models import CaseEvent


async def log_step(
    session: AsyncSession,
    actor: Actor,
    now: dt.datetime,
    *,
    action: str,
    change: dict[str, Any],
    event: str,
    clue_id: int | None = None,
    petition_id: int | None = None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
) -> None:
    """Add the timeline row and the audit entry (signed with the handler's account) for one step."""
    if (clue_id is None) == (petition_id is None):
        raise ValueError("a step belongs to exactly one clue or one petition")
    session.add(
        CaseEvent(
            clue_id=clue_id,
            petition_id=petition_id,
            at=now,
            actor_id=actor.user_id,
            actor_label=actor.audit.label,
            event=event,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
        )
    )
    await session.flush()
    object_type, object_id = ("clue", clue_id) if clue_id is not None else ("petition", petition_id)
    await audit.record(session, actor.audit, action, object_type, object_id, change, at=now)
