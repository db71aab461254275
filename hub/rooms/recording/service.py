"""Recordings in the database: begin, segments and gaps as the recorder reports them, finish, recover after a crash.

Services take a session and never commit; `DbRecordingLog` is the edge for the recorder (one short
transaction per thing it reports, so a crash loses none of what was reported).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.audit import SYSTEM
from hub.db import Database
from hub.rooms.recording.models import (
    GapCause,
    Recording,
    RecordingGap,
    RecordingSegment,
    RecordingStatus,
    ReviewCopy,
    SegmentStatus,
)
from hub.rooms.recording.probe import media_duration_ms, track_descriptions
from hub.store.interface import EvidenceStore, OpenedFile, SignedManifest, StoreError, record_closed, register_file

OBJECT_TYPE = "recording"


@dataclass(frozen=True)
class Resume:
    """Where a (re)started recorder carries on."""

    recording_id: int
    next_position: int
    previous_file_id: str | None


async def begin(
    s: AsyncSession,
    *,
    room_session_id: int,
    signaling_room: str,
    case_id: int | None,
    now: dt.datetime,
    store: EvidenceStore | None = None,
) -> Resume:
    """Start recording a room session, or carry on its recording after the recorder stopped (restart, empty room).

    With `store`: a recording still `recording` here was written by a hub process that died while holding the room
    (HUB_BUS=redis; a live one would still hold it): its last segment is finished through the store's recovery and
    the time until now becomes a gap of cause `node_failed`."""
    recording = await s.scalar(select(Recording).where(Recording.room_session_id == room_session_id))
    if recording is not None and store is not None and recording.status is RecordingStatus.RECORDING:
        await _take_over(s, store, recording, now)
    if recording is None:
        recording = Recording(
            room_session_id=room_session_id,
            case_id=case_id,
            signaling_room=signaling_room,
            status=RecordingStatus.RECORDING,
            started_at=now,
        )
        s.add(recording)
        await s.flush()
        await audit.record(
            s,
            SYSTEM,
            "recording.started",
            OBJECT_TYPE,
            recording.id,
            {"room_session_id": room_session_id, "case_id": case_id},
            at=now,
        )
    else:
        # the case stays the one it started with: every segment's manifest is bound to it
        recording.status = RecordingStatus.RECORDING
        recording.ended_at = None
        for gap in await _open_gaps(s, recording.id, whole_only=True):
            gap.ended_at = now
        await s.flush()
        await audit.record(s, SYSTEM, "recording.resumed", OBJECT_TYPE, recording.id, {}, at=now)
    last = await s.scalar(
        select(RecordingSegment).where(RecordingSegment.recording_id == recording.id).order_by(RecordingSegment.position.desc())
    )
    return Resume(recording.id, (last.position + 1) if last else 1, last.file_id if last else None)


async def _take_over(s: AsyncSession, store: EvidenceStore, recording: Recording, now: dt.datetime) -> None:
    """The recording of a room whose node died: its unfinished segments are recovered and the gap since written."""
    segments = (await s.scalars(select(RecordingSegment).where(RecordingSegment.recording_id == recording.id))).all()
    if not any(segment.status is SegmentStatus.WRITING for segment in segments):
        return  # stopped cleanly (everyone had left): the usual resume
    if await _written_elsewhere(store, segments):
        return  # a live writer holds it after all: never two recorders on one file
    last_end = recording.started_at
    for segment in segments:
        if segment.status is SegmentStatus.WRITING:
            segment.duration_ms = await recovered_duration(store, segment.file_id)
            segment.ended_at = segment.started_at + dt.timedelta(milliseconds=segment.duration_ms)
            segment.status = SegmentStatus.RECOVERED
            segment.close_cause = GapCause.NODE_FAILED.value
        if segment.ended_at is not None:
            last_end = max(last_end, segment.ended_at)
    s.add(RecordingGap(recording_id=recording.id, participant=None, started_at=last_end, cause=GapCause.NODE_FAILED))
    await s.flush()
    await audit.record(
        s, SYSTEM, "recording.node_failed", OBJECT_TYPE, recording.id, {"unrecorded_from": last_end.isoformat()}, at=now
    )


async def fenced(s: AsyncSession, recording_id: int, file_id: str | None, *, now: dt.datetime) -> None:
    """This process lost the room while it stood still (HUB_BUS=redis, fencing) and has just closed its segment
    `file_id`; the node that took the room over found that segment locked and could not write the gap: the time from
    the segment's end to the next segment (the new node's; open until one starts) is a gap of cause `node_failed`."""
    ours = None
    if file_id is not None:
        ours = await s.scalar(
            select(RecordingSegment).where(RecordingSegment.recording_id == recording_id, RecordingSegment.file_id == file_id)
        )
    started = ours.ended_at if ours is not None and ours.ended_at is not None else now
    after = None
    if ours is not None:
        after = await s.scalar(
            select(RecordingSegment)
            .where(RecordingSegment.recording_id == recording_id, RecordingSegment.position > ours.position)
            .order_by(RecordingSegment.position)
        )
    ended = max(after.started_at, started) if after is not None else None
    cause = GapCause.NODE_FAILED
    gap = RecordingGap(recording_id=recording_id, participant=None, started_at=started, ended_at=ended, cause=cause)
    s.add(gap)
    await s.flush()
    await audit.record(
        s,
        SYSTEM,
        "recording.node_failed",
        OBJECT_TYPE,
        recording_id,
        {"unrecorded_from": started.isoformat(), "fenced": True},
        at=now,
    )


async def finish(s: AsyncSession, recording_id: int, *, now: dt.datetime, reason: str) -> None:
    recording = await s.get(Recording, recording_id)
    if recording is None or recording.status is RecordingStatus.ENDED:
        return
    recording.status = RecordingStatus.ENDED
    recording.ended_at = now
    recording.end_reason = reason[:60]
    await s.flush()
    await audit.record(s, SYSTEM, "recording.ended", OBJECT_TYPE, recording.id, {"reason": reason}, at=now)


async def interrupt(s: AsyncSession, recording_id: int, *, now: dt.datetime, cause: GapCause) -> None:
    """The hub stops while recording (SIGTERM): the recording is interrupted, and a gap of the whole recording opens
    now; a restarted hub that records the room again closes it (`begin`), so the downtime is a gap with its cause."""
    recording = await s.get(Recording, recording_id)
    if recording is None or recording.status is not RecordingStatus.RECORDING:
        return
    recording.status = RecordingStatus.INTERRUPTED
    recording.ended_at = now
    recording.end_reason = cause.value
    s.add(RecordingGap(recording_id=recording_id, participant=None, started_at=now, cause=cause))
    await s.flush()
    await audit.record(s, SYSTEM, "recording.interrupted", OBJECT_TYPE, recording_id, {"cause": cause.value}, at=now)


async def acknowledge_fault(
    s: AsyncSession, recording_id: int, *, participant: str, role: str, cause: str, now: dt.datetime
) -> None:
    """The host confirmed they know the room is not recorded now (and why): written into the audit chain."""
    change = {"participant": participant, "role": role, "cause": cause}
    actor = audit.AuditActor(None, f"participant:{participant}")
    await audit.record(s, actor, "recording.fault_acknowledged", OBJECT_TYPE, recording_id, change, at=now)


async def _open_gaps(s: AsyncSession, recording_id: int, *, whole_only: bool = False) -> Sequence[RecordingGap]:
    query = select(RecordingGap).where(RecordingGap.recording_id == recording_id, RecordingGap.ended_at.is_(None))
    if whole_only:
        query = query.where(RecordingGap.participant.is_(None))
    return (await s.scalars(query)).all()


class DbRecordingLog:
    """The recorder's `RecordingLog` over the database."""

    def __init__(self, db: Database, recording_id: int) -> None:
        self.db = db
        self.recording_id = recording_id

    async def segment_opened(
        self, position: int, opened: OpenedFile, started_at: dt.datetime, tracks: list[dict[str, Any]]
    ) -> None:
        async with self.db.transaction() as s:
            await register_file(s, opened)
            s.add(
                RecordingSegment(
                    recording_id=self.recording_id,
                    position=position,
                    file_id=opened.file_id,
                    status=SegmentStatus.WRITING,
                    started_at=started_at,
                    tracks=json.dumps(tracks, ensure_ascii=False),
                )
            )

    async def segment_closed(
        self, signed: SignedManifest, ended_at: dt.datetime, duration_ms: int, cause: str, tracks: list[dict[str, Any]]
    ) -> None:
        async with self.db.transaction() as s:
            await record_closed(s, signed)
            segment = await s.scalar(select(RecordingSegment).where(RecordingSegment.file_id == signed.manifest.file_id))
            if segment is not None:
                segment.status = SegmentStatus.CLOSED
                segment.ended_at = ended_at
                segment.duration_ms = duration_ms
                segment.close_cause = cause[:60]
                segment.tracks = json.dumps(tracks, ensure_ascii=False)

    async def gap_opened(self, participant: str | None, started_at: dt.datetime, cause: GapCause) -> int:
        async with self.db.transaction() as s:
            gap = RecordingGap(recording_id=self.recording_id, participant=participant, started_at=started_at, cause=cause)
            s.add(gap)
            await s.flush()
            return gap.id

    async def gap_closed(self, gap: int, ended_at: dt.datetime) -> None:
        async with self.db.transaction() as s:
            row = await s.get(RecordingGap, gap)
            if row is not None and row.ended_at is None:
                row.ended_at = ended_at


