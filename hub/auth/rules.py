"""Who may see and manage staff accounts: the three separated administrators (三员分立, DESIGN §7).

- the system administrator (系统管理员) renames, disables and enables accounts and resets passwords; he adds
  accounts only in his own role: he assigns no role that sees cases (nor the other administrators' roles);
- the security administrator (安全管理员) grants roles, units and portfolios ("grant", so he adds the accounts that
  hold them) and manages keys (revokes, issues one-time enrolment codes); a grant of case access, a password reset and
  an enrolment code are shown to the main leader (``/staff/changes``). A password (system administrator) and a key
  (security administrator) come from different people, so neither takes over an account alone;
- the audit administrator (安全审计员) sees every account and the audit log, and changes nothing.

Nobody changes their own role, unit, portfolio, password (here) or keys, nor disables themselves. The command-line
operator (root of the server, audited as ``cli:<user>``) may do what each administrator does: someone has to make the
first security administrator.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, true

from hub.access.actor import Actor
from hub.auth.models import User

MANAGE = frozenset({"create", "update", "disable", "reset_password", "manage_keys", "grant"})
SYSTEM_ADMIN_ACTIONS = frozenset({"create", "update", "disable", "reset_password"})
SECURITY_ADMIN_ACTIONS = frozenset({"create", "grant", "manage_keys"})
# actions nobody takes on their own account (renaming oneself is harmless)
NOT_ON_ONESELF = frozenset({"disable", "grant", "reset_password", "manage_keys"})


class UserRule:
    object_type = "user"

    def allows(self, actor: Actor, action: str, obj: User) -> bool:
        if action in MANAGE:
            if actor.is_operator:
                return True
            if not actor.is_staff or (action in NOT_ON_ONESELF and obj.id == actor.user_id):
                return False
            if actor.is_system_admin:
                return action in SYSTEM_ADMIN_ACTIONS
            if actor.is_security_admin:
                return action in SECURITY_ADMIN_ACTIONS
            return False
        if not actor.is_staff:
            return actor.is_operator
        if action == "view_keys":
            return actor.is_security_admin or actor.is_audit_admin or actor.user_id == obj.id
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
        if action in MANAGE:
            if actor.is_operator:
                return true()
            mine = SYSTEM_ADMIN_ACTIONS if actor.is_system_admin else SECURITY_ADMIN_ACTIONS if actor.is_security_admin else ()
            if action not in mine:
                return false()
            return User.id != actor.user_id if action in NOT_ON_ONESELF else true()
        if action == "view_keys":
            if actor.is_security_admin or actor.is_audit_admin:
                return true()
            return User.id == actor.user_id if actor.is_staff else false()
        return false()


@dataclass(frozen=True)
class KeyMetadataStatus:
    """The imported FIDO metadata of key models (a policy object without a table row of its own)."""

    id: int = 0


class KeyMetadataRule:
    """The security administrator, who manages keys, sees what the imported metadata says; nobody else needs it."""

    object_type = "key_metadata"

    def allows(self, actor: Actor, action: str, obj: KeyMetadataStatus) -> bool:
        if not actor.is_staff:
            return actor.is_operator
        if action == "view":
            return True  # that the page exists is no secret; reading it is "read"
        return action == "read" and actor.is_security_admin

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        return true() if self.allows(actor, action, KeyMetadataStatus()) else false()
