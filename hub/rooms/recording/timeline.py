"""A recording's timeline: what happened in the call (a conference's console: who was broadcast when), each moment
placed in the recording.

The recording part knows no conference: the part that does fills `TIMELINES` at wiring time with a source that
answers, for a room session, its moments in words (message ids and the names to put in them). Here each moment is
placed on the recording's media: inside a segment (that segment's player, so many seconds in), in a gap (not recorded;
the recording resumes at the next segment), before the recording began or after it ended. The position in the
recording counts media time only, segment after segment, so a gap takes no room in it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from hub.clock import to_local
from hub.rooms.models import RoomSession
from hub.rooms.recording.models import RecordingSegment


@dataclass(frozen=True)
class Words:
    """A sentence to translate (an English message id) and the names or numbers to put in it."""

    msgid: str
    values: Mapping[str, str | int | Words] = field(default_factory=dict)  # Words: translated too

    def say(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.msgid)
        if not self.values:
            return text
        return text % {k: v.say(gettext) if isinstance(v, Words) else v for k, v in self.values.items()}


@dataclass(frozen=True)
class Moment:
    """Something that changed what people saw or heard, at `at` (UTC); `shown`: what everyone saw large after it."""

    at: dt.datetime
    kind: str
    what: Words
    shown: Words | None = None


TimelineSource = Callable[[AsyncSession, RoomSession], Awaitable[list[Moment]]]
# set by the part that knows what happened in a room session (conferences); none: recordings have no timeline
TIMELINES: web.AppKey[TimelineSource] = web.AppKey("recording_timelines")


class Where(StrEnum):
    RECORDED = "recorded"
    GAP = "gap"  # between two segments: not recorded; the recording resumes at the segment given
    BEFORE = "before"  # before the recording began: the first segment's start
    AFTER = "after"  # after it ended: the last segment's end


@dataclass(frozen=True)
class Placed:
    moment: Moment
    where: Where
    segment: int | None  # the segment (its position) whose players show it; None: the recording has no media
    offset: float  # seconds into that segment
    position: float  # seconds of media from the recording's start (segments one after another, gaps taking none)


def _length(segment: RecordingSegment) -> float | None:
    """Seconds of media in the segment; None while it is being written (it runs on)."""
    if segment.duration_ms is not None:
        return segment.duration_ms / 1000
    if segment.ended_at is not None:
        return (segment.ended_at - segment.started_at).total_seconds()
    return None


def place(moments: Sequence[Moment], segments: Sequence[RecordingSegment]) -> list[Placed]:
    ordered = sorted(segments, key=lambda s: s.position)
    spans: list[tuple[RecordingSegment, float, float | None]] = []  # (segment, media before it, its length)
    before = 0.0
    for segment in ordered:
        length = _length(segment)
        if length is not None and length <= 0:
            continue  # cut before its first packet (someone joined at once after another): it holds no media
        spans.append((segment, before, length))
        before += length or 0.0
    placed: list[Placed] = []
    for moment in sorted(moments, key=lambda m: m.at):
        placed.append(_place(moment, spans))
    return placed


def _place(moment: Moment, spans: list[tuple[RecordingSegment, float, float | None]]) -> Placed:
    if not spans:
        return Placed(moment, Where.AFTER, None, 0.0, 0.0)
    first = spans[0][0]
    if moment.at < first.started_at:
        return Placed(moment, Where.BEFORE, first.position, 0.0, 0.0)
    for segment, media_before, length in spans:
        into = (moment.at - segment.started_at).total_seconds()
        if into < 0:  # after the previous segment's end, before this one's start
            return Placed(moment, Where.GAP, segment.position, 0.0, media_before)
        if length is None or into < length:
            return Placed(moment, Where.RECORDED, segment.position, into, media_before + into)
    last, media_before, length = spans[-1]
    end = length or 0.0
    return Placed(moment, Where.AFTER, last.position, end, media_before + end)


def clock_text(seconds: float) -> str:
    """mm:ss (h:mm:ss from an hour on), rounded down to the second."""
    whole = max(int(seconds), 0)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def described(placed: Sequence[Placed], gettext: Callable[[str], str]) -> list[dict[str, Any]]:
    """The timeline as data (the export's and the page's): time, place in the recording, words."""
    return [
        {
            "at": p.moment.at.astimezone(dt.UTC).isoformat(),
            "at_local": to_local(p.moment.at).isoformat(timespec="seconds"),  # Asia/Shanghai, the wall clock
            "kind": p.moment.kind,
            "where": p.where.value,
            "segment": p.segment,
            "offset_seconds": round(p.offset, 3),
            "position_seconds": round(p.position, 3),
            "position": clock_text(p.position),
            "what": p.moment.what.say(gettext),
            "shown": p.moment.shown.say(gettext) if p.moment.shown is not None else None,
        }
        for p in placed
    ]


async def timeline_of(
    app: web.Application, s: AsyncSession, room_session: RoomSession | None, segments: Sequence[RecordingSegment]
) -> list[Placed] | None:
    """The recording's timeline, or None when nothing knows one for its room session (an interview)."""
    source = app.get(TIMELINES)
    if source is None or room_session is None:
        return None
    moments = await source(s, room_session)
    return place(moments, segments) if moments else None