async def segment_failed(
    db: Database, file_id: str, cause: str, signed: SignedManifest | None, ended_at: dt.datetime | None, duration_ms: int
) -> None:
    """A segment whose recorder failed: its file finished at once by the store's recovery (`signed`), or left for the
    next start's recovery (None); either way the segment names the cause."""
    async with db.transaction() as s:
        if signed is not None:
            await record_closed(s, signed)
        segment = await s.scalar(select(RecordingSegment).where(RecordingSegment.file_id == file_id))
        if segment is None:
            return
        segment.close_cause = cause[:60]
        if signed is not None:
            segment.status = SegmentStatus.RECOVERED
            segment.ended_at = ended_at
            segment.duration_ms = duration_ms


async def adopt_orphans(s: AsyncSession, store: EvidenceStore) -> list[str]:
    """At start-up, after the store's reconcile: segments whose rows never reached the database (it was down when the
    hub stopped) are put back into their recordings. The store is the truth: each closed recording file follows the
    segment its manifest names, so the chain from a known segment finds every one, in order."""
    known = {row.file_id: row for row in (await s.scalars(select(RecordingSegment))).all()}
    copies = set((await s.scalars(select(ReviewCopy.file_id))).all())
    candidates: dict[str, SignedManifest] = {}
    for file_id in await store.file_ids():
        if file_id in known or file_id in copies:
            continue
        try:
            found = await store.manifest(file_id)
        except StoreError:
            continue  # unfinished: `hub store verify` names it
        if found.manifest.kind.value == "recording" and found.manifest.labels.previous_segment_id:
            candidates[found.manifest.labels.previous_segment_id] = found
    adopted = []
    for previous in list(known.values()):
        before = previous
        while (follower := candidates.pop(before.file_id, None)) is not None:
            m = follower.manifest
            duration = await recovered_duration(store, m.file_id)
            started = m.created_at
            row = RecordingSegment(
                recording_id=before.recording_id,
                position=before.position + 1,
                file_id=m.file_id,
                status=SegmentStatus.RECOVERED if m.recovery is not None else SegmentStatus.CLOSED,
                started_at=started,
                ended_at=started + dt.timedelta(milliseconds=duration),
                duration_ms=duration,
                tracks=json.dumps(await recovered_tracks(store, m.file_id), ensure_ascii=False),  # the file says
                close_cause="adopted_after_restart",
            )
            s.add(row)
            await s.flush()
            adopted.append(m.file_id)
            before = row
    return adopted


