"""Pages: a case's documents (upload, generate), one document (versions, 呈批, 移送), downloads and prints, search,
and the transmissions a unit receives. Every view of a document, download and print is an audit entry.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import structlog
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub import audit
from hub.cases.interface import CASES, Approver
from hub.documents import service
from hub.documents.access import case_of
from hub.documents.kinds import GENERATED, KINDS, Filled, Kind
from hub.documents.labels import MEDIA_LABELS
from hub.documents.models import Document, DocumentStatus, Transmission
from hub.documents.search import search
from hub.documents.uploads import MAX_UPLOAD_BYTES
from hub.documents.waiting import waiting
from hub.errors import Conflict, Forbidden, Invalid
from hub.http.keys import DB, POLICY
from hub.http.views import Call, Permission, Routes, in_transaction
from hub.i18n import N_
from hub.org.interface import OrgUnit
from hub.store.interface import STORE, StoredFile, grouped

routes = Routes()
log = structlog.get_logger("hub.documents")
SEE_CASE = Permission("view", "clue")
SEE_DOCUMENT = Permission("view", "document")
SEE_TRANSMISSION = Permission("view", "document_transmission")
FORM_ERRORS = (Invalid, Conflict, Forbidden)


async def _file_of_form(call: Call[Any], name: str = "file") -> tuple[bytes, str]:
    """The uploaded file of a multipart form (already read by the framework: ``request.post()`` caches)."""
    value = (await call.request.post()).get(name)
    if not isinstance(value, web.FileField):
        message = N_("Choose a file to upload.")
        raise Invalid("empty_file", message, fields={name: message})
    data = await asyncio.to_thread(value.file.read, MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid("too_large", N_("This file is too large (at most 20 MB)."))
    return data, value.filename or "file"


async def _units(call: Call[Any]) -> dict[int, OrgUnit]:
    return {u.id: u for u in (await call.db.scalars(select(OrgUnit))).all()}


@routes.get(
    "/documents/search", write=True, template="documents/search.html", summary="Full-text search of the documents one may see.",
)  # fmt: skip
async def search_page(call: Call[None]) -> dict[str, Any]:
    phrase = call.query("q").replace("\x00", "")[:100]  # PostgreSQL's text takes no NUL
    hits = await search(call.db, call.app[POLICY], call.actor, phrase) if phrase.strip() else []
    if phrase.strip():
        await audit.record(call.db, call.actor.audit, "document.searched", "document_search", "", {"q": phrase}, at=call.now)
    return {"q": phrase, "hits": hits}


@routes.get("/documents/waiting", template="documents/waiting.html", summary="Documents waiting for one's signature or receipt.")
async def waiting_page(call: Call[None]) -> dict[str, Any]:
    found = await waiting(call.db, call.app[POLICY], call.app[CASES], call.actor)
    return {"waiting": found}


@routes.get("/cases/{id}/documents", permission=SEE_CASE, template="documents/case.html", summary="A case's documents.")
async def case_documents(call: Call[None]) -> dict[str, Any]:
    clue = call.target
    recordings = await service.case_recordings(call.db, clue.id)
    return {
        "clue": clue,
        "documents": await service.documents_of_case(call.db, clue.id),
        "kinds": GENERATED,
        "recordings": recordings,
        "error": call.query("error"),
        "max_mb": MAX_UPLOAD_BYTES // 2**20,
    }


class UploadForm(BaseModel):
    title: str = Field("", max_length=200)


@routes.post(
    "/cases/{id}/documents/upload", permission=SEE_CASE, form=UploadForm, back="/cases/{id}/documents",
    back_on=FORM_ERRORS, summary="Upload a file (PDF, DOCX, image) into the case file.",
)  # fmt: skip
async def upload_form(call: Call[UploadForm]) -> str:
    data, filename = await _file_of_form(call)
    doc = await service.upload(call.db, call.app[STORE], call.actor, call.target, call.body.title, data, filename, call.now)
    return f"/documents/{doc.id}"


class GenerateForm(BaseModel):
    """The kind, the recording an interview record cites, and the kind's own fields (``kinds.FieldSpec``), as sent.
    The kind is checked after the case (a hidden case answers 404 whatever the form holds)."""

    model_config = ConfigDict(extra="allow")
    kind: str = Field("", max_length=40)
    recording: int | None = Field(None, ge=1, le=2**31 - 1)


# tx=False: the number is taken in one short unit of work, the pages are laid out outside any (no writer waits on
# them), and the files are stored in a second unit; each unit loads the case through the policy again
@routes.post(
    "/cases/{id}/documents/generate", form=GenerateForm, tx=False, back="/cases/{id}/documents",
    back_on=FORM_ERRORS, summary="Generate a standard document from the case's data and the fields given.",
)  # fmt: skip
async def generate_form(call: Call[GenerateForm]) -> str:
    policy, actor, case_id = call.app[POLICY], call.actor, call.int("id")
    fields = {k: v for k, v in call.raw.items() if isinstance(v, str)}

    async def case(s: AsyncSession) -> Any:
        clue = await policy.load(s, actor, "clue", case_id)
        policy.require(actor, "view", clue)
        return clue

    async def reserve(s: AsyncSession) -> tuple[Kind, Filled]:
        clue = await case(s)
        kind = service.generated_kind(call.body.kind)
        return kind, await service.prepare(s, clue, kind, fields, call.now, recording_id=call.body.recording)

    kind, filled = await in_transaction(call.request, reserve)
    rendered = await service.render_off_loop(kind, filled)

    async def save(s: AsyncSession) -> Document:
        return await service.save_generated(s, call.app[STORE], actor, await case(s), kind, filled, rendered, call.now)

    doc = await in_transaction(call.request, save)
    return f"/documents/{doc.id}"


@routes.get(
    "/documents/{id}", permission=SEE_DOCUMENT, write=True, template="documents/document.html",
    summary="One document: its versions, approval and transmissions.",
)  # fmt: skip
async def document_page(call: Call[None]) -> dict[str, Any]:
    doc: Document = call.target
    s, actor = call.db, call.actor
    clue = await case_of(s, call.app[POLICY], actor, doc)
    versions = await service.versions(s, doc.id)
    files = {f.id: f for f in (await s.scalars(select(StoredFile).where(StoredFile.id.in_([v.file_id for v in versions])))).all()}
    await audit.record(s, actor.audit, "document.viewed", service.OBJECT_TYPE, doc.id, {}, at=call.now)
    units = await _units(call)
    kind = KINDS[doc.kind]
    return {
        "doc": doc,
        "clue": clue,
        "kind": kind,
        "versions": [
            {
                "v": v,
                "media": MEDIA_LABELS.get(v.media_type, v.media_type),
                "size": files[v.file_id].plaintext_size if v.file_id in files else None,
                "fingerprint": grouped(files[v.file_id].manifest_sha256 or "") if v.file_id in files else "",
            }
            for v in reversed(versions)
        ],
        "approvals": [{"a": a, "approver": Approver(a.approver)} for a in await service.approvals(s, doc.id)],
        "chain": [Approver(a) for a in kind.approvers],
        "next_approver": service.next_approver(doc),
        "may_sign": clue is not None and service.may_sign(call.app[CASES], actor, doc, clue),
        "may_change": clue is not None and doc.status is not DocumentStatus.PENDING,
        "may_submit": clue is not None and bool(kind.approvers) and doc.status in (DocumentStatus.DRAFT, DocumentStatus.REJECTED),
        "transmissions": await service.transmissions_of(s, doc.id),
        "units": units,
        "targets": sorted(
            (u for u in units.values() if u.kind in service.TRANSMIT_TO), key=lambda u: (u.kind.value, u.ordinal or 0, u.code)
        ),
        "error": call.query("error"),
    }


def _attachment(filename: str, inline: bool) -> str:
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"{'inline' if inline else 'attachment'}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


async def _send(call: Call[Any], file_id: str, media_type: str, filename: str, *, inline: bool) -> web.Response:
    reader = await call.app[STORE].open_reader(file_id)
    data = b"".join([chunk async for chunk in reader.iter_all()])
    return web.Response(
        body=data, content_type=media_type,
        headers={"Content-Disposition": _attachment(filename, inline), "X-Content-Type-Options": "nosniff"},
    )  # fmt: skip


@routes.get(
    "/documents/{id}/versions/{number}/file", permission=SEE_DOCUMENT, write=True,
    summary="A version's file, decrypted: ?print=1 opens it in the browser to print; otherwise a download.",
)  # fmt: skip
async def version_file(call: Call[None]) -> web.Response:
    doc: Document = call.target
    v = await service.version(call.db, doc.id, call.int("number"))
    printing = call.query("print") == "1"
    action = "document.printed" if printing else "document.downloaded"
    await audit.record(
        call.db, call.actor.audit, action, service.OBJECT_TYPE, doc.id, {"version": v.number, "file_id": v.file_id}, at=call.now
    )
    return await _send(call, v.file_id, v.media_type, v.filename, inline=printing and v.media_type == "application/pdf")


@routes.get(
    "/documents/{id}/versions/{number}/docx", permission=SEE_DOCUMENT, write=True,
    summary="A generated version as DOCX, to edit in WPS or Word.",
)  # fmt: skip
async def version_docx(call: Call[None]) -> web.Response:
    doc: Document = call.target
    v = await service.version(call.db, doc.id, call.int("number"))
    if v.docx_file_id is None:
        raise Invalid("no_docx", N_("This version has no DOCX."))
    await audit.record(
        call.db, call.actor.audit, "document.downloaded", service.OBJECT_TYPE, doc.id,
        {"version": v.number, "file_id": v.docx_file_id, "format": "docx"}, at=call.now,
    )  # fmt: skip
    name = v.filename.rsplit(".", 1)[0] + ".docx"
    return await _send(
        call, v.docx_file_id, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", name, inline=False
    )


class VersionForm(BaseModel):
    note: str = Field("", max_length=300)


async def _case_for_change(call: Call[Any]) -> Any:
    """The document's case: only those who see the case change its documents (a receiving unit only reads)."""
    clue = await case_of(call.db, call.app[POLICY], call.actor, call.target)
    if clue is None:
        raise Forbidden("read_only", N_("Your unit received this document; only those handling the case change it."))
    return clue


