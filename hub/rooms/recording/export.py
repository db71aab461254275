"""Export packages of a case's recordings: asked for by one person, approved by a second with rights to the case.

The package is a ZIP of every segment decrypted (`.webm`/`.mkv`), each segment's signed manifest, a
`recordings.json` (tracks, each named in words: sound, camera picture, shared content; gaps, notices; a conference's
timeline: who was broadcast when, each moment with its segment and position, in Chinese and English) and
`VERIFY.txt` (how to check every file by hand). It is built straight into the evidence store as a document, so the
decrypted media never touches the disk here; whoever downloads it carries it out."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.access.actor import Actor
from hub.auth.interface import User
from hub.errors import Conflict, Forbidden, NotFound
from hub.i18n import N_, Catalogs
from hub.rooms.models import RoomSession
from hub.rooms.recording import service
from hub.rooms.recording.loop_sink import LoopSink
from hub.rooms.recording.models import ExportStatus, Recording, RecordingExport, RecordingSegment
from hub.rooms.recording.notice import notices_of
from hub.rooms.recording.timeline import TimelineSource, described, place
from hub.store.interface import (
    EvidenceStore,
    FileKind,
    FileReader,
    Labels,
    SignedManifest,
    StreamWriter,
    record_closed,
    register_file,
)

OBJECT_TYPE = "recording_export"
# what each track holds, in words, beside its `kind` in recordings.json (the package is read outside the hub)
TRACK_WORDS = {"audio": "声音 / sound", "video": "摄像画面 / camera picture", "content": "共享内容 / shared content"}


async def request_export(s: AsyncSession, actor: Actor, case_id: int, reason: str, now: dt.datetime) -> RecordingExport:
    """The caller has checked that the actor may see the case."""
    assert actor.user_id is not None
    row = RecordingExport(
        case_id=case_id, status=ExportStatus.REQUESTED, reason=reason.strip(), requested_by=actor.user_id, requested_at=now
    )
    s.add(row)
    await s.flush()
    change = {"case_id": case_id, "reason": row.reason}
    await audit.record(s, actor.audit, "recording.export_requested", OBJECT_TYPE, row.id, change, at=now)
    return row


async def get_export(s: AsyncSession, export_id: int) -> RecordingExport:
    row = await s.get(RecordingExport, export_id)
    if row is None:
        raise NotFound("recording_export")
    return row


async def decide(s: AsyncSession, actor: Actor, row: RecordingExport, approve: bool, now: dt.datetime) -> None:
    """A second person (the caller has checked their rights to the case) approves or rejects."""
    if row.status is not ExportStatus.REQUESTED:
        raise Conflict("decided", N_("This export has been decided already."))
    if actor.user_id == row.requested_by:
        raise Forbidden("same_person", N_("A second person must approve an export; you asked for it."))
    requester = await s.get(User, row.requested_by) if row.requested_by is not None else None
    if requester is not None and requester.org_unit_id is not None and requester.org_unit_id == actor.org_unit_id:
        # a colleague of the same office or group is no second pair of eyes (issue 14, finding 9)
        raise Forbidden("same_unit", N_("An export is approved by someone outside the requester's office or group."))
    row.status = ExportStatus.APPROVED if approve else ExportStatus.REJECTED
    row.decided_by = actor.user_id
    row.decided_at = now
    await s.flush()
    await audit.record(
        s,
        actor.audit,
        f"recording.export_{'approved' if approve else 'rejected'}",
        OBJECT_TYPE,
        row.id,
        {"case_id": row.case_id},
        at=now,
    )


async def exports_of(s: AsyncSession, case_id: int) -> Sequence[RecordingExport]:
    query = select(RecordingExport).where(RecordingExport.case_id == case_id).order_by(RecordingExport.requested_at.desc())
    return (await s.scalars(query)).all()


@dataclass(frozen=True)
class _Item:
    name: str
    reader: FileReader | None = None
    data: bytes = b""


async def build_package(
    s: AsyncSession,
    store: EvidenceStore,
    row: RecordingExport,
    now: dt.datetime,
    *,
    timelines: TimelineSource | None = None,
    catalogs: Catalogs | None = None,
) -> SignedManifest:
    """Build the approved package into the store, register it and point the export at it."""
    items: list[_Item] = []
    described: list[dict[str, Any]] = []
    recordings = await service.recordings_of_case(s, row.case_id)
    for recording in recordings:
        segments = await service.segments_of(s, recording.id)
        entry = _describe(recording, segments)
        entry["gaps"] = [
            {"participant": g.participant, "from": _iso(g.started_at), "to": _iso(g.ended_at), "cause": g.cause.value}
            for g in await service.gaps_of(s, recording.id)
        ]
        entry["notices"] = [
            {"participant": n.participant, "name": n.name, "role": n.role, "decision": n.decision.value,
             "at": _iso(n.decided_at), "notice_sha256": n.notice_sha256}
            for n in await notices_of(s, recording.room_session_id)
        ]  # fmt: skip
        if timelines is not None:
            entry["timeline"] = await _timeline(s, recording, segments, timelines, catalogs or Catalogs())
        described.append(entry)
        for segment in segments:
            reader = await store.open_reader(segment.file_id)
            extension = "mkv" if reader.manifest.media_type == "video/x-matroska" else "webm"
            base = f"recording-{recording.id}/segment-{segment.position:03d}"
            items.append(_Item(f"{base}.{extension}", reader=reader))
            items.append(_Item(f"{base}.manifest.json", data=reader.signed.file_bytes()))
    public_key = store.keys.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    items.append(_Item("recordings.json", data=json.dumps({"case_id": row.case_id, "export": row.id, "recordings": described},
                                                          ensure_ascii=False, indent=2).encode()))  # fmt: skip
    writer = await store.create(FileKind.DOCUMENT, "application/zip", Labels(case_id=row.case_id), sync_every_chunk=False)
    await register_file(s, writer.opened)
    try:
        digests = await asyncio.to_thread(_write_zip, writer, asyncio.get_running_loop(), items, public_key, row)
    except BaseException:
        await writer.abort()
        raise
    signed = await writer.close()
    await record_closed(s, signed)
    row.file_id = signed.manifest.file_id
    await s.flush()
    await audit.record(s, audit.SYSTEM, "recording.export_built", OBJECT_TYPE, row.id,
                       {"file_id": row.file_id, "files": digests, "package_manifest_sha256": signed.sha256}, at=now)  # fmt: skip
    return signed


async def _timeline(
    s: AsyncSession, recording: Recording, segments: Sequence[RecordingSegment], source: TimelineSource, catalogs: Catalogs
) -> list[dict[str, Any]]:
    """Who was broadcast when (a conference), so that playback outside the hub knows it: words in both locales."""
    room_session = await s.get(RoomSession, recording.room_session_id)
    moments = await source(s, room_session) if room_session is not None else []
    placed = place(moments, segments)
    chinese = described(placed, catalogs.get("zh_CN").gettext)
    english = described(placed, catalogs.get("en").gettext)
    return [{**zh, "what_en": en["what"], "shown_en": en["shown"]} for zh, en in zip(chinese, english, strict=True)]


def _write_zip(
    writer: StreamWriter, loop: asyncio.AbstractEventLoop, items: list[_Item], public_key: str, row: RecordingExport
) -> dict[str, str]:
    digests: dict[str, str] = {}
    with zipfile.ZipFile(LoopSink(writer, loop), "w", compression=zipfile.ZIP_STORED) as package:
        for item in items:
            digest = hashlib.sha256()
            with package.open(item.name, "w", force_zip64=True) as out:
                pieces = item.reader.read_range_sync(0, item.reader.size) if item.reader is not None else iter([item.data])
                for piece in pieces:
                    digest.update(piece)
                    out.write(piece)
            digests[item.name] = digest.hexdigest()
        package.writestr("VERIFY.txt", _verification_text(digests, items, public_key, row))
    return digests


def _verification_text(digests: dict[str, str], items: list[_Item], public_key: str, row: RecordingExport) -> str:
    lines = [
        f"Export {row.id} of case {row.case_id}: recordings with their signed manifests.",
        "",
        "1. Each media file's SHA-256 must equal `plaintext_sha256` in its manifest:",
    ]
    for item in items:
        if item.reader is not None:
            m = item.reader.manifest
            lines.append(f"   {digests[item.name]}  {item.name}")
            lines.append(f"      manifest plaintext_sha256 {m.plaintext_sha256}; fingerprint {item.reader.signed.fingerprint}")
    lines += [
        "",
        "2. Each manifest's `signature` is Ed25519 over the canonical JSON of its `manifest` object",
        "   (keys sorted, no spaces, UTF-8), by the hub's public key (raw, hex):",
        f"   {public_key}",
        "",
        "3. The fingerprint (SHA-256 of that canonical JSON) is the one in the interview record (笔录) and in",
        "   the hub's audit chain; `hub store verify` on the hub checks both.",
        "",
        "sha256sum -c: save the lines of step 1 without the manifest lines and run `sha256sum -c` in this folder.",
    ]
    return "\n".join(lines) + "\n"


def _describe(recording: Recording, segments: Sequence[RecordingSegment]) -> dict[str, Any]:
    return {
        "recording": recording.id,
        "room_session_id": recording.room_session_id,
        "status": recording.status.value,
        "started_at": _iso(recording.started_at),
        "ended_at": _iso(recording.ended_at),
        "segments": [
            {
                "position": s.position,
                "file_id": s.file_id,
                "started_at": _iso(s.started_at),
                "ended_at": _iso(s.ended_at),
                "duration_ms": s.duration_ms,
                "status": s.status.value,
                "tracks": [{**track, "what": TRACK_WORDS.get(track["kind"], track["kind"])} for track in json.loads(s.tracks)],
            }
            for s in segments
        ],
    }


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat() if value is not None else None
