"""Recording-level checks for `hub store verify`, beside the store's own per-file checks.

The store proves each file is intact and is the one its manifest describes. This proves the recording is
whole: every segment's manifest names the recording's room session and case, the segments follow each
other (each manifest names the one before, and a segment closed normally names the one after), and the
positions have no hole. A segment taken out, put back in another recording, or reordered is named here.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.rooms.recording.models import Recording, RecordingSegment, ReviewCopy, SegmentStatus
from hub.store.interface import EvidenceStore, Failure, FileKind, SignedManifest, StoreError


async def verify_recordings(s: AsyncSession, store: EvidenceStore) -> list[Failure]:
    failures: list[Failure] = []
    recordings = (await s.scalars(select(Recording).order_by(Recording.id))).all()
    for recording in recordings:
        segments = (
            await s.scalars(
                select(RecordingSegment).where(RecordingSegment.recording_id == recording.id).order_by(RecordingSegment.position)
            )
        ).all()
        previous: tuple[RecordingSegment, SignedManifest] | None = None
        for expected, segment in enumerate(segments, start=1):
            name = segment.file_id
            if segment.position != expected:
                failures.append(Failure(name, f"recording {recording.id}: segment {expected} is missing"))
            if segment.status is SegmentStatus.WRITING:
                previous = None
                continue  # being written; the store lists it as unfinished
            try:
                signed = await store.manifest(segment.file_id)
            except StoreError as exc:
                failures.append(Failure(name, f"recording {recording.id}, segment {segment.position}: {exc}"))
                previous = None
                continue
            failures += _check(recording, segment, signed, previous)
            previous = (segment, signed)
            failures += await _check_copies(s, store, recording, segment)
    return failures


async def _check_copies(s: AsyncSession, store: EvidenceStore, recording: Recording, segment: RecordingSegment) -> list[Failure]:
    """A review copy must be of this recording and of the one participant it is filed under."""
    failures = []
    for copy in (await s.scalars(select(ReviewCopy).where(ReviewCopy.segment_id == segment.id))).all():
        try:
            m = (await store.manifest(copy.file_id)).manifest
        except StoreError as exc:
            failures.append(Failure(copy.file_id, f"review copy of recording {recording.id}: {exc}"))
            continue
        if (m.labels.room_session_id, m.labels.case_id, m.labels.participants) != (
            recording.room_session_id,
            recording.case_id,
            (copy.participant,),
        ):
            failures.append(
                Failure(copy.file_id, f"review copy of recording {recording.id}: its manifest names another recording or person")
            )
    return failures


def _check(
    recording: Recording,
    segment: RecordingSegment,
    signed: SignedManifest,
    previous: tuple[RecordingSegment, SignedManifest] | None,
) -> list[Failure]:
    m, where = signed.manifest, f"recording {recording.id}, segment {segment.position}"
    reasons = []
    if m.kind is not FileKind.RECORDING:
        reasons.append("the file is not a recording")
    if m.labels.room_session_id != recording.room_session_id:
        reasons.append(
            f"the manifest names room session {m.labels.room_session_id}, the recording is of {recording.room_session_id}"
        )
    if m.labels.case_id != recording.case_id:
        reasons.append(f"the manifest names case {m.labels.case_id}, the recording belongs to {recording.case_id}")
    if previous is not None:
        before, before_signed = previous
        if m.labels.previous_segment_id != before.file_id:
            reasons.append(f"its manifest follows {m.labels.previous_segment_id}, not segment {before.position}")
        following = before_signed.manifest.labels.next_segment_id
        if following is not None and following != segment.file_id:
            reasons.append(f"segment {before.position}'s manifest is followed by {following}, not this file")
    participants = {track["participant"] for track in json.loads(segment.tracks)}
    if not participants <= set(m.labels.participants):
        reasons.append("the tracks name participants the manifest does not")
    return [Failure(segment.file_id, f"{where}: {reason}") for reason in reasons]


async def unfinished_causes(s: AsyncSession, file_ids: list[str]) -> dict[str, str]:
    """Why each unfinished recording file was left: the cause its recorder wrote down when it failed (disk_full,
    store_error, …), or, when none was written, that the hub stopped while writing it (a crash or kill)."""
    if not file_ids:
        return {}
    rows = (await s.execute(
        select(RecordingSegment.file_id, RecordingSegment.close_cause, RecordingSegment.position, Recording.id)
        .join(Recording, Recording.id == RecordingSegment.recording_id)
        .where(RecordingSegment.file_id.in_(file_ids))
    )).all()  # fmt: skip
    causes = {}
    for file_id, cause, position, recording_id in rows:
        why = cause or "server_restart (the hub stopped while writing it)"
        causes[file_id] = f"recording {recording_id}, segment {position}: {why}"
    return causes