@routes.post(
    "/documents/{id}/versions", permission=SEE_DOCUMENT, form=VersionForm, back="/documents/{id}", back_on=FORM_ERRORS,
    summary="Upload a new version (an edited DOCX, a signed scan).",
)  # fmt: skip
async def version_form(call: Call[VersionForm]) -> None:
    await _case_for_change(call)
    data, filename = await _file_of_form(call)
    await service.new_version(call.db, call.app[STORE], call.actor, call.target, data, filename, call.body.note, call.now)


@routes.post("/documents/{id}/submit", permission=SEE_DOCUMENT, back="/documents/{id}", back_on=FORM_ERRORS, summary="呈批.")
async def submit_form(call: Call[None]) -> None:
    await _case_for_change(call)
    await service.submit(call.db, call.actor, call.target, call.now)


class DecisionForm(BaseModel):
    decision: str = Field(pattern="^(approve|reject)$")
    comment: str = Field("", max_length=4000)


@routes.post(
    "/documents/{id}/decision", permission=SEE_DOCUMENT, form=DecisionForm, back="/documents/{id}", back_on=FORM_ERRORS,
    summary="Approve or send back the document's current approval step.",
)  # fmt: skip
async def decision_form(call: Call[DecisionForm]) -> None:
    clue = await _case_for_change(call)
    body, doc = call.body, call.target
    await service.decide(call.db, call.app[CASES], call.actor, doc, clue, body.decision == "approve", body.comment, call.now)
    if doc.status is DocumentStatus.APPROVED:
        document_id = doc.id
        call.after_commit(lambda: _print_approved(call, document_id))


