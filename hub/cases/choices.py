"""The open cases a person may name when arranging an interview or planning a call: the pickers of the schedule and
rooms parts read them (through ``hub.cases.interface`` and the rooms part's ``CASE_CHOICES``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.cases.models import Clue

CHOICES = 300  # most recent first; an older case is reached from its own page


async def case_choices(session: AsyncSession, policy: Policy, actor: Actor) -> list[tuple[int, str]]:
    """(id, "number subject") of the open clues and cases this person may see (recusals included)."""
    stmt = (
        select(Clue.id, Clue.number, Clue.subject_name)
        .where(policy.where(actor, "view", Clue), Clue.closed_on.is_(None))
        .order_by(Clue.id.desc())
        .limit(CHOICES)
    )
    return [(cid, f"{number} {subject}") for cid, number, subject in (await session.execute(stmt)).all()]
