"""What the recording part keeps on the app."""

from __future__ import annotations

from aiohttp import web

from hub.rooms.recording.copies import ReviewCopies
from hub.rooms.recording.manager import CaseResolver, RecordingManager
from hub.rooms.recording.playback import ReaderCache

READERS: web.AppKey[ReaderCache] = web.AppKey("recording_readers", ReaderCache)
COPIES: web.AppKey[ReviewCopies] = web.AppKey("recording_review_copies", ReviewCopies)
RECORDINGS: web.AppKey[RecordingManager] = web.AppKey("recordings", RecordingManager)
# Which case (clue) a room session serves; the wiring may replace the default (scheduled interviews).
CASE_RESOLVER: web.AppKey[CaseResolver] = web.AppKey("recording_case_resolver")
