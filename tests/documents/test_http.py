"""Documents over HTTP, as staff use them: generate, print, download, upload, new versions, 呈批, search, 移送.

The clue is a Xini town clue: the case management office, the main leader, deputy1 (Xini is in the portfolio) and
Xini's commission see it; joint group 1 does not.
"""

from __future__ import annotations

import io
import json
import re

import docx
from aiohttp import FormData
from pypdf import PdfReader
from sqlalchemy import select

from hub.audit import AuditEntry
from hub.auth.models import User
from hub.documents.kinds import KINDS, Filled
from hub.documents.models import Document, DocumentKind, DocumentStatus
from hub.documents.service import render
from hub.org.models import OrgUnit
from hub.rooms.models import RoomSession, SessionKind, SessionStatus
from hub.rooms.recording import service as recording_service
from hub.rooms.recording.models import RecordingSegment, SegmentStatus
from hub.store.interface import STORE, FileKind, Labels, grouped, record_closed
from tests.conftest import START as NOW
from tests.documents.test_rendering import FACTS


async def recorded_interview(app, database, case_id: int):
    """A finished recording of the case with one segment whose file is in the store (as the recorder leaves it)."""
    async with database.transaction() as s:
        host = await s.scalar(select(User.id).where(User.username == "group1.1"))
        room_session = RoomSession(
            kind=SessionKind.INTERVIEW, title="谈话", status=SessionStatus.OPEN, host_user_id=host, created_at=NOW
        )
        s.add(room_session)
        await s.flush()
        labels = Labels(case_id=case_id, room_session_id=room_session.id, participants=("user-1",))
        signed = await app[STORE].put(b"\x1aE\xdf\xa3 recorded interview", FileKind.RECORDING, "video/webm", labels)
        await record_closed(s, signed)
        resume = await recording_service.begin(
            s, room_session_id=room_session.id, signaling_room=room_session.signaling_room, case_id=case_id, now=NOW
        )
        tracks = [{"participant": "user-1", "name": "李明", "role": "host", "kind": "audio", "codec": "opus", "track": 0}]
        s.add(RecordingSegment(recording_id=resume.recording_id, position=1, file_id=signed.manifest.file_id,
                               status=SegmentStatus.CLOSED, started_at=NOW, ended_at=NOW, duration_ms=1000,
                               tracks=json.dumps(tracks)))  # fmt: skip
        await recording_service.finish(s, resume.recording_id, now=NOW, reason="ended_by_host")
    return signed, resume.recording_id


async def unit_id(database, code: str) -> int:
    async with database.transaction(write=False) as s:
        found = await s.scalar(select(OrgUnit.id).where(OrgUnit.code == code))
    assert found is not None
    return found


async def signed_in(new_browser, username: str):
    browser = await new_browser()
    assert (await browser.sign_in(username)).status == 303
    return browser


async def new_clue(browser, database, subject: str = "王建国") -> tuple[int, str]:
    body = {"source": "accepted_here", "summary": "反映其在工程招标中收受礼金", "subject_name": subject,
            "township_id": await unit_id(database, "tw.xini")}  # fmt: skip
    resp = await browser.post_json("/api/v1/clues", body)
    assert resp.status == 201, await resp.text()
    clue = await resp.json()
    return clue["id"], clue["number"]


async def post_file(browser, path: str, data: bytes, filename: str, **fields: str):
    await browser.prime()
    form = FormData()
    form.add_field("csrf_token", browser.csrf)
    for k, v in fields.items():
        form.add_field(k, v)
    form.add_field("file", data, filename=filename, content_type="application/octet-stream")
    return await browser.client.post(path, data=form, allow_redirects=False)


def doc_id(resp) -> int:
    match = re.fullmatch(r"/documents/(\d+)", resp.headers["Location"])
    assert match, resp.headers["Location"]
    return int(match.group(1))


def pdf_text(data: bytes) -> str:
    return "".join("".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages).split())


async def audit_actions(database, document: int) -> list[str]:
    async with database.transaction(write=False) as s:
        rows = await s.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "document", AuditEntry.object_id == str(document))
        )
        return list(rows.all())


