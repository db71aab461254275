"""Who may see and manage staff accounts."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, true

from hub.access.actor import Actor
from hub.auth.models import User

MANAGE = frozenset({"create", "update", "disable", "reset_password", "manage_keys"})


class UserRule:
    object_type = "user"

    def allows(self, actor: Actor, action: str, obj: User) -> bool:
        if action in MANAGE:
            # an administrator cannot lock themselves out, nor grant themselves a key enrolment
            return actor.is_admin and not (action in ("disable", "manage_keys") and obj.id == actor.user_id)
        if not actor.is_staff:
            return actor.is_admin  # the command-line operator
        if action == "view_keys":
            return actor.is_admin or actor.user_id == obj.id
        if action == "view":
            if actor.is_admin or actor.is_main_leader or actor.user_id == obj.id:
                return True
            if actor.is_deputy:
                return obj.org_unit_id in actor.portfolio
            return actor.org_unit_id is not None and obj.org_unit_id == actor.org_unit_id
        return False

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if action == "view":
            if actor.is_admin or actor.is_main_leader:
                return true()
            if not actor.is_staff:
                return false()
            if actor.is_deputy:
                return or_(User.id == actor.user_id, User.org_unit_id.in_(sorted(actor.portfolio)))
            if actor.org_unit_id is None:
                return User.id == actor.user_id
            return or_(User.id == actor.user_id, User.org_unit_id == actor.org_unit_id)
        if action in MANAGE and actor.is_admin:
            return true()
        if action == "view_keys":
            return true() if actor.is_admin else User.id == actor.user_id if actor.is_staff else false()
        return false()
