"""Pages and endpoints: a case's recordings, one recording with its player, media by range, exports, the notice.

Every page view, playback start and download is an audit entry; every refusal answers 404 (as for an id
that does not exist), so a guessed URL tells nothing.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp_jinja2
import structlog
from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub import audit
from hub.errors import BadRequest, NotFound
from hub.http.context import db_of, now_of, require_staff
from hub.http.keys import CATALOGS, LOCALE, SECRET
from hub.http.responses import see_other
from hub.http.validation import int_param, parse_form, read_json, validate
from hub.http.views import in_transaction as run
from hub.rooms.events import session_id_of
from hub.rooms.models import Room, RoomSession
from hub.rooms.recording import export, service
from hub.rooms.recording.access import require_case, require_recording, require_segment
from hub.rooms.recording.keys import COPIES, READERS
from hub.rooms.recording.models import ExportStatus, NoticeDecision, Recording
from hub.rooms.recording.notice import NOTICE_LABELS, NOTICE_ROLES, NOTICE_TEXT, NOTICE_TITLE, answer, notice_sha256, notices_of
from hub.rooms.recording.playback import serve
from hub.rooms.tokens import TokenError, verify_token
from hub.store.interface import StoredFile, StoreError, grouped

routes = web.RouteTableDef()
log = structlog.get_logger("hub.recordings")


async def _recording_view(s: Any, recording: Recording) -> dict[str, Any]:
    segments = await service.segments_of(s, recording.id)
    files = {f.id: f for f in (await s.scalars(select(StoredFile).where(StoredFile.id.in_([x.file_id for x in segments])))).all()}
    room_session = await s.get(RoomSession, recording.room_session_id)
    rooms = []
    if room_session is not None:
        rooms = (await s.scalars(select(Room).where(Room.id.in_(room_session.room_ids)))).all()
    people: dict[str, dict[str, Any]] = {}
    rows = []
    for segment in segments:
        tracks = json.loads(segment.tracks)
        for track in tracks:
            people.setdefault(track["participant"], {"name": track["name"], "role": track["role"]})
        file = files.get(segment.file_id)
        participants: dict[str, dict[str, Any]] = {}
        for track in tracks:
            participants.setdefault(track["participant"], {"name": track["name"], "role": track["role"]})
        rows.append(
            {
                "segment": segment,
                "tracks": tracks,
                "participants": participants,
                "file": file,
                "fingerprint": grouped(file.manifest_sha256) if file is not None and file.manifest_sha256 else "",
            }
        )
    ended = recording.ended_at
    duration = sum((r["segment"].duration_ms or 0) for r in rows) // 1000
    return {
        "recording": recording,
        "room_session": room_session,
        "rooms": rooms,
        "people": people,
        "segments": rows,
        "gaps": await service.gaps_of(s, recording.id),
        "notices": await notices_of(s, recording.room_session_id),
        "total_size": sum((r["file"].plaintext_size or 0) for r in rows if r["file"] is not None),
        "media_seconds": duration,
        "span_seconds": int((ended - recording.started_at).total_seconds()) if ended else None,
    }


@routes.get("/cases/{id}/recordings")
@aiohttp_jinja2.template("recordings/case.html")
async def case_recordings(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    case_id = int_param(request, "id")

    async def work(s: Any) -> dict[str, Any]:
        clue = await require_case(s, request.app, actor, case_id)
        recordings = [await _recording_view(s, r) for r in await service.recordings_of_case(s, case_id)]
        exports = await export.exports_of(s, case_id)
        await audit.record(s, actor.audit, "recording.list_viewed", "clue", case_id, {}, at=now_of(request))
        return {"clue": clue, "recordings": recordings, "exports": exports, "me": actor.user_id}

    return await run(request, work)


@routes.get("/recordings/{id}")
@aiohttp_jinja2.template("recordings/recording.html")
async def recording_page(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    recording_id = int_param(request, "id")

    async def work(s: Any) -> dict[str, Any]:
        recording = await require_recording(s, request.app, actor, recording_id)
        view = await _recording_view(s, recording)
        await audit.record(s, actor.audit, "recording.viewed", service.OBJECT_TYPE, recording.id, {}, at=now_of(request))
        return view

    return await run(request, work)


@routes.get("/recordings/{id}/segments/{position}/media")
async def segment_media(request: web.Request) -> web.StreamResponse:
    """The segment decrypted, with range requests; `?download=1` as an attachment. Audited per playback start."""
    actor = require_staff(request)
    recording_id, position = int_param(request, "id"), int_param(request, "position")
    download = request.query.get("download") == "1"
    range_header = request.headers.get("Range", "")
    starts = download or not range_header or range_header.replace(" ", "") in ("bytes=0-", "bytes=0-1")

    async def work(s: Any) -> tuple[str, int]:
        _recording, segment = await require_segment(s, request.app, actor, recording_id, position)
        if starts:  # one entry per playback or download, not one per seek
            action = "recording.downloaded" if download else "recording.played"
            await audit.record(
                s, actor.audit, action, "recording_segment", segment.id,
                {"recording_id": recording_id, "position": position, "file_id": segment.file_id}, at=now_of(request),
            )  # fmt: skip
        return segment.file_id, segment.id

    file_id, _ = await run(request, work, write=starts)
    try:
        reader = await request.app[READERS].get(file_id)
    except StoreError as exc:  # missing, or failing its manifest: not there to play (verify names it)
        log.error("recording_unplayable", file_id=file_id, error=str(exc))
        raise NotFound("recording") from exc
    media_type = reader.manifest.media_type
    extension = "mkv" if media_type == "video/x-matroska" else "webm"
    name = f"recording-{recording_id}-segment-{position}.{extension}" if download else None
    try:
        return await serve(request, reader, media_type, filename=name)
    except StoreError as exc:  # raised before any byte was sent: the file is damaged (verify names it)
        log.error("recording_unplayable", file_id=file_id, error=str(exc))
        raise NotFound("recording") from exc


@routes.get("/recordings/{id}/segments/{position}/participants/{participant}/media")
async def participant_media(request: web.Request) -> web.StreamResponse:
    """One participant's tracks of a segment (a review copy, made on first use), with range requests."""
    actor = require_staff(request)
    recording_id, position = int_param(request, "id"), int_param(request, "position")
    participant = request.match_info["participant"]
    range_header = request.headers.get("Range", "")
    starts = not range_header or range_header.replace(" ", "") in ("bytes=0-", "bytes=0-1")

    async def work(s: Any) -> Any:
        _recording, segment = await require_segment(s, request.app, actor, recording_id, position)
        if participant not in {track["participant"] for track in json.loads(segment.tracks)}:
            raise NotFound("recording")
        if starts:
            await audit.record(
                s, actor.audit, "recording.played", "recording_segment", segment.id,
                {"recording_id": recording_id, "position": position, "participant": participant}, at=now_of(request),
            )  # fmt: skip
        return segment

    segment = await run(request, work, write=starts)
    try:
        file_id = await request.app[COPIES].file_of(segment, participant)
        reader = await request.app[READERS].get(file_id)
        return await serve(request, reader, reader.manifest.media_type)
    except StoreError as exc:  # the original (or the copy) is damaged: nothing is served (verify names it)
        log.error("recording_unplayable", segment=segment.id, participant=participant, error=str(exc))
        raise NotFound("recording") from exc