async def test_an_interview_record_is_printed_with_the_case_the_subject_and_the_recording_fingerprint(new_browser, app, database):
    casemgmt = await signed_in(new_browser, "casemgmt1")
    cid, number = await new_clue(casemgmt, database)
    signed, rid = await recorded_interview(app, database, cid)

    page = await casemgmt.get(f"/cases/{cid}/documents")
    assert page.status == 200 and f'value="{rid}"' in await page.text() and "李明" in await page.text()
    resp = await casemgmt.post_form(f"/cases/{cid}/documents/generate", {
        "kind": "interview_record", "started": "2026-11-27 09:00", "ended": "2026-11-27 10:30", "place": "锡尼镇谈话室",
        "interviewers": "李明、赵刚", "recorder": "孙丽", "recording": str(rid),
        "content": "问：你是否收受过礼金？\n答：收受过两万元。",
    })  # fmt: skip
    assert resp.status == 303, await resp.text()
    did = doc_id(resp)

    page = await casemgmt.get(f"/documents/{did}")
    text = await page.text()
    assert page.status == 200 and "旗纪谈〔2026〕1号" in text
    printed = await casemgmt.get(f"/documents/{did}/versions/1/file?print=1")
    assert printed.status == 200 and printed.content_type == "application/pdf"
    assert printed.headers["Content-Disposition"].startswith("inline")
    words = pdf_text(await printed.read())
    assert number in words and "王建国" in words and "".join(grouped(signed.sha256).split()) in words
    edited = await casemgmt.get(f"/documents/{did}/versions/1/docx")
    assert edited.status == 200 and edited.headers["Content-Disposition"].startswith("attachment")
    paragraphs = docx.Document(io.BytesIO(await edited.read())).paragraphs
    assert any("谈话笔录" in p.text for p in paragraphs)
    actions = await audit_actions(database, did)
    assert {"document.generated", "document.viewed", "document.printed", "document.downloaded"} <= set(actions)

    clue_page = await casemgmt.get(f"/clues/{cid}")
    assert f'href="/documents/{did}"' in await clue_page.text()

    # the DOCX edited in WPS comes back as version 2
    again = await post_file(
        casemgmt,
        f"/documents/{did}/versions",
        await (await casemgmt.get(f"/documents/{did}/versions/1/docx")).read(),
        "谈话笔录（修改）.docx",
        note="补充签名",
    )
    assert again.status == 303 and "error" not in again.headers["Location"]
    assert "补充签名" in await (await casemgmt.get(f"/documents/{did}")).text()


async def test_uploads_are_checked_and_search_finds_a_chinese_phrase_only_for_those_who_see_the_case(new_browser, database):
    casemgmt = await signed_in(new_browser, "casemgmt1")
    cid, _ = await new_clue(casemgmt, database, "刘某")
    spoofed = await post_file(
        casemgmt, f"/cases/{cid}/documents/upload", b"<html>not a pdf</html>", "报告.pdf", title="伪装的文件"
    )
    assert spoofed.status == 303 and "error=" in spoofed.headers["Location"]

    spec = KINDS[DocumentKind.PRELIMINARY_REPORT]
    pdf = render(
        spec,
        Filled(FACTS, {"findings": "工程款去向不明，涉及资金八十万元", "opinion": "拟立案"}, "外来〔2026〕1号", "2026年11月1日"),
    ).pdf
    resp = await post_file(casemgmt, f"/cases/{cid}/documents/upload", pdf, "审计移交材料.pdf", title="审计移交材料")
    assert resp.status == 303, resp.headers.get("Location")
    did = doc_id(resp)

    for who, finds in (("xini1", True), ("leader", True), ("deputy1", True), ("group1.1", False), ("admin", False)):
        browser = await signed_in(new_browser, who)
        found = await browser.get("/documents/search?q=工程款去向")
        assert found.status == 200
        assert (f'href="/documents/{did}"' in await found.text()) is finds, who
        detail = await browser.get(f"/documents/{did}")
        assert detail.status == (200 if finds else 404), who
        assert (await browser.get(f"/documents/{did}/versions/1/file")).status == (200 if finds else 404), who
    # two characters are shorter than a trigram: found by a scan all the same
    assert f'href="/documents/{did}"' in await (await casemgmt.get("/documents/search?q=去向")).text()


