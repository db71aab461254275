# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for documents (hub/documents): a case's documents, one document, its files, versions, 呈批, 移送,
search and receipts.

Objects (made by ``seed_documents``): an uploaded document of a Xini town clue, sent (移送) to the trial office. Those
who see the clue see the document; the trial office sees it as its receiving unit (read only: its changes are refused
with the reason, 303 back to the page); everybody else gets 404, as for an id that does not exist. Files are probed with
a version that does not exist (404 to all): who may download real files is proved by tests/documents/test_http.py.
"""

from __future__ import annotations

import datetime as dt
import uuid

from hub.db import Database
from tests.access.matrix import GUESSED_ID, STAFF, Probe, World, expect

SEES = frozenset({"leader", "deputy", "ledger", "township"})  # as the Xini clue in spec_cases
RECEIVES = "trial"  # the trial office, where the document was sent


def _by_sight(*, sees: int, receiver: int | None = None) -> dict[str, int]:
    table = {role: sees if role in SEES else 404 for role in STAFF}
    if receiver is not None:
        table[RECEIVES] = receiver
    return table


def probes(world: World) -> list[Probe]:
    cid, did, tid = world.extra("documents.case"), world.extra("document"), world.extra("document.transmission")  # noqa: S610 - the matrix world, not Django
    return [
        Probe("GET", "/cases/{id}/documents", f"/cases/{cid}/documents", expect("/cases", **_by_sight(sees=200))),
        Probe("GET", "/cases/{id}/documents", f"/cases/{GUESSED_ID}/documents", expect("/cases", staff=404), note="guessed case"),
        # a form without its file, or with a kind that does not exist, goes back with the reason to those who see the case
        Probe("POST", "/cases/{id}/documents/upload", f"/cases/{cid}/documents/upload", expect("/cases", **_by_sight(sees=303)), body={"title": "银行流水"}, form=True, note="no file"),
        Probe("POST", "/cases/{id}/documents/generate", f"/cases/{cid}/documents/generate", expect("/cases", **_by_sight(sees=303)), body={"kind": "no_such_kind"}, form=True, note="unknown kind"),
        Probe("POST", "/cases/{id}/documents/generate", f"/cases/{GUESSED_ID}/documents/generate", expect("/cases", staff=404), body={"kind": "trial_report"}, form=True, note="guessed case"),
        Probe("GET", "/documents/{id}", f"/documents/{did}", expect("/documents", **_by_sight(sees=200, receiver=200))),
        Probe("GET", "/documents/{id}", f"/documents/{GUESSED_ID}", expect("/documents", staff=404), note="guessed id"),
        Probe("GET", "/documents/{id}/versions/{number}/file", f"/documents/{did}/versions/{GUESSED_ID}/file", expect("/documents", staff=404), note="guessed version"),
        Probe("GET", "/documents/{id}/versions/{number}/file", f"/documents/{GUESSED_ID}/versions/1/file", expect("/documents", staff=404), note="guessed document"),
        Probe("GET", "/documents/{id}/versions/{number}/docx", f"/documents/{did}/versions/{GUESSED_ID}/docx", expect("/documents", staff=404), note="guessed version"),
        Probe("POST", "/documents/{id}/versions", f"/documents/{did}/versions", expect("/documents", **_by_sight(sees=303, receiver=303)), body={"note": "x"}, form=True, note="no file"),
        Probe("POST", "/documents/{id}/submit", f"/documents/{did}/submit", expect("/documents", **_by_sight(sees=303, receiver=303)), body={}, form=True, note="an upload needs no approval"),
        Probe("POST", "/documents/{id}/decision", f"/documents/{did}/decision", expect("/documents", **_by_sight(sees=303, receiver=303)), body={"decision": "approve"}, form=True, note="nothing to sign"),
        Probe("POST", "/documents/{id}/transmissions", f"/documents/{did}/transmissions", expect("/documents", **_by_sight(sees=303, receiver=303)), body={"to_unit_id": GUESSED_ID}, form=True, note="guessed unit"),
        Probe("POST", "/documents/{id}/transmissions", f"/documents/{GUESSED_ID}/transmissions", expect("/documents", staff=404), body={"to_unit_id": 1}, form=True, note="guessed document"),
        Probe("GET", "/documents/search", "/documents/search?q=%E9%93%B6%E8%A1%8C", expect("/documents", staff=200)),
        Probe("GET", "/transmissions", "/transmissions", expect("/transmissions", staff=200)),
        Probe("GET", "/documents/waiting", "/documents/waiting", expect("/documents", staff=200)),
        # the receiving unit signs the receipt (303 back to its list); the sending side sees it but may not sign (303)
        Probe("POST", "/transmissions/{id}/receipt", f"/transmissions/{tid}/receipt", expect("/transmissions", **_by_sight(sees=303, receiver=303)), body={}, form=True),
        Probe("POST", "/transmissions/{id}/receipt", f"/transmissions/{GUESSED_ID}/receipt", expect("/transmissions", staff=404), body={}, form=True, note="guessed id"),
    ]  # fmt: skip


async def seed_documents(database: Database, now: dt.datetime) -> dict[str, int]:
    """An uploaded document of a Xini town clue (its file row only: probes never read it), sent to the trial office."""
    from hub.clock import FakeClock
    from hub.documents.models import Document, DocumentKind, DocumentStatus, DocumentVersion, Transmission
    from hub.store.interface import FileKind, StoredFile
    from hub.store.models import FileStatus
    from tests.cases.conftest import make_kit

    kit = await make_kit(database, FakeClock(now))
    clue = await kit.register_clue(township_id=kit.unit("tw.xini"), subject_name="戊")
    async with database.transaction() as s:
        file_id = str(uuid.uuid4())
        s.add(
            StoredFile(
                id=file_id,
                kind=FileKind.ATTACHMENT,
                media_type="image/png",
                status=FileStatus.CLOSED,
                case_id=clue.id,
                created_at=now,
            )
        )
        doc = Document(
            clue_id=clue.id,
            kind=DocumentKind.UPLOAD,
            number=f"旗纪材〔{now.year}〕900号",
            title="银行流水",
            status=DocumentStatus.DRAFT,
            approval_step=0,
            created_at=now,
            updated_at=now,
        )
        s.add(doc)
        await s.flush()
        s.add(
            DocumentVersion(
                document_id=doc.id,
                number=1,
                file_id=file_id,
                media_type="image/png",
                filename="流水.png",
                text="",
                note="",
                created_at=now,
            )
        )
        sent = Transmission(
            document_id=doc.id, version_number=1, to_unit_id=kit.unit("office.trial"), note="", sent_at=now, received_label=""
        )
        s.add(sent)
        await s.flush()
        return {"documents.case": clue.id, "document": doc.id, "document.transmission": sent.id}
