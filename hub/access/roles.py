"""The roles a staff account can hold (DESIGN §7); each part decides what a role may do with its own objects."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    MAIN_LEADER = "main_leader"  # 纪委书记、监委主任 (主要负责人)
    DEPUTY_LEADER = "deputy_leader"  # 分管副书记/副主任 (相关负责人)
    OFFICE_STAFF = "office_staff"  # 信访室, 案管室, 审理室, 督办办 staff
    GROUP_STAFF = "group_staff"  # 联查联审组 staff
    TOWNSHIP_STAFF = "township_staff"  # 苏木镇纪委 staff
    ADMIN = "admin"  # 系统管理员: accounts and rooms, no case content
