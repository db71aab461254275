"""The organisation chart is open to every staff member; only administrators change it."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from hub.access.actor import Actor
from hub.org.models import OrgUnit


class OrgUnitRule:
    object_type = "org_unit"

    def allows(self, actor: Actor, action: str, obj: OrgUnit) -> bool:
        if action == "view":
            return actor.is_staff or actor.is_admin
        return actor.is_system_admin and action in ("create", "update")

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        return true() if self.allows(actor, action, OrgUnit()) else false()