async def test_a_report_is_approved_along_its_chain_then_sent_to_another_unit_which_signs_the_receipt(new_browser, database):
    casemgmt = await signed_in(new_browser, "casemgmt1")
    cid, _ = await new_clue(casemgmt, database)
    resp = await casemgmt.post_form(
        f"/cases/{cid}/documents/generate", {"kind": "preliminary_report", "findings": "核实属实", "opinion": "建议立案"}
    )
    did = doc_id(resp)
    # not approved yet: it cannot be sent
    sent = await casemgmt.post_form(
        f"/documents/{did}/transmissions", {"to_unit_id": str(await unit_id(database, "office.trial"))}
    )
    assert "error=" in sent.headers["Location"]
    assert (await casemgmt.post_form(f"/documents/{did}/submit", {})).headers["Location"] == f"/documents/{did}"

    # the deputy signs first (FG), then the main leader (ZY); the case management office may sign neither
    refused = await casemgmt.post_form(f"/documents/{did}/decision", {"decision": "approve"})
    assert "error=" in refused.headers["Location"]
    deputy, leader = await signed_in(new_browser, "deputy1"), await signed_in(new_browser, "leader")
    # the deputy's to-do list holds it (and the main leader's, who may sign for a deputy); not the office's that wrote it
    assert f'href="/documents/{did}"' in await (await deputy.get("/documents/waiting")).text()
    assert f'href="/documents/{did}"' not in await (await casemgmt.get("/documents/waiting")).text()
    # and the home page's to-do list says so, with a link to it
    home = await (await deputy.get("/home")).text()
    assert "待您签批的文书" in home and f'href="/documents/{did}"' in home
    assert "待您签批的文书" not in await (await casemgmt.get("/home")).text()
    first = await deputy.post_form(f"/documents/{did}/decision", {"decision": "approve", "comment": "同意"})
    assert first.headers["Location"] == f"/documents/{did}"
    # the deputy's step is signed: the main leader's is not the deputy's
    assert "error=" in (await deputy.post_form(f"/documents/{did}/decision", {"decision": "approve"})).headers["Location"]
    done = await leader.post_form(f"/documents/{did}/decision", {"decision": "approve", "comment": "同意"})
    assert done.headers["Location"] == f"/documents/{did}"
    async with database.transaction(write=False) as s:
        assert (await s.get(Document, did)).status is DocumentStatus.APPROVED
    # the approved version is printed again with the approvals signed on it (定稿), as version 2
    final = await casemgmt.get(f"/documents/{did}/versions/2/file")
    assert final.status == 200
    words = pdf_text(await final.read())
    assert "审批意见" in words and "分管领导意见" in words and "主要负责人意见" in words and "同意" in words

    trial_unit = await unit_id(database, "office.trial")
    sent = await casemgmt.post_form(f"/documents/{did}/transmissions", {"to_unit_id": str(trial_unit), "note": "移送审理"})
    assert sent.headers["Location"] == f"/documents/{did}"
    trial = await signed_in(new_browser, "trial1")
    assert f'href="/documents/{did}"' in await (await trial.get("/documents/waiting")).text()
    assert "移送本单位待签收的文书" in await (await trial.get("/home")).text()
    inbox = await (await trial.get("/transmissions")).text()
    assert f'href="/documents/{did}"' in inbox
    assert (await trial.get(f"/documents/{did}")).status == 200
    assert (await trial.get(f"/documents/{did}/versions/1/file")).status == 200
    tid = int(re.search(r"/transmissions/(\d+)/receipt", inbox).group(1))
    assert "error=" in (await casemgmt.post_form(f"/transmissions/{tid}/receipt", {})).headers["Location"]
    assert (await trial.post_form(f"/transmissions/{tid}/receipt", {})).headers["Location"] == "/transmissions"
    assert "移送审理" in await (await casemgmt.get(f"/documents/{did}")).text()
    # the receiving unit reads; it does not change the document
    changed = await trial.post_form(f"/documents/{did}/submit", {})
    assert "error=" in changed.headers["Location"]
    # another joint group sees nothing of it
    outsider = await signed_in(new_browser, "group1.1")
    assert (await outsider.get(f"/documents/{did}")).status == 404
