"""What the database keeps of each recording: its segments (one stored file each), gaps, notices and exports.

A recording belongs to one room session (unique) and, when the session serves a case, to that case (clue).
The media itself is in the evidence store; a segment row points at its stored file.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum, StrEnum

from sqlalchemy import BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hub.db import Base, UTCDateTime
from hub.enums import enum_column
from hub.i18n import N_

CONTENT_COPY = "#content"  # ReviewCopy.participant of a participant's shared content (ids never hold "#")


class RecordingStatus(StrEnum):
    RECORDING = "recording"
    INTERRUPTED = "interrupted"  # the server stopped mid-recording; recovered at the next start
    ENDED = "ended"


class SegmentStatus(StrEnum):
    WRITING = "writing"
    CLOSED = "closed"
    RECOVERED = "recovered"  # cut by a crash, finished by the store's recovery


class GapCause(StrEnum):
    MEDIA_LOST = "media_lost"  # a participant's media stopped (network drop) while they were in the room
    LEFT = "left"  # the participant left or was removed
    SERVER_RESTART = "server_restart"  # the server stopped (crash or restart) while recording
    NO_MEDIA = "no_media"  # nobody's media reached the recorder
    SERVER_STOPPED = "server_stopped"  # the hub was stopped (SIGTERM) while recording, until it records again
    DISK_FULL = "disk_full"  # the store's disk (or quota, or reserve) was full: the recorder stopped
    STORE_ERROR = "store_error"  # the store failed to write (other than full)
    DATABASE_UNAVAILABLE = "database_unavailable"  # the database did not answer when the recording had to start
    RECORDER_FAILED = "recorder_failed"  # the recorder itself failed (a bug): restarted into a new segment
    NODE_FAILED = "node_failed"  # the hub process that held the room died (HUB_BUS=redis); another took the room over


class NoticeDecision(StrEnum):
    ACKNOWLEDGED = "acknowledged"
    REFUSED = "refused"


class ExportStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"  # the package is built and may be downloaded
    REJECTED = "rejected"


class TrackKind(StrEnum):
    """What a segment's track holds (its `kind` in the track descriptions): a shared screen is a video track of its
    own, kept beside the sharer's camera (issue 12)."""

    AUDIO = "audio"
    VIDEO = "video"
    CONTENT = "content"


def track_kind(value: str) -> TrackKind | str:
    """The kind as its enum member (the ``label`` filter names it: 声音, 摄像画面, 共享内容); an unknown one as it is."""
    try:
        return TrackKind(value)
    except ValueError:
        return value


class Recording(Base):
    __tablename__ = "recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_session_id: Mapped[int] = mapped_column(ForeignKey("room_sessions.id"), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("clues.id"), index=True)
    # a reception call: the petition its intake registered (set by the schedule part when the intake is recorded);
    # the signed manifests keep naming the case they were written for, so this is a link beside them, not in them
    petition_id: Mapped[int | None] = mapped_column(ForeignKey("petitions.id"), index=True)
    signaling_room: Mapped[str] = mapped_column(String(100))
    status: Mapped[RecordingStatus] = mapped_column(enum_column(RecordingStatus), index=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    end_reason: Mapped[str] = mapped_column(String(60), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class RecordingSegment(Base):
    """One stored file: every participant's tracks over one stretch of the recording."""

    __tablename__ = "recording_segments"
    __table_args__ = (UniqueConstraint("recording_id", "position", name="uq_recording_segments_recording_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, … in recording order
    file_id: Mapped[str] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    status: Mapped[SegmentStatus] = mapped_column(enum_column(SegmentStatus))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    # JSON list of {"participant", "name", "role", "kind", "codec", "track", "sync"}
    tracks: Mapped[str] = mapped_column(Text)
    close_cause: Mapped[str] = mapped_column(String(60), default="")


class ReviewCopy(Base):
    """One participant's tracks of a segment, remuxed from it for playback (a browser plays one audio track per
    file). Derived, encrypted like the original; the original segment stays the evidence. A participant's shared
    content has a copy of its own (a player shows one video track), kept under `participant` + `CONTENT_COPY`."""

    __tablename__ = "recording_review_copies"
    __table_args__ = (UniqueConstraint("segment_id", "participant", name="uq_recording_review_copies_segment_participant"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    segment_id: Mapped[int] = mapped_column(ForeignKey("recording_segments.id", ondelete="CASCADE"), index=True)
    participant: Mapped[str] = mapped_column(String(100))
    file_id: Mapped[str] = mapped_column(ForeignKey("stored_files.id"), unique=True)


class RecordingGap(Base):
    """A stretch with someone's media missing (participant None: the whole recording)."""

    __tablename__ = "recording_gaps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recording_id: Mapped[int] = mapped_column(ForeignKey("recordings.id", ondelete="CASCADE"), index=True)
    participant: Mapped[str | None] = mapped_column(String(100))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cause: Mapped[GapCause] = mapped_column(enum_column(GapCause))


class RecordingNotice(Base):
    """The legal notice shown to an interviewee or petitioner before recording, and what they answered."""

    __tablename__ = "recording_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    room_session_id: Mapped[int] = mapped_column(ForeignKey("room_sessions.id"), index=True)
    participant: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(40))
    notice_sha256: Mapped[str] = mapped_column(String(64))  # of the exact text shown
    locale: Mapped[str] = mapped_column(String(20))
    decision: Mapped[NoticeDecision] = mapped_column(enum_column(NoticeDecision))
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class RecordingExport(Base):
    """An export package of a case's recordings: asked for by one person, approved by a second."""

    __tablename__ = "recording_exports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("clues.id"), index=True)
    status: Mapped[ExportStatus] = mapped_column(enum_column(ExportStatus), index=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    file_id: Mapped[str | None] = mapped_column(ForeignKey("stored_files.id"))  # the package, in the store
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


RECORDING_LABELS: dict[Enum, str] = {
    RecordingStatus.RECORDING: N_("Recording"),
    RecordingStatus.INTERRUPTED: N_("Interrupted"),
    RecordingStatus.ENDED: N_("Ended"),
    SegmentStatus.WRITING: N_("Being written"),
    SegmentStatus.CLOSED: N_("Closed"),
    SegmentStatus.RECOVERED: N_("Recovered after a crash"),
    GapCause.MEDIA_LOST: N_("Media lost (network)"),
    GapCause.LEFT: N_("Left the room"),
    GapCause.SERVER_RESTART: N_("Server restart"),
    GapCause.NO_MEDIA: N_("No media"),
    GapCause.SERVER_STOPPED: N_("Server stopped"),
    GapCause.DISK_FULL: N_("Disk full"),
    GapCause.STORE_ERROR: N_("Evidence store error"),
    GapCause.DATABASE_UNAVAILABLE: N_("Database unavailable"),
    GapCause.RECORDER_FAILED: N_("Recorder failed"),
    GapCause.NODE_FAILED: N_("Server process failed"),
    NoticeDecision.ACKNOWLEDGED: N_("Acknowledged"),
    NoticeDecision.REFUSED: N_("Refused"),
    ExportStatus.REQUESTED: N_("Awaiting approval"),
    ExportStatus.APPROVED: N_("Approved"),
    ExportStatus.REJECTED: N_("Rejected"),
    TrackKind.AUDIO: N_("Sound"),
    TrackKind.VIDEO: N_("Camera picture"),
    TrackKind.CONTENT: N_("Shared content"),
}
