"""Tables of reception scheduling (选择性上访) and interview coordination (协调调度).

A *rotation* (轮流接访日程安排表) covers a period. Its *roster* names the reception officials; each *duty* is one
official on one day; each duty has *slots* with a capacity. A petitioner's *booking* takes one place in a slot;
``ReceptionSlot.booked`` counts the places taken, and a booking takes its place with one conditional UPDATE, so two
kiosks racing for the last place cannot both win. After publication (公示) every hand edit is kept as a *change*.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.enums import enum_column
from hub.i18n import N_


class RotationStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"  # 公示


class MemberKind(StrEnum):
    LEADER = "leader"  # 领导干部
    STAFF = "staff"  # 工作人员


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    IN_CALL = "in_call"
    RECEIVED = "received"  # the official recorded the intake
    NO_SHOW = "no_show"


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    DONE = "done"
    LEFT = "left"


class InterviewStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class ParticipantRole(StrEnum):
    INTERVIEWER = "interviewer"  # the county interviewer
    ACCOMPANYING = "accompanying"  # township staff who accompany the person


class Rotation(Base):
    __tablename__ = "reception_rotations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[RotationStatus] = mapped_column(enum_column(RotationStatus), index=True)
    # the day template: "09:00-10:00,10:00-11:00,..." local time, and the places per slot
    slot_times: Mapped[str] = mapped_column(String(400))
    capacity: Mapped[int] = mapped_column(Integer)
    leaders_per_day: Mapped[int] = mapped_column(Integer, default=1)
    staff_per_day: Mapped[int] = mapped_column(Integer, default=1)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class RosterMember(Base):
    """One reception official on a rotation's roster; ``position`` is their place in the round."""

    __tablename__ = "reception_roster"

    rotation_id: Mapped[int] = mapped_column(ForeignKey("reception_rotations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    kind: Mapped[MemberKind] = mapped_column(enum_column(MemberKind))
    position: Mapped[int] = mapped_column(Integer)


class Leave(Base):
    """An official away (leave, training, travel): no duty is generated for these days."""

    __tablename__ = "official_leave"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Duty(Base):
    """One official receiving on one day."""

    __tablename__ = "reception_duties"
    __table_args__ = (UniqueConstraint("rotation_id", "day", "user_id", name="uq_reception_duties_day_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rotation_id: Mapped[int] = mapped_column(ForeignKey("reception_rotations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    note: Mapped[str] = mapped_column(String(200), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class ReceptionSlot(Base):
    __tablename__ = "reception_slots"
    __table_args__ = (UniqueConstraint("duty_id", "starts_at", name="uq_reception_slots_duty_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("reception_duties.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)  # places taken; changed only by conditional UPDATEs


class RotationChange(Base):
    """A hand edit after publication, shown as a change on every published view."""

    __tablename__ = "reception_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rotation_id: Mapped[int] = mapped_column(ForeignKey("reception_rotations.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    day: Mapped[dt.date] = mapped_column(Date)
    summary_zh: Mapped[str] = mapped_column(String(400))  # the notice as posted (公示 is in Chinese)
    summary_en: Mapped[str] = mapped_column(String(400))
    by_user: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Notification(Base):
    """A message to one official (a change to their duties, a new booking)."""

    __tablename__ = "schedule_notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    text_zh: Mapped[str] = mapped_column(String(400))
    text_en: Mapped[str] = mapped_column(String(400))
    read_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Booking(Base):
    """A petitioner's appointment, made at a kiosk without an account; the receipt code and phone identify it."""

    __tablename__ = "reception_bookings"
    __table_args__ = (Index("ix_reception_bookings_phone_created", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("reception_slots.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(20))
    status: Mapped[BookingStatus] = mapped_column(enum_column(BookingStatus), index=True)
    # the kiosk it was made at (limits per kiosk) and the kiosk's room (where the call is brought at the time)
    kiosk_device_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kiosk_room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))
    # the video call: a room session of the rooms part, and its recording (plain ids: those parts own the tables)
    room_session_ref: Mapped[str] = mapped_column(String(100), default="")
    join_url: Mapped[str] = mapped_column(String(300), default="")  # where the kiosk goes when the call opens
    host_url: Mapped[str] = mapped_column(String(300), default="")  # where the official goes
    recording_ref: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class QueueTicket(Base):
    """ "Talk now": a petitioner waiting for the official on duty. The ticket token is the kiosk's only handle."""

    __tablename__ = "reception_queue"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    official_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    kiosk_device_id: Mapped[int | None] = mapped_column(Integer)
    kiosk_room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"))
    status: Mapped[TicketStatus] = mapped_column(enum_column(TicketStatus), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    room_session_ref: Mapped[str] = mapped_column(String(100), default="")
    join_url: Mapped[str] = mapped_column(String(300), default="")
    host_url: Mapped[str] = mapped_column(String(300), default="")
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"))


class KioskFiling(Base):
    """A written petition filed at a kiosk. Anonymous filings keep no device, address or phone (检举控告规则 29)."""

    __tablename__ = "kiosk_filings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    # SHA-256 of code + the phone number (named) or of code + a PIN shown once on the receipt (anonymous)
    secret_hash: Mapped[str] = mapped_column(String(64))
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"), index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)  # the day only: no time that could be matched to a camera or log


class FilingPhoto(Base):
    __tablename__ = "kiosk_filing_photos"

    filing_id: Mapped[int] = mapped_column(ForeignKey("kiosk_filings.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("stored_files.id"))


class Interview(Base):
    """A remote interview (远程谈话) arranged by coordination staff: a county room linked to a township room."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    county_room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    township_room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    interviewee_name: Mapped[str] = mapped_column(String(80))
    # how the person is told apart from namesakes (unit and post); conflicts are checked on name + this
    interviewee_ref: Mapped[str] = mapped_column(String(160), default="")
    clue_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"))
    status: Mapped[InterviewStatus] = mapped_column(enum_column(InterviewStatus), index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    room_session_ref: Mapped[str] = mapped_column(String(100), default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class InterviewParticipant(Base):
    __tablename__ = "interview_participants"

    interview_id: Mapped[int] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))


SCHEDULE_LABELS: dict[Enum, str] = {
    RotationStatus.DRAFT: N_("Draft"),
    RotationStatus.PUBLISHED: N_("Published"),
    MemberKind.LEADER: N_("Leader"),
    MemberKind.STAFF: N_("Staff"),
    BookingStatus.BOOKED: N_("Booked"),
    BookingStatus.CANCELLED: N_("Cancelled"),
    BookingStatus.IN_CALL: N_("In the call"),
    BookingStatus.RECEIVED: N_("Received"),
    BookingStatus.NO_SHOW: N_("Did not come"),
    TicketStatus.WAITING: N_("Waiting"),
    TicketStatus.CALLED: N_("Called in"),
    TicketStatus.DONE: N_("Done"),
    TicketStatus.LEFT: N_("Left the queue"),
    InterviewStatus.SCHEDULED: N_("Scheduled"),
    InterviewStatus.CANCELLED: N_("Cancelled"),
    ParticipantRole.INTERVIEWER: N_("Interviewer"),
    ParticipantRole.ACCOMPANYING: N_("Accompanying staff"),
}
