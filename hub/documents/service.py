"""Creating documents (uploads and generated ones), their versions, 呈批, and 移送. Services never commit.

Files go into the evidence store encrypted, labelled with their case, and their signed manifests into the audit chain
(``record_closed``), as recordings do. Rendering a PDF or DOCX and reading an upload run in a thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit, numbering
from hub.access.actor import Actor
from hub.cases.interface import Approver, CaseContext, may_approve
from hub.clock import LOCAL_TZ
from hub.documents import content, search, uploads
from hub.documents.kinds import KINDS, CaseFacts, Filled, Kind, RecordingRef, build
from hub.documents.models import Document, DocumentApproval, DocumentKind, DocumentStatus, DocumentVersion, Transmission
from hub.errors import Conflict, Forbidden, Invalid, NotFound
from hub.i18n import N_
from hub.org.interface import OrgUnit, UnitKind
from hub.rooms.interface import recordings
from hub.store.interface import EvidenceStore, FileKind, Labels, StoredFile, grouped, record_closed

OBJECT_TYPE = "document"
# Pango and fontconfig are not safe to drive from several threads at once: documents are rendered one at a time, on a
# thread of their own, off the event loop
RENDERER = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="documents-render")
GENDERS = {"male": "男", "female": "女"}
TRANSMIT_TO = (UnitKind.OFFICE, UnitKind.JOINT_GROUP, UnitKind.TOWNSHIP)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


async def case_facts(session: AsyncSession, clue: Any) -> CaseFacts:
    unit_id = clue.unit_id or clue.township_id
    unit = await session.get(OrgUnit, unit_id) if unit_id else None
    gender = getattr(clue.subject_gender, "value", clue.subject_gender)
    return CaseFacts(
        case_number=clue.number,
        subject_name=clue.subject_name,
        subject_gender=GENDERS.get(gender or "", ""),
        subject_birth_date=chinese_date(clue.subject_birth_date) if clue.subject_birth_date else "",
        subject_post=clue.subject_post or "",
        subject_unit=unit.name_zh if unit is not None else "",
        party_member=bool(clue.subject_party_member),
        summary=clue.summary,
    )


@dataclass(frozen=True)
class CaseRecording:
    """A recording of the case (rooms' recordings): its time, the people in it, and its segments' fingerprints."""

    recording_id: int
    started: dt.datetime
    ended: dt.datetime | None
    people: tuple[str, ...]
    fingerprints: tuple[str, ...]  # one per segment, in order, grouped for reading aloud

    def ref(self) -> RecordingRef:
        fmt = "%Y-%m-%d %H:%M:%S"
        ended = self.ended.astimezone(LOCAL_TZ).strftime(fmt) if self.ended else "—"
        title = f"第{self.recording_id}号录音录像" + (f"（{'、'.join(self.people)}）" if self.people else "")
        return RecordingRef(title, self.started.astimezone(LOCAL_TZ).strftime(fmt), ended, self.fingerprints)


async def case_recordings(session: AsyncSession, clue_id: int) -> list[CaseRecording]:
    out = []
    for rec in await recordings.recordings_of_case(session, clue_id):
        segments = await recordings.segments_of(session, rec.id)
        ids = [x.file_id for x in segments]
        files = {f.id: f for f in (await session.scalars(select(StoredFile).where(StoredFile.id.in_(ids)))).all()}
        people: dict[str, str] = {}
        for segment in segments:
            for track in json.loads(segment.tracks or "[]"):
                people.setdefault(str(track.get("participant", "")), str(track.get("name", "")))
        fingerprints = tuple(grouped(files[i].manifest_sha256 or "") for i in ids if i in files and files[i].manifest_sha256)
        out.append(CaseRecording(rec.id, rec.started_at, rec.ended_at, tuple(n for n in people.values() if n), fingerprints))
    return out


async def _store(
    session: AsyncSession, store: EvidenceStore, actor: Actor, clue_id: int, data: bytes, kind: FileKind, media_type: str
) -> str:
    signed = await store.put(data, kind, media_type, Labels(case_id=clue_id))
    await record_closed(session, signed, actor=actor.audit)
    return signed.manifest.file_id


async def _number(session: AsyncSession, kind: Kind, now: dt.datetime) -> str:
    year = now.astimezone(LOCAL_TZ).year
    return kind.number(year, await numbering.take(session, f"doc.{kind.kind.value}", year))


async def _new_document(session: AsyncSession, actor: Actor, clue_id: int, kind: Kind, title: str, now: dt.datetime) -> Document:
    doc = Document(
        clue_id=clue_id, kind=kind.kind, number=await _number(session, kind, now), title=title,
        status=DocumentStatus.DRAFT, approval_step=0, created_by=actor.user_id, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(doc)
    await session.flush()
    return doc


async def _add_version(
    session: AsyncSession, actor: Actor, doc: Document, file_id: str, media_type: str, filename: str, text: str,
    now: dt.datetime, *, docx_file_id: str | None = None, note: str = "", filled: str = "",
) -> DocumentVersion:  # fmt: skip
    last = await session.scalar(
        select(DocumentVersion.number)
        .where(DocumentVersion.document_id == doc.id)
        .order_by(DocumentVersion.number.desc())
        .limit(1)
    )
    version = DocumentVersion(
        document_id=doc.id, number=(last or 0) + 1, file_id=file_id, media_type=media_type, filename=filename,
        docx_file_id=docx_file_id, text=text, filled=filled, note=note, created_by=actor.user_id, created_at=now,
    )  # fmt: skip
    session.add(version)
    await session.flush()
    await search.index(session, version)
    return version


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    docx: bytes
    text: str


def render(kind: Kind, filled: Filled) -> Rendered:
    """The three renderings of one document (blocking: run it in a thread)."""
    blocks = build(kind, filled)
    title = kind.printed_title
    return Rendered(content.render_pdf(blocks, title), content.render_docx(blocks, title), content.plain_text(blocks))


def check_fields(kind: Kind, fields: Mapping[str, str]) -> dict[str, str]:
    clean = {spec.name: str(fields.get(spec.name, "")).strip()[:20000] for spec in kind.fields}
    missing = {spec.name: N_("This field is required.") for spec in kind.fields if spec.required and not clean[spec.name]}
    if missing:
        raise Invalid("invalid", "Some fields are not valid.", fields=missing)
    return clean


def generated_kind(kind_value: str) -> Kind:
    try:
        kind = KINDS[DocumentKind(kind_value)]
    except ValueError:
        kind = KINDS[DocumentKind.UPLOAD]
    if not kind.generated:
        raise Invalid("bad_kind", N_("Choose the kind of document to generate."), fields={"kind": "?"})
    return kind


async def prepare(
    session: AsyncSession, clue: Any, kind: Kind, fields: Mapping[str, str], now: dt.datetime,
    *, recording_id: int | None = None,
) -> Filled:  # fmt: skip
    """Check the fields, find the recording cited, and take the document's number (文号): all a rendering needs.

    The number is taken in its own short unit of work, before the rendering, so that no write transaction waits on
    the layout of pages; a generation that fails afterwards leaves a gap in the numbering, as a spoiled form does."""
    clean = check_fields(kind, fields)
    recording = None
    if recording_id is not None:
        found = [r for r in await case_recordings(session, clue.id) if r.recording_id == recording_id]
        if not found:
            raise Invalid("bad_recording", N_("This recording is not one of this case's."), fields={"recording": "?"})
        recording = found[0].ref()
    number = await _number(session, kind, now)
    return Filled(await case_facts(session, clue), clean, number, chinese_date(now.astimezone(LOCAL_TZ).date()), recording)


async def render_off_loop(kind: Kind, filled: Filled) -> Rendered:
    return await asyncio.get_running_loop().run_in_executor(RENDERER, render, kind, filled)


async def save_generated(
    session: AsyncSession, store: EvidenceStore, actor: Actor, clue: Any, kind: Kind, filled: Filled, rendered: Rendered,
    now: dt.datetime,
) -> Document:  # fmt: skip
    """Store the rendered files (encrypted, with their manifests in the audit chain) as version 1 of a new document."""
    doc = Document(
        clue_id=clue.id, kind=kind.kind, number=filled.number, title=f"{kind.printed_title}（{clue.subject_name}）",
        status=DocumentStatus.DRAFT, approval_step=0, created_by=actor.user_id, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(doc)
    await session.flush()
    pdf_id = await _store(session, store, actor, clue.id, rendered.pdf, FileKind.DOCUMENT, uploads.PDF)
    docx_id = await _store(session, store, actor, clue.id, rendered.docx, FileKind.DOCUMENT, uploads.DOCX)
    version = await _add_version(
        session, actor, doc, pdf_id, uploads.PDF, f"{filled.number}.pdf", rendered.text, now, docx_file_id=docx_id,
        filled=json.dumps(filled.as_json(), ensure_ascii=False),
    )  # fmt: skip
    recording = filled.recording
    await audit.record(
        session, actor.audit, "document.generated", OBJECT_TYPE, doc.id,
        {"clue_id": clue.id, "kind": kind.kind.value, "number": filled.number, "version": version.number,
         "pdf_file_id": pdf_id, "docx_file_id": docx_id,
         "recording_fingerprints": list(recording.fingerprints) if recording else []},
        at=now,
    )  # fmt: skip
    return doc


async def generate(
    session: AsyncSession, store: EvidenceStore, actor: Actor, clue: Any, kind_value: DocumentKind,
    fields: Mapping[str, str], now: dt.datetime, *, recording_id: int | None = None,
) -> Document:  # fmt: skip
    """A standard document filled from the case and ``fields``, numbered, rendered and stored in one unit of work
    (the demo and scripts; the page takes the number, renders and stores in three steps)."""
    kind = generated_kind(kind_value)
    filled = await prepare(session, clue, kind, fields, now, recording_id=recording_id)
    return await save_generated(session, store, actor, clue, kind, filled, await render_off_loop(kind, filled), now)


async def upload(
    session: AsyncSession, store: EvidenceStore, actor: Actor, clue: Any, title: str, data: bytes, filename: str,
    now: dt.datetime,
) -> Document:  # fmt: skip
    inspected = await asyncio.to_thread(uploads.inspect, data)
    kind = KINDS[DocumentKind.UPLOAD]
    doc = await _new_document(session, actor, clue.id, kind, title.strip()[:200] or _filename(filename, inspected), now)
    file_id = await _store(session, store, actor, clue.id, data, FileKind.ATTACHMENT, inspected.media_type)
    version = await _add_version(
        session, actor, doc, file_id, inspected.media_type, _filename(filename, inspected), inspected.text, now
    )
    await audit.record(
        session, actor.audit, "document.uploaded", OBJECT_TYPE, doc.id,
        {"clue_id": clue.id, "number": doc.number, "file_id": file_id, "media_type": inspected.media_type,
         "size": len(data), "version": version.number},
        at=now,
    )  # fmt: skip
    return doc


def _filename(sent: str, inspected: uploads.Inspected) -> str:
    printable = "".join(c for c in sent if c.isprintable())  # no NUL or control characters from the sender's name
    stem = printable.rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0][:150] or "file"
    return f"{stem}.{uploads.EXTENSIONS[inspected.media_type]}"


async def new_version(
    session: AsyncSession, store: EvidenceStore, actor: Actor, doc: Document, data: bytes, filename: str, note: str,
    now: dt.datetime,
) -> DocumentVersion:  # fmt: skip
    """A new version from an upload (an edited DOCX back from WPS, a signed scan); an approval starts over."""
    if doc.status is DocumentStatus.PENDING:
        raise Conflict("pending", N_("The document is waiting for approval; it cannot change now."))
    inspected = await asyncio.to_thread(uploads.inspect, data)
    kind = FileKind.DOCUMENT if doc.kind is not DocumentKind.UPLOAD else FileKind.ATTACHMENT
    file_id = await _store(session, store, actor, doc.clue_id, data, kind, inspected.media_type)
    version = await _add_version(
        session, actor, doc, file_id, inspected.media_type, _filename(filename, inspected), inspected.text, now, note=note[:300],
    )  # fmt: skip
    doc.status, doc.approval_step, doc.updated_at = DocumentStatus.DRAFT, 0, now
    await audit.record(
        session, actor.audit, "document.version_added", OBJECT_TYPE, doc.id,
        {"version": version.number, "file_id": file_id, "media_type": inspected.media_type, "size": len(data)}, at=now,
    )  # fmt: skip
    return version


async def versions(session: AsyncSession, document_id: int) -> Sequence[DocumentVersion]:
    return (
        await session.scalars(
            select(DocumentVersion).where(DocumentVersion.document_id == document_id).order_by(DocumentVersion.number)
        )
    ).all()


async def latest(session: AsyncSession, document_id: int) -> DocumentVersion:
    found = (await versions(session, document_id))[-1:]
    if not found:
        raise NotFound("document")
    return found[0]


async def version(session: AsyncSession, document_id: int, number: int) -> DocumentVersion:
    found = await session.scalar(
        select(DocumentVersion).where(DocumentVersion.document_id == document_id, DocumentVersion.number == number)
    )
    if found is None:
        raise NotFound("document")
    return found


def chain(doc: Document) -> tuple[str, ...]:
    return KINDS[doc.kind].approvers


def next_approver(doc: Document) -> Approver | None:
    steps = chain(doc)
    return Approver(steps[doc.approval_step]) if doc.status is DocumentStatus.PENDING and doc.approval_step < len(steps) else None


async def submit(session: AsyncSession, actor: Actor, doc: Document, now: dt.datetime) -> None:
    """呈批: the document goes to the first approver of its kind's chain."""
    if not chain(doc):
        raise Conflict("no_approval", N_("This kind of document needs no approval."))
    if doc.status in (DocumentStatus.PENDING, DocumentStatus.APPROVED):
        raise Conflict("already", N_("The document has been submitted already."))
    doc.status, doc.approval_step, doc.updated_at = DocumentStatus.PENDING, 0, now
    current = await latest(session, doc.id)
    await audit.record(session, actor.audit, "document.submitted", OBJECT_TYPE, doc.id, {"version": current.number}, at=now)


def may_sign(ctx: CaseContext, actor: Actor, doc: Document, clue: Any) -> bool:
    approver = next_approver(doc)
    return approver is not None and may_approve(actor, approver, clue, ctx.offices)


async def decide(
    session: AsyncSession, ctx: CaseContext, actor: Actor, doc: Document, clue: Any, approve: bool, comment: str,
    now: dt.datetime,
) -> None:  # fmt: skip
    approver = next_approver(doc)
    if approver is None:
        raise Conflict("not_pending", N_("The document is not waiting for approval."))
    if not may_approve(actor, approver, clue, ctx.offices):
        raise Forbidden("not_approver", N_("This approval is not yours to sign."))
    current = await latest(session, doc.id)
    session.add(
        DocumentApproval(
            document_id=doc.id, version_number=current.number, step=doc.approval_step, approver=approver.value,
            approved=approve, decided_by=actor.user_id, decided_label=actor.display_name or actor.username,
            decided_at=now, comment=comment[:4000],
        )
    )  # fmt: skip
    if not approve:
        doc.status = DocumentStatus.REJECTED
    else:
        doc.approval_step += 1
        if doc.approval_step >= len(chain(doc)):
            doc.status = DocumentStatus.APPROVED
    doc.updated_at = now
    await audit.record(
        session, actor.audit, "document.approved" if approve else "document.rejected", OBJECT_TYPE, doc.id,
        {"version": current.number, "approver": approver.value, "comment": comment[:4000]}, at=now,
    )  # fmt: skip


async def approved_copy(session: AsyncSession, doc: Document) -> tuple[Kind, Filled] | None:
    """What the approved version prints: the generated version's content with the approvals signed on it (定稿)."""
    if doc.status is not DocumentStatus.APPROVED or not KINDS[doc.kind].generated:
        return None
    current = await latest(session, doc.id)
    if not current.filled:
        return None  # an uploaded version (an edited DOCX): the hub cannot print it again
    signed = [a for a in await approvals(session, doc.id) if a.version_number == current.number and a.approved]
    steps = tuple(
        (a.approver, a.decided_label, a.comment or "同意", chinese_date(a.decided_at.astimezone(LOCAL_TZ).date())) for a in signed
    )
    filled = Filled.from_json(json.loads(current.filled))
    return KINDS[doc.kind], Filled(filled.facts, filled.fields, filled.number, filled.date, filled.recording, steps)


async def save_approved_copy(
    session: AsyncSession, store: EvidenceStore, actor: Actor, doc: Document, kind: Kind, filled: Filled, rendered: Rendered,
    now: dt.datetime,
) -> DocumentVersion:  # fmt: skip
    """The approved version with its approvals printed, as a new version; the document stays approved."""
    pdf_id = await _store(session, store, actor, doc.clue_id, rendered.pdf, FileKind.DOCUMENT, uploads.PDF)
    docx_id = await _store(session, store, actor, doc.clue_id, rendered.docx, FileKind.DOCUMENT, uploads.DOCX)
    version = await _add_version(
        session, actor, doc, pdf_id, uploads.PDF, f"{filled.number}（定稿）.pdf", rendered.text, now, docx_file_id=docx_id,
        note="审批后定稿（印有审批意见）", filled=json.dumps(filled.as_json(), ensure_ascii=False),
    )  # fmt: skip
    await audit.record(
        session, actor.audit, "document.finalised", OBJECT_TYPE, doc.id,
        {"version": version.number, "pdf_file_id": pdf_id, "docx_file_id": docx_id}, at=now,
    )  # fmt: skip
    return version


async def approvals(session: AsyncSession, document_id: int) -> Sequence[DocumentApproval]:
    return (
        await session.scalars(
            select(DocumentApproval).where(DocumentApproval.document_id == document_id).order_by(DocumentApproval.id)
        )
    ).all()


async def transmit(
    session: AsyncSession, actor: Actor, doc: Document, to_unit_id: int, note: str, now: dt.datetime
) -> Transmission:
    """移送: send the current version to another unit (an office, a joint group, a township), which signs a receipt."""
    unit = await session.get(OrgUnit, to_unit_id)
    if unit is None or unit.kind not in TRANSMIT_TO:
        raise Invalid("bad_unit", N_("Choose the unit to send the document to."), fields={"to_unit_id": "?"})
    if doc.status in (DocumentStatus.PENDING, DocumentStatus.REJECTED) or (
        chain(doc) and doc.status is not DocumentStatus.APPROVED
    ):
        raise Conflict("not_approved", N_("Only an approved document (or one that needs no approval) can be sent."))
    current = await latest(session, doc.id)
    sent = Transmission(
        document_id=doc.id, version_number=current.number, to_unit_id=unit.id, note=note[:300],
        sent_by=actor.user_id, sent_at=now,
    )  # fmt: skip
    session.add(sent)
    await session.flush()
    await audit.record(
        session, actor.audit, "document.transmitted", OBJECT_TYPE, doc.id,
        {"transmission": sent.id, "to_unit_id": unit.id, "version": current.number}, at=now,
    )  # fmt: skip
    return sent


async def receive(session: AsyncSession, actor: Actor, sent: Transmission, now: dt.datetime) -> None:
    """The receipt (回执): someone of the receiving unit signs that it arrived."""
    if actor.org_unit_id != sent.to_unit_id:
        raise Forbidden("not_yours", N_("Only the receiving unit signs the receipt."))
    if sent.received_at is not None:
        raise Conflict("received", N_("The receipt has been signed already."))
    sent.received_by, sent.received_label, sent.received_at = actor.user_id, actor.display_name or actor.username, now
    await audit.record(
        session, actor.audit, "document.received", "document_transmission", sent.id, {"document_id": sent.document_id}, at=now
    )


async def transmissions_of(session: AsyncSession, document_id: int) -> Sequence[Transmission]:
    return (
        await session.scalars(select(Transmission).where(Transmission.document_id == document_id).order_by(Transmission.id))
    ).all()


async def documents_of_case(session: AsyncSession, clue_id: int) -> Sequence[Document]:
    return (await session.scalars(select(Document).where(Document.clue_id == clue_id).order_by(Document.id))).all()
