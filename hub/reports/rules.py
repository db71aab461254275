"""Who sees and does what with the weekly reports.

A Friday report is filled and submitted by the staff of its unit; the tracking office sees every report and returns
one for correction; the main leader sees all, a deputy the reports of the units in their portfolio. A Monday report is
compiled, edited and approved by the tracking office; once approved the main leader and the deputies read it (each
deputy's lists hold only the matters the ledger shows them: see ``monday.for_reader``). The statistics count only
the cases the ledger rule lets the reader see (``hub.cases`` registers that rule).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, true

from hub.access.actor import Actor
from hub.access.roles import Role
from hub.cases.interface import OfficeDirectory
from hub.org.interface import OfficeCode
from hub.reports.models import MondayReport, MondayStatus, SuperviseNotice, WeeklyReport

READERS = frozenset({Role.MAIN_LEADER, Role.DEPUTY_LEADER, Role.OFFICE_STAFF, Role.GROUP_STAFF, Role.TOWNSHIP_STAFF})


def is_tracking(offices: OfficeDirectory, actor: Actor) -> bool:
    return offices.office_of(actor) is OfficeCode.TRACKING


def sees_statistics(offices: OfficeDirectory, actor: Actor) -> bool:
    """Leaders and the case management and tracking offices (issue 11); each counts only what the ledger shows them."""
    return actor.is_staff and (
        actor.is_main_leader or actor.is_deputy or offices.office_of(actor) in (OfficeCode.CASE_MANAGEMENT, OfficeCode.TRACKING)
    )


@dataclass
class WeeklyReportRule:
    offices: OfficeDirectory
    object_type: str = "weekly_report"

    def allows(self, actor: Actor, action: str, obj: WeeklyReport) -> bool:
        if not actor.is_staff or actor.is_admin:
            return False
        own = actor.org_unit_id is not None and actor.org_unit_id == obj.unit_id
        if action == "edit":
            return own
        if action == "return":
            return is_tracking(self.offices, actor)
        if action != "view":
            return False
        return (
            own
            or actor.is_main_leader
            or is_tracking(self.offices, actor)
            or (actor.is_deputy and obj.unit_id in actor.portfolio)
        )

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not actor.is_staff or actor.is_admin:
            return false()
        own = WeeklyReport.unit_id == actor.org_unit_id if actor.org_unit_id is not None else false()
        if action == "edit":
            return own
        if action == "return":
            return true() if is_tracking(self.offices, actor) else false()
        if action != "view":
            return false()
        if actor.is_main_leader or is_tracking(self.offices, actor):
            return true()
        if actor.is_deputy:
            return or_(own, WeeklyReport.unit_id.in_(sorted(actor.portfolio)))
        return own


@dataclass
class MondayReportRule:
    offices: OfficeDirectory
    object_type: str = "monday_report"

    def allows(self, actor: Actor, action: str, obj: MondayReport) -> bool:
        if not actor.is_staff or actor.is_admin:
            return False
        tracking = is_tracking(self.offices, actor)
        if action == "edit":
            return tracking and obj.status is MondayStatus.DRAFT
        if action == "approve":
            return tracking and obj.status is MondayStatus.DRAFT
        if action != "view":
            return False
        return tracking or ((actor.is_main_leader or actor.is_deputy) and obj.status is MondayStatus.APPROVED)

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not actor.is_staff or actor.is_admin:
            return false()
        tracking = is_tracking(self.offices, actor)
        if action in ("edit", "approve"):
            return MondayReport.status == MondayStatus.DRAFT if tracking else false()
        if action != "view":
            return false()
        if tracking:
            return true()
        if actor.is_main_leader or actor.is_deputy:
            return MondayReport.status == MondayStatus.APPROVED
        return false()


@dataclass
class SuperviseNoticeRule:
    """A 督办 notice: the deputy it is addressed to sees and answers it; the main leader (in copy) and the tracking
    office (which chases the red matters) see every notice."""

    offices: OfficeDirectory
    object_type: str = "supervise_notice"

    def allows(self, actor: Actor, action: str, obj: SuperviseNotice) -> bool:
        if not actor.is_staff or actor.is_admin or actor.user_id is None:
            return False
        addressed = actor.is_deputy and obj.deputy_id == actor.user_id
        if action == "answer":
            return addressed
        if action != "view":
            return False
        return addressed or actor.is_main_leader or is_tracking(self.offices, actor)

    def where(self, actor: Actor, action: str) -> ColumnElement[bool]:
        if not actor.is_staff or actor.is_admin or actor.user_id is None:
            return false()
        addressed = SuperviseNotice.deputy_id == actor.user_id if actor.is_deputy else false()
        if action == "answer":
            return addressed
        if action != "view":
            return false()
        if actor.is_main_leader or is_tracking(self.offices, actor):
            return true()
        return addressed
