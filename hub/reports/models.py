"""Tables of the weekly rhythm: the Friday progress reports with one entry per open matter, and the Monday reports."""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.enums import enum_column
from hub.i18n import N_


class ReportStatus(StrEnum):
    DRAFT = "draft"  # 填报中
    SUBMITTED = "submitted"  # 已提交
    RETURNED = "returned"  # 退回修改


class MondayStatus(StrEnum):
    DRAFT = "draft"  # 编辑中
    APPROVED = "approved"  # 已审定 (published to the leaders)


class WeeklyReport(Base):
    """周五进展报告: one per reporting unit (office, joint group, township commission) and ISO week."""

    __tablename__ = "weekly_reports"
    __table_args__ = (UniqueConstraint("unit_id", "week", name="uq_weekly_reports_unit_week"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    week: Mapped[str] = mapped_column(String(8), index=True)  # 2026-W49
    status: Mapped[ReportStatus] = mapped_column(enum_column(ReportStatus))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    returned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    returned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class WeeklyEntry(Base):
    """One open matter in a Friday report: what the week's events say, and the unit's 进展、下步措施、是否需协调."""

    __tablename__ = "weekly_report_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("weekly_reports.id", ondelete="CASCADE"), index=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    # the matter as it stood when the report was filled (the report is a record of that week)
    number: Mapped[str] = mapped_column(String(40))
    subject_name: Mapped[str] = mapped_column(String(80))
    state: Mapped[str] = mapped_column(String(40))
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    colour: Mapped[str | None] = mapped_column(String(10))
    week_events: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    needs_coordination: Mapped[bool] = mapped_column(Boolean, default=False)
    reason: Mapped[str] = mapped_column(Text, default="")  # 讲清原因: required for a red matter


class MondayReport(Base):
    """周一汇报 for the standing committee's Monday meeting: compiled by the tracking office, approved, then read by
    the leaders. ``body`` keeps the figures and lists as compiled (JSON), so an archived week never changes."""

    __tablename__ = "monday_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    week: Mapped[str] = mapped_column(String(8), unique=True)
    status: Mapped[MondayStatus] = mapped_column(enum_column(MondayStatus))
    as_of: Mapped[dt.date] = mapped_column(Date)
    compiled_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    compiled_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text, default="")  # 汇报要点, written by the tracking office
    body: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class SuperviseNotice(Base):
    """督办通知: a matter turned red (past its deadline); the deputy leader over it is told, the main leader in copy
    (workflow §3.8), and the deputy answers. One per matter and red spell: a spell is the deadline that was missed
    (``due_date`` and ``due_key``), so a matter that gets a new deadline and misses it again gets a new notice."""

    __tablename__ = "supervise_notices"
    __table_args__ = (UniqueConstraint("clue_id", "due_date", "due_key", name="uq_supervise_notices_spell"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    due_date: Mapped[dt.date] = mapped_column(Date)
    due_key: Mapped[str] = mapped_column(String(40), default="")
    deputy_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # None: no deputy over it
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


REPORT_LABELS: dict[Enum, str] = {
    ReportStatus.DRAFT: N_("Being filled in"),
    ReportStatus.SUBMITTED: N_("Submitted"),
    ReportStatus.RETURNED: N_("Returned for correction"),
    MondayStatus.DRAFT: N_("Being edited"),
    MondayStatus.APPROVED: N_("Approved and published"),
}
