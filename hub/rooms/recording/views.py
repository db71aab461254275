"""Pages and endpoints: a case's recordings, one recording with its player, media by range, exports, the notice.

Every page view, playback start and download is an audit entry; every refusal answers 404 (as for an id
that does not exist), so a guessed URL tells nothing.
"""

from __future__ import annotations

import json
from typing import Any

import structlog
from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub import audit
from hub.errors import BadRequest, NotFound
from hub.http.keys import CATALOGS, LOCALE, POLICY, SECRET
from hub.http.views import Call, Permission, Routes, Who, in_transaction
from hub.rooms.events import session_id_of
from hub.rooms.models import Room, RoomSession
from hub.rooms.recording import export, service
from hub.rooms.recording.access import require_case, require_recordings_of, require_segment
from hub.rooms.recording.keys import COPIES, READERS
from hub.rooms.recording.models import ExportStatus, NoticeDecision, Recording, TrackKind, track_kind
from hub.rooms.recording.notice import NOTICE_LABELS, NOTICE_ROLES, NOTICE_TEXT, NOTICE_TITLE, answer, notice_sha256, notices_of
from hub.rooms.recording.playback import serve
from hub.rooms.recording.summary import role_of
from hub.rooms.recording.timeline import TIMELINES, described, timeline_of
from hub.rooms.tokens import TokenError, verify_token
from hub.store.interface import StoredFile, StoreError, grouped

routes = Routes()
log = structlog.get_logger("hub.recordings")
SEE_CASE = Permission("view", "clue")  # the cases part's loader: recusals included (refusals audited)
SEE_RECORDING = Permission("view", "recording")


async def _recording_view(s: Any, recording: Recording, app: web.Application | None = None) -> dict[str, Any]:
    segments = await service.segments_of(s, recording.id)
    files = {f.id: f for f in (await s.scalars(select(StoredFile).where(StoredFile.id.in_([x.file_id for x in segments])))).all()}
    room_session = await s.get(RoomSession, recording.room_session_id)
    rooms = []
    if room_session is not None:
        rooms = (await s.scalars(select(Room).where(Room.id.in_(room_session.room_ids)))).all()
    people: dict[str, dict[str, Any]] = {}
    rows: list[dict[str, Any]] = []
    for segment in segments:
        tracks: list[dict[str, Any]] = [
            {**track, "role": role_of(track["role"]), "kind": track_kind(track["kind"])} for track in json.loads(segment.tracks)
        ]
        for track in tracks:
            people.setdefault(track["participant"], {"name": track["name"], "role": role_of(track["role"])})
        file = files.get(segment.file_id)
        participants: dict[str, dict[str, Any]] = {}
        contents: dict[str, dict[str, Any]] = {}  # whose shared content the segment holds: a player of its own
        for track in tracks:
            if track["kind"] is TrackKind.CONTENT:
                contents[track["participant"]] = {"name": track["name"], "role": role_of(track["role"])}
            else:
                participants.setdefault(track["participant"], {"name": track["name"], "role": role_of(track["role"])})
        rows.append(
            {
                "segment": segment,
                "tracks": tracks,
                "participants": participants,
                "contents": contents,
                "file": file,
                "fingerprint": grouped(file.manifest_sha256) if file is not None and file.manifest_sha256 else "",
            }
        )
    ended = recording.ended_at
    placed = await timeline_of(app, s, room_session, segments) if app is not None else None
    timeline = described(placed, app[CATALOGS].gettext) if app is not None and placed else None
    duration = sum((r["segment"].duration_ms or 0) for r in rows) // 1000
    return {
        "recording": recording,
        "room_session": room_session,
        "rooms": rooms,
        "people": people,
        "segments": rows,
        "gaps": await service.gaps_of(s, recording.id),
        "notices": await notices_of(s, recording.room_session_id),
        "timeline": timeline,
        "total_size": sum((r["file"].plaintext_size or 0) for r in rows if r["file"] is not None),
        "media_seconds": duration,
        "span_seconds": int((ended - recording.started_at).total_seconds()) if ended else None,
    }


@routes.get(
    "/cases/{id}/recordings",
    permission=SEE_CASE,
    write=True,  # the viewing is an audit entry
    template="recordings/case.html",
    summary="A case's recordings and export requests.",
)
async def case_recordings(call: Call[None]) -> dict[str, Any]:
    case_id, s = call.target.id, call.db
    require_recordings_of(call.app[POLICY], call.actor, case_id)
    recordings = [await _recording_view(s, r) for r in await service.recordings_of_case(s, case_id)]
    exports = await export.exports_of(s, case_id)
    await audit.record(s, call.actor.audit, "recording.list_viewed", "clue", case_id, {}, at=call.now)
    return {"clue": call.target, "recordings": recordings, "exports": exports, "me": call.actor.user_id}


