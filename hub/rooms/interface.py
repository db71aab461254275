"""What the other parts use of rooms, room sessions, tokens and recordings.

Other parts import from here, never from this part's other modules (tests/test_layers.py)."""

from __future__ import annotations

from hub.rooms import sessions
from hub.rooms.case_links import CASE_CHOICES, CaseChoices
from hub.rooms.live_calls import LIVE_CALLS, CallHook
from hub.rooms.models import Device, Room, RoomKind, RoomSession, SessionKind, SessionStatus
from hub.rooms.participants import RIGHTS, ParticipantRole, Rights
from hub.rooms.recording import service as recordings
from hub.rooms.recording.keys import CASE_RESOLVER
from hub.rooms.recording.models import Recording
from hub.rooms.recording.summary import RecordingBrief, case_recordings, petition_recordings, session_recordings
from hub.rooms.recording.timeline import TIMELINES, Moment, TimelineSource, Words
from hub.rooms.recording.verify import unfinished_causes, verify_recordings
from hub.rooms.tokens import RoomToken, TokenError, issue_token, verify_token

__all__ = [
    "CASE_CHOICES",
    "CASE_RESOLVER",
    "LIVE_CALLS",
    "RIGHTS",
    "TIMELINES",
    "CallHook",
    "CaseChoices",
    "Device",
    "Moment",
    "ParticipantRole",
    "Recording",
    "RecordingBrief",
    "Rights",
    "Room",
    "RoomKind",
    "RoomSession",
    "RoomToken",
    "SessionKind",
    "SessionStatus",
    "TimelineSource",
    "TokenError",
    "Words",
    "case_recordings",
    "issue_token",
    "petition_recordings",
    "recordings",
    "session_recordings",
    "sessions",
    "unfinished_causes",
    "verify_recordings",
    "verify_token",
]
