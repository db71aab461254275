"""Who is acting: a signed-in staff member, an enrolled kiosk device, or an anonymous visitor."""

from __future__ import annotations

from dataclasses import dataclass, field

from hub.access.roles import ADMINISTRATORS, Role
from hub.audit import AuditActor


@dataclass(frozen=True)
class Actor:
    kind: str  # "staff", "kiosk", "anonymous", or "system" (an operator at the command line)
    user_id: int | None = None
    username: str = ""
    display_name: str = ""
    role: Role | None = None
    org_unit_id: int | None = None
    # a deputy leader's portfolio: the org units (offices, joint groups, townships) they oversee
    portfolio: frozenset[int] = field(default_factory=frozenset)
    device_id: int | None = None
    township_id: int | None = None  # kiosks: the township the device is bound to
    session_id: str | None = None

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff" and self.user_id is not None

    @property
    def is_admin(self) -> bool:
        """Any of the three separated administrators (or the command-line operator): sees no case content."""
        return (self.is_staff or self.kind == "system") and self.role in ADMINISTRATORS

    @property
    def is_system_admin(self) -> bool:
        """系统管理员: accounts, rooms, devices, the holiday table."""
        return (self.is_staff or self.kind == "system") and self.role is Role.ADMIN

    @property
    def is_security_admin(self) -> bool:
        """安全管理员: roles, units, portfolios, passwords and keys of other accounts."""
        return self.is_staff and self.role is Role.SECURITY_ADMIN

    @property
    def is_audit_admin(self) -> bool:
        """安全审计员: reads the audit log; changes nothing."""
        return self.is_staff and self.role is Role.AUDIT_ADMIN

    @property
    def is_operator(self) -> bool:
        """Whoever runs `hub user ...` on the server: root of the machine, may do what each administrator does."""
        return self.kind == "system"

    @property
    def is_main_leader(self) -> bool:
        return self.is_staff and self.role is Role.MAIN_LEADER

    @property
    def is_deputy(self) -> bool:
        return self.is_staff and self.role is Role.DEPUTY_LEADER

    @property
    def audit(self) -> AuditActor:
        if self.is_staff:
            return AuditActor(self.user_id, f"user:{self.username}")
        if self.kind == "kiosk":
            return AuditActor(None, f"kiosk:{self.device_id}")
        if self.kind == "system":
            return AuditActor(None, f"cli:{self.username}")
        return AuditActor(None, "anonymous")


ANONYMOUS = Actor(kind="anonymous")


def command_line_operator(os_user: str) -> Actor:
    """Whoever runs `hub user ...` on the server: an administrator of accounts, never of case content."""
    return Actor(kind="system", username=os_user, display_name=os_user, role=Role.ADMIN)
