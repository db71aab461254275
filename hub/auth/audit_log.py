"""The audit log as the administrators and the main leader read it (三员分立, DESIGN §7).

The audit administrator reads every entry: who, what, on which object, when; the change itself only where it concerns
accounts, sessions, keys, the organisation, rooms and devices, never case content (a clue's or a booking's change shows
as "—"). The main leader, the security administrator and the audit administrator read the changes of access:
grants of a role, unit or portfolio, accounts added, passwords reset and enrolment codes issued.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.audit import AuditEntry

# the first part of an action whose change carries no case content
CONTENT_FREE = frozenset(
    {"user", "session", "security_key", "org_unit", "room", "device", "holiday", "time_limit", "demo", "access"}
)
# what the main leader is shown: every change of who may see cases
ACCESS_CHANGES = (
    "user.create",
    "user.grant",
    "user.reset_password",
    "security_key.enrolment_issued",
    "security_key.revoke",
)


@dataclass(frozen=True)
class AuditLog:
    """The one audit log (a policy object without a table row of its own)."""

    id: int = 0


class AuditLogRule:
    object_type = "audit_log"

    def allows(self, actor: Actor, action: str, obj: AuditLog) -> bool:
        if not actor.is_staff:
            return actor.is_operator
        if action == "view":
            return True  # the log exists for every staff member; reading it is "read"
        if action == "read":
            return actor.is_audit_admin
        if action == "view_access_changes":
            return actor.is_main_leader or actor.is_security_admin or actor.is_audit_admin
        return False

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        return true() if self.allows(actor, action, AuditLog()) else false()


@dataclass(frozen=True)
class Line:
    seq: int
    at: Any
    actor: str
    action: str
    object: str
    change: dict[str, Any] | None  # None: case content, not shown
    day_only: bool = False  # a kiosk's or an anonymous filer's action: the day, never the time (DESIGN §7)


def _line(entry: AuditEntry) -> Line:
    shown = entry.action.split(".", 1)[0] in CONTENT_FREE
    change = json.loads(entry.change) if shown else None
    day_only = entry.actor_label.startswith(("anonymous", "kiosk"))
    obj = f"{entry.object_type} {entry.object_id}"
    return Line(entry.seq, entry.at, entry.actor_label, entry.action, obj, change, day_only)


async def entries(session: AsyncSession, *, action_prefix: str = "", limit: int = 200) -> list[Line]:
    stmt = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if action_prefix:
        stmt = stmt.where(AuditEntry.action.startswith(action_prefix, autoescape=True))
    return [_line(e) for e in (await session.scalars(stmt)).all()]


async def access_changes(session: AsyncSession, *, limit: int = 200) -> list[Line]:
    stmt = (
        select(AuditEntry)
        .where(or_(*(AuditEntry.action == a for a in ACCESS_CHANGES)))
        .order_by(AuditEntry.seq.desc())
        .limit(limit)
    )
    return [_line(e) for e in (await session.scalars(stmt)).all()]