# ---- exports ---------------------------------------------------------------------------------


class ExportIn(BaseModel):
    reason: str = Field(min_length=2, max_length=2000)


@routes.post("/cases/{id}/recordings/exports")
async def export_request(request: web.Request) -> web.Response:
    actor = require_staff(request)
    case_id = int_param(request, "id")
    form = await parse_form(request, ExportIn)

    async def work(s: Any) -> None:
        await require_case(s, request.app, actor, case_id)
        await export.request_export(s, actor, case_id, form.reason, now_of(request))

    await run(request, work)
    return see_other(f"/cases/{case_id}/recordings")


@routes.post("/recordings/exports/{id}/{decision:approve|reject}")
async def export_decide(request: web.Request) -> web.Response:
    actor = require_staff(request)
    export_id = int_param(request, "id")
    approve = request.match_info["decision"] == "approve"

    async def work(s: Any) -> int:
        row = await export.get_export(s, export_id)
        await require_case(s, request.app, actor, row.case_id)
        await export.decide(s, actor, row, approve, now_of(request))
        if approve:
            await export.build_package(s, request.app[READERS].store, row, now_of(request))
        return row.case_id

    case_id = await run(request, work)
    return see_other(f"/cases/{case_id}/recordings")


@routes.get("/recordings/exports/{id}/package")
async def export_download(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    export_id = int_param(request, "id")

    async def work(s: Any) -> str:
        row = await export.get_export(s, export_id)
        await require_case(s, request.app, actor, row.case_id)
        if row.status is not ExportStatus.APPROVED or row.file_id is None:
            raise NotFound("recording_export")
        await audit.record(s, actor.audit, "recording.export_downloaded", export.OBJECT_TYPE, row.id, {}, at=now_of(request))
        return row.file_id

    file_id = await run(request, work)
    reader = await request.app[READERS].store.open_reader(file_id)
    return await serve(request, reader, "application/zip", filename=f"recordings-export-{export_id}.zip")


# ---- the legal notice (authorised by the participant's room token) -------------------------------


def _seat(request: web.Request, token: str) -> tuple[int, Any]:
    try:
        seat = verify_token(token, request.app[SECRET], now=now_of(request).timestamp())
    except TokenError:
        raise NotFound("room_session") from None
    session_id = session_id_of(seat.room)
    if session_id is None:
        raise NotFound("room_session")
    return session_id, seat


def _notice_text(request: web.Request) -> tuple[str, str]:
    translate = request.app[CATALOGS].gettext
    return translate(NOTICE_TITLE), translate(NOTICE_TEXT)


@routes.get("/api/v1/recordings/notice")
async def notice_get(request: web.Request) -> web.Response:
    _session_id, seat = _seat(request, request.query.get("token", ""))
    title, text = _notice_text(request)
    translate = request.app[CATALOGS].gettext
    labels = {key: translate(msgid) for key, msgid in NOTICE_LABELS.items()}
    return web.json_response(
        {"required": seat.role.value in NOTICE_ROLES, "title": title, "text": text, "sha256": notice_sha256(title, text),
         "labels": labels}
    )  # fmt: skip


class NoticeIn(BaseModel):
    token: str = Field(max_length=2048)
    decision: NoticeDecision
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


@routes.post("/api/v1/recordings/notice")
async def notice_post(request: web.Request) -> web.Response:
    body = validate(NoticeIn, await read_json(request))
    session_id, seat = _seat(request, body.token)
    title, text = _notice_text(request)
    if body.sha256 != notice_sha256(title, text):
        raise BadRequest("notice_changed", "The notice shown is not the current one; reload the page.")
    now = now_of(request)
    async with db_of(request).transaction() as s:
        row = await answer(
            s, room_session_id=session_id, participant=seat.participant, name=seat.name, role=seat.role.value,
            decision=body.decision, sha256=body.sha256, locale=request.get(LOCALE, ""), now=now,
        )  # fmt: skip
    return web.json_response({"decision": row.decision.value, "decided_at": row.decided_at.isoformat()}, status=201)
