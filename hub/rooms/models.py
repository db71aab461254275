"""Physical rooms of the county and the townships, their devices, and the sessions (calls) that link them."""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, UTCDateTime
from hub.enums import enum_column
from hub.i18n import N_
from hub.rooms.participants import ParticipantRole


class RoomKind(StrEnum):
    TOWNSHIP_KIOSK = "township_kiosk"  # 苏木镇自助接访终端
    TOWNSHIP_INTERVIEW = "township_interview"  # 苏木镇谈话室
    COUNTY_RECEPTION = "county_reception"  # 旗纪委接访室
    COUNTY_INTERVIEW = "county_interview"  # 旗纪委谈话室
    COUNTY_HALL = "county_hall"  # 旗纪委会议室


TOWNSHIP_KINDS = frozenset({RoomKind.TOWNSHIP_KIOSK, RoomKind.TOWNSHIP_INTERVIEW})


class Room(Base):
    __tablename__ = "rooms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[RoomKind] = mapped_column(enum_column(RoomKind), index=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_zh: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str] = mapped_column(String(160), default="")
    # the township the room stands in; None for county rooms
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    def name(self, locale: str) -> str:
        return self.name_en if locale.startswith("en") and self.name_en else self.name_zh


ROOM_LABELS: dict[Enum, str] = {
    RoomKind.TOWNSHIP_KIOSK: N_("Township kiosk"),
    RoomKind.TOWNSHIP_INTERVIEW: N_("Township interview room"),
    RoomKind.COUNTY_RECEPTION: N_("County reception room"),
    RoomKind.COUNTY_INTERVIEW: N_("County interview room"),
    RoomKind.COUNTY_HALL: N_("County hall"),
}


# ---- devices ---------------------------------------------------------------------------------


class Device(Base):
    """A terminal in a room (a township kiosk, a room's fixed PC) that opens without a person signing in.

    The admin creates a one-time enrolment code; the device types it once and receives a long-lived
    random credential in an HttpOnly cookie. Only SHA-256 hashes of the code and the credential are
    stored, so a copy of the database lets nobody act as the device.
    """

    __tablename__ = "room_devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    label: Mapped[str] = mapped_column(String(120), default="")
    enrolment_code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolment_expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    credential_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    enrolled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class DeviceStatus(StrEnum):
    AWAITING = "awaiting"  # code issued, not typed yet
    EXPIRED = "expired"  # code never used in time
    ENROLLED = "enrolled"
    REVOKED = "revoked"


# ---- room sessions ---------------------------------------------------------------------------


class SessionKind(StrEnum):
    RECEPTION = "reception"  # 视频接访: a petitioner at a kiosk and a county reception official
    INTERVIEW = "interview"  # 远程谈话
    CONFERENCE = "conference"  # 网络电视电话会议


class SessionStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    ENDED = "ended"


class RoomSession(Base):
    """One call that links two or more rooms, with invited participants."""

    __tablename__ = "room_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[SessionKind] = mapped_column(enum_column(SessionKind), index=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[SessionStatus] = mapped_column(enum_column(SessionStatus), index=True, default=SessionStatus.PLANNED)
    host_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    planned_start: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    planned_end: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # the case (the cases part's clue) the call serves: its recording lands in that case file. A plain integer: the
    # cases part sits above rooms, which checks the id through the policy's "clue" loader when the session is planned
    case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)

    # loaded with the session: the access rules read them
    links: Mapped[list[SessionRoom]] = relationship(lazy="selectin", cascade="all, delete-orphan", order_by="SessionRoom.room_id")
    invitations: Mapped[list[Invitation]] = relationship(lazy="selectin", cascade="all, delete-orphan", order_by="Invitation.id")

    __mapper_args__ = {"version_id_col": version}

    @property
    def room_ids(self) -> list[int]:
        return [link.room_id for link in self.links]

    @property
    def signaling_room(self) -> str:
        """The room name signaling and the room token use."""
        return f"session-{self.id}"


class SessionRoom(Base):
    __tablename__ = "room_session_rooms"

    session_id: Mapped[int] = mapped_column(ForeignKey("room_sessions.id", ondelete="CASCADE"), primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), primary_key=True, index=True)


class Invitation(Base):
    """A participant of a session: a staff member (user_id) or whoever sits in a room at its device (room_id)."""

    __tablename__ = "room_invitations"
    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_room_invitations_session_user"),
        UniqueConstraint("session_id", "room_id", name="uq_room_invitations_session_room"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("room_sessions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    display_name: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


SESSION_LABELS: dict[Enum, str] = {
    SessionKind.RECEPTION: N_("Reception"),
    SessionKind.INTERVIEW: N_("Interview"),
    SessionKind.CONFERENCE: N_("Conference"),
    SessionStatus.PLANNED: N_("Planned"),
    SessionStatus.OPEN: N_("Open"),
    SessionStatus.ENDED: N_("Ended"),
    ParticipantRole.HOST: N_("Host"),
    ParticipantRole.INTERVIEWER: N_("Interviewer"),
    ParticipantRole.CLERK: N_("Clerk"),
    ParticipantRole.INTERVIEWEE: N_("Interviewee"),
    ParticipantRole.PETITIONER: N_("Petitioner"),
    ParticipantRole.WITNESS: N_("Witness (silent)"),
    ParticipantRole.KIOSK: N_("Kiosk"),
    ParticipantRole.VENUE: N_("Venue"),
    DeviceStatus.AWAITING: N_("Awaiting enrolment"),
    DeviceStatus.EXPIRED: N_("Code expired"),
    DeviceStatus.ENROLLED: N_("Enrolled"),
    DeviceStatus.REVOKED: N_("Revoked"),
}
