"""The small service API other parts use (kiosk and reception intake, recordings, scheduling).

Everything here takes the caller's session and never commits; the caller holds the transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.cases import holidays
from hub.cases.access import CaseContext, load_clue
from hub.cases.intake import PetitionIn, register_petition
from hub.cases.models import CaseDocument, Clue, Petition
from hub.cases.workdays import HolidayCalendar, PeriodUnit, add_months
from hub.errors import NotFound

__all__ = [
    "HolidayCalendar",
    "PeriodUnit",
    "PetitionIn",
    "add_months",
    "attach_document",
    "load_calendar",
    "petition_from_intake",
    "visible_clue",
]


async def petition_from_intake(
    session: AsyncSession, ctx: CaseContext, actor: Actor, data: PetitionIn, now: dt.datetime
) -> Petition:
    """Register a petition from the kiosk or the reception desk. ``actor`` is the kiosk device (kind "kiosk", with its
    township) or a petition-office official; the acceptance clock of a named accusation starts here."""
    return await register_petition(session, ctx, actor, data, now)


async def visible_clue(session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int) -> Clue:
    """The clue if ``actor`` may see it (404 otherwise, 403 for a recused person): check this before showing a
    recording or scheduling an interview of a case."""
    return await load_clue(session, ctx, actor, clue_id)


async def attach_document(
    session: AsyncSession,
    clue_id: int,
    *,
    title: str,
    stored_file_id: str,
    kind: str,
    by: audit.AuditActor,
    now: dt.datetime,
) -> CaseDocument:
    """File a stored file (a recording, an upload) into a case; the caller has checked its own rights already."""
    if await session.get(Clue, clue_id) is None:
        raise NotFound("clue")
    doc = CaseDocument(clue_id=clue_id, title=title[:200], kind=kind, stored_file_id=stored_file_id, added_by=by.id, added_at=now)
    session.add(doc)
    await session.flush()
    await audit.record(
        session,
        by,
        "clue.document.add",
        "clue",
        clue_id,
        {"document": doc.id, "stored_file_id": stored_file_id, "kind": kind},
        at=now,
    )
    return doc


async def load_calendar(session: AsyncSession) -> HolidayCalendar:
    """The working-day calendar from the admin-editable holiday table (weekends only beyond its years, see
    ``HolidayCalendar.uncovered``): ``is_workday``, ``next_workday``, ``add_working_days``, ``due``."""
    return await holidays.load(session)
