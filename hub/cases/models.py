"""Tables of case tracking.

One ``clues`` row follows a matter for its whole life (the 动态台账): clue → case → trial → sanction → appeal.
``due_date`` is the nearest open deadline, kept in step by the service whenever a clock changes; the colour flag is
derived from it at query time and never stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.cases.workflow import ClueState, PetitionState
from hub.db import Base, UTCDateTime
from hub.enums import enum_column


class PetitionChannel(StrEnum):
    VISIT = "visit"  # 来访
    LETTER = "letter"  # 来信
    PHONE = "phone"  # 来电
    WEB = "web"  # 网络举报 / 12388
    KIOSK = "kiosk"  # 苏木镇自助接访终端


class PetitionKind(StrEnum):
    ACCUSATION = "accusation"  # 检举控告类
    APPEAL = "appeal"  # 申诉类
    SUGGESTION = "suggestion"  # 批评建议类
    OTHER = "other"  # 其他


class ClueSource(StrEnum):
    ACCEPTED_HERE = "accepted_here"  # 本级受理
    LEADER_INSTRUCTED = "leader_instructed"  # 领导批办
    UPPER_ASSIGNED = "upper_assigned"  # 上级交办
    TRANSFERRED = "transferred"  # 公检法和组织人事部门移送
    SELF_FOUND = "self_found"  # 自办
    INSPECTION_TOUR = "inspection_tour"  # 巡视巡察移交
    AUDIT = "audit"  # 审计移交
    LOWER_REPORTED = "lower_reported"  # 下级报送
    SURRENDER = "surrender"  # 主动投案


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class RankLevel(StrEnum):
    PROVINCIAL = "provincial"  # 省部级
    PREFECTURE = "prefecture"  # 厅局级
    COUNTY = "county"  # 县处级
    SECTION = "section"  # 乡科级
    GENERAL = "general"  # 一般干部
    VILLAGE = "village"  # 村党支部书记、村委会主任
    OTHER = "other"  # 农村、企业等其他人员


class AssetStatus(StrEnum):
    SEIZED = "seized"  # 扣押/查封
    FROZEN = "frozen"  # 冻结
    RETURNED = "returned"  # 退还
    HANDED_OVER = "handed_over"  # 上交/移交


class Duty(StrEnum):
    """The four roles no one person may combine on one case (规则 54, 59)."""

    SUPERVISE = "supervise"
    REVIEW = "review"
    TRIAL = "trial"
    APPEAL = "appeal"


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class ClockStatus(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    STOPPED = "stopped"


class DayKind(StrEnum):
    HOLIDAY = "holiday"  # 法定节假日 (including the weekend days inside a holiday)
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班


class HolidayDay(Base):
    """The admin-editable holiday table; seeded from ``chinesecalendar``."""

    __tablename__ = "holiday_calendar"

    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[DayKind] = mapped_column(enum_column(DayKind))
    note: Mapped[str] = mapped_column(String(200), default="")


class TimeLimit(Base):
    """An administrator's change to one default time limit (the defaults live in hub/cases/limits.py)."""

    __tablename__ = "case_time_limits"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(20))
    extension_amount: Mapped[int] = mapped_column(Integer, default=0)
    max_extensions: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Petition(Base):
    """信访件."""

    __tablename__ = "petitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    channel: Mapped[PetitionChannel] = mapped_column(enum_column(PetitionChannel))
    kind: Mapped[PetitionKind] = mapped_column(enum_column(PetitionKind))
    state: Mapped[PetitionState] = mapped_column(enum_column(PetitionState), index=True)
    # None: anonymous (no acceptance notice; 检举控告规则 29 forbids tracing)
    petitioner_name: Mapped[str | None] = mapped_column(String(80))
    petitioner_contact: Mapped[str] = mapped_column(String(120), default="")
    accused_name: Mapped[str] = mapped_column(String(80), default="")
    summary: Mapped[str] = mapped_column(Text)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    acknowledged_on: Mapped[dt.date | None] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    # 检举控告规则 15: belongs upstairs or accuses our own main leader; only the main leader sees it
    reported_up: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # the clue it became (converted) or joined (a repeat report, 重复件)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"), index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    intake_ref: Mapped[str] = mapped_column(String(60), default="")  # e.g. a kiosk receipt code
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Clue(Base):
    """问题线索, and the case it may become (立案), through trial, sanction and appeal."""

    __tablename__ = "clues"
    # the ledger: colour filters are due-date ranges and urgency is due-date order, both served by this index
    __table_args__ = (Index("ix_clues_due_date_id", "due_date", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    source: Mapped[ClueSource] = mapped_column(enum_column(ClueSource), index=True)
    state: Mapped[ClueState] = mapped_column(enum_column(ClueState), index=True)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    summary: Mapped[str] = mapped_column(Text)
    # the subject (被反映人)
    subject_name: Mapped[str] = mapped_column(String(80))
    subject_gender: Mapped[Gender | None] = mapped_column(enum_column(Gender))
    subject_birth_date: Mapped[dt.date | None] = mapped_column(Date)
    subject_party_member: Mapped[bool] = mapped_column(Boolean, default=True)
    subject_rank: Mapped[RankLevel | None] = mapped_column(enum_column(RankLevel))
    subject_post: Mapped[str] = mapped_column(String(120), default="")
    # the subject is the 主要负责人 of a lower 党委(党组): heavier approvals (规则 27, 33)
    subject_lower_leader: Mapped[bool] = mapped_column(Boolean, default=False)
    # where the matter sits: a supervised unit (the group cycle) or a township (township path)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # the assignment (§3.7)
    supervisor_group_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    reviewer_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    trial_group_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    appeal_group_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    township_trial_member_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assignment_note: Mapped[str] = mapped_column(Text, default="")
    filed_on: Mapped[dt.date | None] = mapped_column(Date)
    trial_on: Mapped[dt.date | None] = mapped_column(Date)  # the county trial office sees a case from here on
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    # the nearest open deadline and the clock it belongs to
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    due_key: Mapped[str | None] = mapped_column(String(40))
    # outcomes, kept for the statistics to come
    party_sanction: Mapped[str | None] = mapped_column(String(40))
    gov_sanction: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CaseClock(Base):
    """One running time limit of a clue or a petition (§1.7): open, paused (补充调查) or stopped."""

    __tablename__ = "case_clocks"
    __table_args__ = (
        UniqueConstraint("clue_id", "key", name="uq_case_clocks_clue_key"),
        UniqueConstraint("petition_id", "key", name="uq_case_clocks_petition_key"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"))
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    started_on: Mapped[dt.date] = mapped_column(Date)
    due_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[ClockStatus] = mapped_column(enum_column(ClockStatus))
    paused_on: Mapped[dt.date | None] = mapped_column(Date)
    extensions: Mapped[int] = mapped_column(Integer, default=0)


class CaseEvent(Base):
    """The timeline: every transition, signed with the handler's account."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(60))
    from_state: Mapped[str] = mapped_column(String(40), default="")
    to_state: Mapped[str] = mapped_column(String(40), default="")
    comment: Mapped[str] = mapped_column(Text, default="")


class CaseApproval(Base):
    """One step of an approval chain: a transition waits until every step is approved."""

    __tablename__ = "case_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[str] = mapped_column(String(32), index=True)  # the steps of one request share it
    event: Mapped[str] = mapped_column(String(60))
    step: Mapped[int] = mapped_column(Integer)
    approver: Mapped[str] = mapped_column(String(10))  # ZY, FG, DW, CWH, SJ
    status: Mapped[ApprovalStatus] = mapped_column(enum_column(ApprovalStatus))
    payload: Mapped[str] = mapped_column(Text, default="{}")
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    request_comment: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_label: Mapped[str] = mapped_column(String(200), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
    external_ref: Mapped[str] = mapped_column(String(200), default="")  # e.g. the 党委 minute number


class CaseMember(Base):
    """A person named on a case with one duty (besides the groups' implicit duties)."""

    __tablename__ = "case_members"
    __table_args__ = (UniqueConstraint("clue_id", "user_id", name="uq_case_members_clue_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    duty: Mapped[Duty] = mapped_column(enum_column(Duty))


class CaseRecusal(Base):
    """规则 65: a person (or a whole group) who must stay out of this case."""

    __tablename__ = "case_recusals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    reason: Mapped[str] = mapped_column(String(300))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CaseOrganisation(Base):
    """An organisation involved in the case."""

    __tablename__ = "case_organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(120), default="")


class CaseAsset(Base):
    """Money or property involved (涉案款物)."""

    __tablename__ = "case_assets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(80))
    amount: Mapped[Decimal] = mapped_column(Numeric(16, 2))
    status: Mapped[AssetStatus] = mapped_column(enum_column(AssetStatus))
    note: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class CaseDocument(Base):
    """A document of the case file; the bytes live in the evidence store (no FK: the store is another part)."""

    __tablename__ = "case_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    clue_id: Mapped[int] = mapped_column(ForeignKey("clues.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40), default="upload")  # upload | generated | recording
    stored_file_id: Mapped[str | None] = mapped_column(String(100))
    added_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LedgerTally(Base):
    """How many live matters fall due on each day, per scope of visibility.

    The colour counts of the ledger sum these rows over four date ranges computed from today, so they cost a few
    hundred rows instead of a scan of every live matter. Scopes: ("all", 0) every clue; ("unit", id) the clues a
    group or township handles (supervises, reviews, tries, re-examines, or its township's); ("trial", 0) the clues at
    trial or later (the county trial office); ("member", user id) the township trial member's; ("deputy", user id)
    the clues a deputy's portfolio covers, as of the snapshot in ``ledger_tally_portfolios``. Kept in step by
    ``hub/cases/tally.py`` in the same transaction as the change; a test rebuilds it and compares.
    """

    __tablename__ = "ledger_tallies"

    scope_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    due_date: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    n: Mapped[int] = mapped_column(Integer)


class TallyPortfolio(Base):
    """The deputy portfolios the "deputy" tallies were counted with; a deputy whose portfolio has changed since is
    counted from the clues until the tallies are rebuilt (``hub.cases.tally.rebuild``)."""

    __tablename__ = "ledger_tally_portfolios"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    units: Mapped[str] = mapped_column(Text)  # sorted unit ids, comma-separated


class StatTally(Base):
    """How many matters count under each fact the statistics read, per day and scope of visibility (issue 11).

    ``kind`` and ``key`` name a fact of one clue (see ``hub/cases/stat_tally.py``): "state" (key: the clue's state),
    "source" and "township" on the day it was received; "filed" on its filing day; "sanctioned" (key: any, party, gov)
    on the day it ended (the ledger's sanction columns); and from its approved trial decision, on the day of approval:
    "form", "party_sanction", "gov_sanction", "rank" (sanctioned persons), "discipline" and "eight_point" (each
    counted once per matter). Scopes as in ``LedgerTally``, limited to those the statistics serve: ("all", 0) and
    ("deputy", user id) with the portfolio snapshot of ``ledger_tally_portfolios``; each also as month rows
    ("all:m", "deputy:m": the same counts per month, dated the 1st), so that a year reads a dozen rows per fact.
    The row ("built", 0, 1970-01-01, "", "") says the tallies were counted from every clue (``stat_tally.rebuild``,
    or a database created empty); without it the statistics count the clues themselves. Kept in step in the same
    transaction as each change of a clue."""

    __tablename__ = "stat_tallies"

    scope_kind: Mapped[str] = mapped_column(String(10), primary_key=True)
    scope_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer)
