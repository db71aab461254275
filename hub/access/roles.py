"""The roles a staff account can hold (DESIGN §7); each part decides what a role may do with its own objects."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MAIN_LEADER = "main_leader"  # 纪委书记、监委主任 (主要负责人)
    DEPUTY_LEADER = "deputy_leader"  # 分管副书记/副主任 (相关负责人)
    OFFICE_STAFF = "office_staff"  # 信访室, 案管室, 审理室, 督办办 staff
    GROUP_STAFF = "group_staff"  # 联查联审组 staff
    TOWNSHIP_STAFF = "township_staff"  # 苏木镇纪委 staff
    ADMIN = "admin"  # 系统管理员: accounts, rooms and devices; no case content, assigns no role that sees cases
    SECURITY_ADMIN = "security_admin"  # 安全管理员: roles, units, portfolios, passwords and keys of others
    AUDIT_ADMIN = "audit_admin"  # 安全审计员: reads the audit log, the other two's actions included; changes nothing


# The three separated administrators (三员分立, GB/T 22239-2019 level 3): none of them sees case content.
ADMINISTRATORS = frozenset({Role.ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})
# Roles whose holders see case content: granting one needs the security administrator and is shown to the main leader.
CASE_ROLES = frozenset(Role) - ADMINISTRATORS
