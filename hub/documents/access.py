"""Who may see a document: whoever may see its case (the cases part's "clue" loader, recusals included), and the unit a
document was sent to (移送), which sees that document alone. Administrators and devices see none. A refused or unknown
id answers 404 alike, so ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.access.policy import Policy
from hub.documents.models import Document, Transmission
from hub.errors import NotFound


def _staff(actor: Actor) -> bool:
    return actor.is_staff and not actor.is_admin


@dataclass
class DocumentRule:
    object_type: str = "document"

    def allows(self, actor: Actor, action: str, obj: Any) -> bool:
        return _staff(actor) and action in ("view", "edit")

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        return true() if _staff(actor) else false()


@dataclass
class TransmissionRule:
    object_type: str = "document_transmission"

    def allows(self, actor: Actor, action: str, obj: Any) -> bool:
        return _staff(actor) and action in ("view", "receive")

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not _staff(actor) or actor.org_unit_id is None:
            return false()
        return Transmission.to_unit_id == actor.org_unit_id


async def sent_to_unit(session: AsyncSession, actor: Actor, document_id: int) -> bool:
    if actor.org_unit_id is None:
        return False
    found = await session.scalar(
        select(Transmission.id)
        .where(Transmission.document_id == document_id, Transmission.to_unit_id == actor.org_unit_id)
        .limit(1)
    )
    return found is not None


async def case_of(session: AsyncSession, policy: Policy, actor: Actor, doc: Document) -> Any | None:
    """The document's case if the actor may see it; None if they see the document only as its receiving unit."""
    try:
        return await policy.load(session, actor, "clue", doc.clue_id)
    except NotFound:
        if await sent_to_unit(session, actor, doc.id):
            return None
        raise NotFound("document") from None


async def load_document(session: AsyncSession, policy: Policy, actor: Actor, document_id: int) -> Document:
    doc = await session.get(Document, document_id)
    if doc is None:
        raise NotFound("document")
    policy.require(actor, "view", doc)
    await case_of(session, policy, actor, doc)
    return doc


async def load_transmission(session: AsyncSession, policy: Policy, actor: Actor, transmission_id: int) -> Transmission:
    sent = await session.get(Transmission, transmission_id)
    if sent is None:
        raise NotFound("document_transmission")
    policy.require(actor, "view", sent)
    if sent.to_unit_id != actor.org_unit_id:
        await load_document(session, policy, actor, sent.document_id)  # the sender's side sees it through the case
    return sent
