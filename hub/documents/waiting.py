"""What waits for one person in the documents part: documents whose current approval step is theirs to sign, and
documents sent to their unit whose receipt nobody has signed yet. The home page's to-do list reads this (``waiting``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.cases.interface import CaseContext
from hub.documents import service
from hub.documents.models import Document, DocumentStatus, Transmission


@dataclass(frozen=True)
class Waiting:
    to_sign: list[Document]
    to_receive: list[tuple[Transmission, Document]]

    @property
    def count(self) -> int:
        return len(self.to_sign) + len(self.to_receive)


async def waiting(session: AsyncSession, policy: Policy, ctx: CaseContext, actor: Actor, *, limit: int = 200) -> Waiting:
    if not actor.is_staff or actor.is_admin:
        return Waiting([], [])
    clue: Any = policy.model_named("clue")
    pending = (
        await session.execute(
            select(Document, clue)
            .join(clue, clue.id == Document.clue_id)
            .where(Document.status == DocumentStatus.PENDING, policy.where(actor, "view", clue))
            .order_by(Document.updated_at)
            .limit(limit)
        )
    ).all()
    to_sign = [d for d, c in pending if service.may_sign(ctx, actor, d, c)]
    to_receive: list[tuple[Transmission, Document]] = []
    if actor.org_unit_id is not None:
        rows = await session.execute(
            select(Transmission, Document)
            .join(Document, Document.id == Transmission.document_id)
            .where(Transmission.to_unit_id == actor.org_unit_id, Transmission.received_at.is_(None))
            .order_by(Transmission.sent_at)
            .limit(limit)
        )
        to_receive = [(t, d) for t, d in rows.all()]
    return Waiting(to_sign, to_receive)