@routes.get(
    "/recordings/{id}",
    permission=SEE_RECORDING,
    write=True,  # the viewing is an audit entry
    template="recordings/recording.html",
    summary="One recording with its segments, gaps, notices and player.",
)
async def recording_page(call: Call[None]) -> dict[str, Any]:
    recording: Recording = call.target
    view = await _recording_view(call.db, recording, call.app)
    await audit.record(call.db, call.actor.audit, "recording.viewed", service.OBJECT_TYPE, recording.id, {}, at=call.now)
    return view


def _starts(call: Call[Any], *, download: bool = False) -> bool:
    """A playback (or download) starts with a request from the first byte; seeking asks for later ranges."""
    range_header = call.request.headers.get("Range", "")
    return download or not range_header or range_header.replace(" ", "") in ("bytes=0-", "bytes=0-1")


# Media are streamed with ranges after their unit of work (the check, and the audit entry of a playback start),
# so these views open that unit themselves (tx=False) and check the recording through its loader there.


@routes.get("/recordings/{id}/segments/{position}/media", tx=False, summary="A segment decrypted, by range.")
async def segment_media(call: Call[None]) -> web.StreamResponse:
    """The segment decrypted, with range requests; `?download=1` as an attachment. Audited per playback start."""
    actor, request = call.actor, call.request
    recording_id, position = call.int("id"), call.int("position")
    if call.query("download"):
        # a copy leaves only as an approved export (a second person outside the requester's unit): issue 14, finding 9
        raise NotFound("recording")
    download = False
    starts = _starts(call, download=download)

    async def work(s: Any) -> tuple[str, int]:
        _recording, segment = await require_segment(s, request.app, actor, recording_id, position)
        if starts:  # one entry per playback or download, not one per seek
            action = "recording.downloaded" if download else "recording.played"
            await audit.record(
                s, actor.audit, action, "recording_segment", segment.id,
                {"recording_id": recording_id, "position": position, "file_id": segment.file_id}, at=call.now,
            )  # fmt: skip
        return segment.file_id, segment.id

    file_id, _ = await in_transaction(request, work, write=starts)
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


@routes.get(
    "/recordings/{id}/segments/{position}/participants/{participant}/media",
    tx=False,
    summary="One participant's tracks of a segment, by range.",
)
async def participant_media(call: Call[None]) -> web.StreamResponse:
    """One participant's camera and sound in a segment (a review copy, made on first use), with range requests."""
    return await _review_copy(call, content=False)


@routes.get(
    "/recordings/{id}/segments/{position}/participants/{participant}/content/media",
    tx=False,
    summary="The content a participant shared in a segment, by range.",
)
async def content_media(call: Call[None]) -> web.StreamResponse:
    """The screen a participant shared (a conference), as a review copy of its own, with range requests."""
    return await _review_copy(call, content=True)


async def _review_copy(call: Call[None], *, content: bool) -> web.StreamResponse:
    actor, request = call.actor, call.request
    recording_id, position = call.int("id"), call.int("position")
    participant = request.match_info["participant"]
    starts = _starts(call)

    async def work(s: Any) -> Any:
        _recording, segment = await require_segment(s, request.app, actor, recording_id, position)
        kinds = {track["kind"] for track in json.loads(segment.tracks) if track["participant"] == participant}
        if not (TrackKind.CONTENT in kinds if content else kinds - {TrackKind.CONTENT}):
            raise NotFound("recording")
        if starts:
            played = {"recording_id": recording_id, "position": position, "participant": participant}
            await audit.record(s, actor.audit, "recording.played", "recording_segment", segment.id,
                               played | ({"content": True} if content else {}), at=call.now)  # fmt: skip
        return segment

    segment = await in_transaction(request, work, write=starts)
    try:
        file_id = await request.app[COPIES].file_of(segment, participant, content=content)
        reader = await request.app[READERS].get(file_id)
        return await serve(request, reader, reader.manifest.media_type)
    except StoreError as exc:  # the original (or the copy) is damaged: nothing is served (verify names it)
        log.error("recording_unplayable", segment=segment.id, participant=participant, error=str(exc))
        raise NotFound("recording") from exc


# ---- exports ---------------------------------------------------------------------------------