async def _print_approved(call: Call[Any], document_id: int) -> None:
    """Once the approval is committed: print the approved version with its approvals (定稿), outside the transaction
    that signed it; the approval stands even if this fails (the error is logged)."""
    db = call.app[DB]
    try:
        async with db.transaction(write=False) as s:
            doc = await s.get(Document, document_id)
            found = await service.approved_copy(s, doc) if doc is not None else None
        if found is None:
            return
        kind, filled = found
        rendered = await service.render_off_loop(kind, filled)
        async with db.transaction() as s:
            doc = await s.get(Document, document_id)
            if doc is not None and doc.status is DocumentStatus.APPROVED:
                await service.save_approved_copy(s, call.app[STORE], call.actor, doc, kind, filled, rendered, call.now)
    except Exception:  # the approval is recorded; a missing print is logged, and the page still offers the earlier PDF
        log.exception("document_final_print_failed", document_id=document_id)


class TransmitForm(BaseModel):
    to_unit_id: int = Field(ge=1, le=2**31 - 1)
    note: str = Field("", max_length=300)


@routes.post(
    "/documents/{id}/transmissions", permission=SEE_DOCUMENT, form=TransmitForm, back="/documents/{id}",
    back_on=FORM_ERRORS, summary="移送: send the document to another unit.",
)  # fmt: skip
async def transmit_form(call: Call[TransmitForm]) -> None:
    await _case_for_change(call)
    await service.transmit(call.db, call.actor, call.target, call.body.to_unit_id, call.body.note, call.now)


@routes.get("/transmissions", template="documents/transmissions.html", summary="Documents sent to one's unit (移送).")
async def transmissions_page(call: Call[None]) -> dict[str, Any]:
    policy = call.app[POLICY]
    rows = (
        await call.db.execute(
            select(Transmission, Document)
            .join(Document, Document.id == Transmission.document_id)
            .where(policy.where(call.actor, "view", Transmission))
            .order_by(Transmission.id.desc())
            .limit(200)
        )
    ).all()
    return {"rows": rows, "units": await _units(call)}


@routes.post(
    "/transmissions/{id}/receipt", permission=SEE_TRANSMISSION, back="/transmissions", back_on=FORM_ERRORS,
    summary="Sign the receipt (回执) of a document sent to one's unit.",
)  # fmt: skip
async def receipt_form(call: Call[None]) -> None:
    await service.receive(call.db, call.actor, call.target, call.now)