async def recover_interrupted(
    s: AsyncSession, store: EvidenceStore, *, now: dt.datetime, cause: GapCause = GapCause.SERVER_RESTART
) -> list[int]:
    """At start-up (after the store's recovery and reconcile): close what a crash left recording (`cause`:
    `node_failed` in a hub of several processes, where what no live process writes was a dead node's).

    Each segment still `writing` gets its real end from the media the store recovered; the recording
    is marked interrupted, with a gap from its last media to (when it resumes) the next segment.
    """
    recovered = []
    rows = (await s.scalars(select(Recording).where(Recording.status == RecordingStatus.RECORDING))).all()
    for recording in rows:
        last_end = recording.started_at
        segments = (await s.scalars(select(RecordingSegment).where(RecordingSegment.recording_id == recording.id))).all()
        if await _written_elsewhere(store, segments):
            continue  # another process of the hub records it now (HUB_BUS=redis): not ours to close
        if cause is GapCause.NODE_FAILED and not any(seg.status is SegmentStatus.WRITING for seg in segments):
            continue  # between segments on a live node (it just took the room over), or resumed at the next join
        for segment in segments:
            if segment.status is SegmentStatus.WRITING:
                segment.duration_ms = await recovered_duration(store, segment.file_id)
                segment.ended_at = segment.started_at + dt.timedelta(milliseconds=segment.duration_ms)
                segment.status = SegmentStatus.RECOVERED
                segment.close_cause = cause.value
            if segment.ended_at is not None:
                last_end = max(last_end, segment.ended_at)
        for gap in await _open_gaps(s, recording.id):
            gap.ended_at = max(last_end, gap.started_at)
        recording.status = RecordingStatus.INTERRUPTED
        recording.ended_at = last_end
        recording.end_reason = cause.value
        s.add(RecordingGap(recording_id=recording.id, participant=None, started_at=last_end, cause=cause))
        await s.flush()
        await audit.record(
            s,
            SYSTEM,
            "recording.recovered",
            OBJECT_TYPE,
            recording.id,
            {"segments": len(segments), "media_until": last_end},
            at=now,
        )
        recovered.append(recording.id)
    return recovered


