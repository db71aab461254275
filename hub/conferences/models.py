"""Conferences (网络电视电话会议): the conference on its room session, the venues invited, attendance, console events."""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hub.db import Base, UTCDateTime
from hub.enums import enum_column
from hub.i18n import N_
from hub.rooms.interface import RoomSession


class ConferenceStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    ENDED = "ended"


class Conference(Base):
    """A conference chaired from the county main venue; its call is the room session `session_id`."""

    __tablename__ = "conferences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("room_sessions.id", ondelete="CASCADE"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    main_room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"), index=True)
    status: Mapped[ConferenceStatus] = mapped_column(enum_column(ConferenceStatus), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    session: Mapped[RoomSession] = relationship(lazy="selectin")  # the access rules read it
    venues: Mapped[list[ConferenceVenue]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="ConferenceVenue.id"
    )

    __mapper_args__ = {"version_id_col": version}

    @property
    def signaling_room(self) -> str:
        return f"session-{self.session_id}"


class ConferenceVenue(Base):
    """A venue invited: a township room (whoever sits at its device) or a person from their own desk."""

    __tablename__ = "conference_venues"
    __table_args__ = (
        UniqueConstraint("conference_id", "room_id", name="uq_conference_venues_room"),
        UniqueConstraint("conference_id", "user_id", name="uq_conference_venues_user"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conferences.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(160))


class Attendance(Base):
    """签到: one participant of a conference: when it joined and left, how many people, the roll call."""

    __tablename__ = "conference_attendance"
    __table_args__ = (UniqueConstraint("conference_id", "participant", name="uq_conference_attendance_participant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conferences.id", ondelete="CASCADE"), index=True)
    participant: Mapped[str] = mapped_column(String(128))
    name: Mapped[str] = mapped_column(String(160))
    invited: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    left_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    people: Mapped[int | None] = mapped_column(Integer)
    signed_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    roll_call_called_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    roll_call_answered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ConsoleEvent(Base):
    """What the console did and when (who was broadcast when): playback of the recording reads it."""

    __tablename__ = "conference_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conferences.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str | None] = mapped_column(String(128))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


CONFERENCE_LABELS: dict[Enum, str] = {
    ConferenceStatus.PLANNED: N_("Planned"),
    ConferenceStatus.OPEN: N_("Open"),
    ConferenceStatus.ENDED: N_("Ended"),
}