class ExportIn(BaseModel):
    reason: str = Field(min_length=2, max_length=2000)


@routes.post(
    "/cases/{id}/recordings/exports", permission=SEE_CASE, form=ExportIn, summary="Ask for an export of a case's recordings."
)
async def export_request(call: Call[ExportIn]) -> str:
    case_id = call.target.id
    require_recordings_of(call.app[POLICY], call.actor, case_id, "export")
    await export.request_export(call.db, call.actor, case_id, call.body.reason, call.now)
    return f"/cases/{case_id}/recordings"


@routes.post("/recordings/exports/{id}/{decision:approve|reject}", summary="A second person approves or rejects an export.")
async def export_decide(call: Call[None]) -> str:
    """Exports have no rule of their own: the caller must see the export's case (and its recordings)."""
    approve = call.request.match_info["decision"] == "approve"
    row = await export.get_export(call.db, call.int("id"))
    await require_case(call.db, call.app, call.actor, row.case_id, "approve_export")
    await export.decide(call.db, call.actor, row, approve, call.now)
    if approve:
        await export.build_package(
            call.db, call.app[READERS].store, row, call.now, timelines=call.app.get(TIMELINES), catalogs=call.app[CATALOGS]
        )
    return f"/cases/{row.case_id}/recordings"


@routes.get("/recordings/exports/{id}/package", tx=False, summary="Download an approved export (a ZIP).")
async def export_download(call: Call[None]) -> web.StreamResponse:
    """Checked and audited in a unit of its own; the package is streamed after it."""
    export_id = call.int("id")

    async def work(s: Any) -> str:
        row = await export.get_export(s, export_id)
        await require_case(s, call.app, call.actor, row.case_id)
        if row.status is not ExportStatus.APPROVED or row.file_id is None:
            raise NotFound("recording_export")
        await audit.record(s, call.actor.audit, "recording.export_downloaded", export.OBJECT_TYPE, row.id, {}, at=call.now)
        return row.file_id

    file_id = await in_transaction(call.request, work)
    reader = await call.app[READERS].store.open_reader(file_id)
    return await serve(call.request, reader, "application/zip", filename=f"recordings-export-{export_id}.zip")


# ---- the legal notice (authorised by the participant's room token) -------------------------------


def _seat(call: Call[Any], token: str) -> tuple[int, Any]:
    try:
        seat = verify_token(token, call.app[SECRET], now=call.now.timestamp())
    except TokenError:
        raise NotFound("room_session") from None
    session_id = session_id_of(seat.room)
    if session_id is None:
        raise NotFound("room_session")
    return session_id, seat


def _notice_text(call: Call[Any]) -> tuple[str, str]:
    translate = call.app[CATALOGS].gettext
    return translate(NOTICE_TITLE), translate(NOTICE_TEXT)


@routes.get("/api/v1/recordings/notice", who=Who.ANYONE, tx=False, summary="The recording notice for a room token's holder.")
async def notice_get(call: Call[None]) -> web.Response:
    # The room token comes in a header, never in the URL (URLs end up in logs and browser histories).
    _session_id, seat = _seat(call, call.request.headers.get("X-Room-Token", ""))
    title, text = _notice_text(call)
    translate = call.app[CATALOGS].gettext
    labels = {key: translate(msgid) for key, msgid in NOTICE_LABELS.items()}
    return web.json_response(
        {"required": seat.role.value in NOTICE_ROLES, "title": title, "text": text, "sha256": notice_sha256(title, text),
         "labels": labels}
    )  # fmt: skip


class NoticeIn(BaseModel):
    token: str = Field(max_length=2048)
    decision: NoticeDecision
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


@routes.post("/api/v1/recordings/notice", who=Who.ANYONE, body=NoticeIn, summary="Acknowledge or refuse the notice.")
async def notice_post(call: Call[NoticeIn]) -> web.Response:
    """Authorised by the participant's room token, not by a session: a missing or forged one answers 404."""
    body = call.body
    session_id, seat = _seat(call, body.token)
    title, text = _notice_text(call)
    if body.sha256 != notice_sha256(title, text):
        raise BadRequest("notice_changed", "The notice shown is not the current one; reload the page.")
    row = await answer(
        call.db, room_session_id=session_id, participant=seat.participant, name=seat.name, role=seat.role.value,
        decision=body.decision, sha256=body.sha256, locale=call.request.get(LOCALE, ""), now=call.now,
    )  # fmt: skip
    return web.json_response({"decision": row.decision.value, "decided_at": row.decided_at.isoformat()}, status=201)