async def recovered_tracks(store: EvidenceStore, file_id: str) -> list[dict[str, Any]]:
    try:
        reader = await store.open_reader(file_id)
    except StoreError:
        return []
    return await asyncio.to_thread(track_descriptions, reader)


async def _written_elsewhere(store: EvidenceStore, segments: Sequence[RecordingSegment]) -> bool:
    """A segment still `writing` whose file a live writer holds (its lock): another process records it."""
    for segment in segments:
        if segment.status is SegmentStatus.WRITING:
            try:
                if await store.recover_one(segment.file_id) is None:
                    return True
            except (StoreError, OSError):
                continue
    return False


async def recovered_duration(store: EvidenceStore, file_id: str) -> int:
    try:
        reader = await store.open_reader(file_id)
    except StoreError:
        return 0  # recovery could not finish it; `hub store verify` names it
    return await asyncio.to_thread(media_duration_ms, reader)


# ---- reading ---------------------------------------------------------------------------------


async def recordings_of_case(s: AsyncSession, case_id: int) -> Sequence[Recording]:
    return (await s.scalars(select(Recording).where(Recording.case_id == case_id).order_by(Recording.started_at))).all()


async def segments_of(s: AsyncSession, recording_id: int) -> Sequence[RecordingSegment]:
    query = select(RecordingSegment).where(RecordingSegment.recording_id == recording_id).order_by(RecordingSegment.position)
    return (await s.scalars(query)).all()


async def gaps_of(s: AsyncSession, recording_id: int) -> Sequence[RecordingGap]:
    query = select(RecordingGap).where(RecordingGap.recording_id == recording_id).order_by(RecordingGap.started_at)
    return (await s.scalars(query)).all()
