"""The Monday report: compiled by the tracking office, its counts equal the ledger of that Monday, red reasons from
Friday, approved then read by the leaders (a deputy's lists cut to the portfolio), archived."""

from __future__ import annotations

import datetime as dt
import io
import re

from docx import Document
from pypdf import PdfReader

from hub.cases.models import ClueSource
from tests.cases.http_support import Staff
from tests.reports.test_friday import WEEK, _entry_ids, _matters, _start


async def test_monday_report_matches_the_ledger_of_that_monday(new_browser, kit, clock):
    red, _blue, _other = await _matters(kit)
    transferred = await kit.register_clue(
        township_id=kit.unit("tw.huhemudu"), subject_name="移送人", source=ClueSource.TRANSFERRED
    )
    staff = Staff(new_browser)
    report_id = await _start(staff, "group1.1")
    group = await staff("group1.1")
    page = await (await group.get(f"/reports/weekly/{report_id}")).text()
    form = {"action": "submit", **{f"reason_{i}": "证人外出，谈话推迟" for i in _entry_ids(page)}}
    assert (await group.post_form(f"/reports/weekly/{report_id}", form)).status == 303
    clock.advance(dt.timedelta(days=3, hours=-1))  # Monday 2026-11-30, 08:00
    staff = Staff(new_browser)  # the sessions of Friday have ended: sign in again
    tracking = await staff("tracking1")
    # only the tracking office compiles
    assert (await (await staff("leader")).post_form("/reports/monday", {"week": WEEK})).status == 403
    resp = await tracking.post_form("/reports/monday", {"week": WEEK})
    assert resp.status == 303, await resp.text()
    found = re.fullmatch(r"/reports/monday/(\d+)", resp.headers["Location"])
    assert found
    monday_id = int(found.group(1))
    # not yet approved: the leaders do not see it
    assert (await (await staff("leader")).get(f"/reports/monday/{monday_id}")).status == 404
    html = await (await tracking.get(f"/reports/monday/{monday_id}")).text()
    # the counts by source × colour are the ledger's of that Monday
    for source in ClueSource:
        counts = await staff.json("tracking1", "GET", f"/api/v1/ledger/counts?source={source.value}")
        cells = re.search(
            rf'source={source.value}&(?:amp;)?colour=red">(\d+)</a>.*?colour=yellow">(\d+)</a>.*?colour=blue">(\d+)</a>.*?colour=green">(\d+)</a>',
            html,
            re.S,
        )
        assert cells, source
        assert tuple(int(x) for x in cells.groups()) == (counts["red"], counts["yellow"], counts["blue"], counts["green"]), source
    # the red list with the reason given on Friday; the SVG charts are there, with titles
    assert red.number in html and "证人外出，谈话推迟" in html
    assert "<svg" in html and "<title" in html and 'role="group"' in html
    assert transferred.number in html  # new this week
    approve = await tracking.post_form(f"/reports/monday/{monday_id}/approve", {"note": "红色事项已督促"})
    assert approve.status == 303
    leader = await (await (await staff("leader")).get(f"/reports/monday/{monday_id}")).text()
    assert red.number in leader and transferred.number in leader and "红色事项已督促" in leader
    # deputy2's portfolio holds groups 4-7 and Huhemudu: group 1's red clue is not listed for them, the counts are the county's
    deputy2 = await (await (await staff("deputy2")).get(f"/reports/monday/{monday_id}")).text()
    assert red.number not in deputy2 and transferred.number in deputy2
    assert "不在您分管范围" in deputy2
    # the page's downloads are the same report, cut the same way: the file a deputy takes away holds no more than the page
    assert f'href="/reports/monday/{monday_id}/pdf"' in deputy2 and f'href="/reports/monday/{monday_id}/docx"' in deputy2
    # (the file lists the red matters by number and counts the new ones, as `hub report monday --format pdf` does)
    for who, present, absent in (
        ("leader", [red.number, "红色事项已督促"], []),
        ("deputy2", ["案件线索办理进展情况汇报"], [red.number]),
    ):
        pdf = await (await staff(who)).get(f"/reports/monday/{monday_id}/pdf")
        assert pdf.status == 200 and pdf.content_type == "application/pdf"
        # the PDF's text as pypdf reads it back (a line may break inside a number: whitespace squeezed out)
        text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(await pdf.read())).pages)
        docx = await (await staff(who)).get(f"/reports/monday/{monday_id}/docx")
        assert docx.status == 200 and 'filename="monday-' in docx.headers["Content-Disposition"]
        document = Document(io.BytesIO(await docx.read()))
        words = "\n".join(p.text for p in document.paragraphs) + "".join(
            c.text for t in document.tables for row in t.rows for c in row.cells
        )
        for number in present:
            assert number in text and number in words, (who, number)
        for number in absent:
            assert number not in text and number not in words, (who, number)
    # approved: it stays as it was
    assert (await tracking.post_form(f"/reports/monday/{monday_id}/compile", {})).status == 403
    archive = await (await (await staff("deputy1")).get("/reports/monday")).text()
    assert WEEK in archive
    # a group never reads the Monday report, nor downloads it
    assert (await (await staff("group1.1")).get(f"/reports/monday/{monday_id}")).status == 404
    assert (await (await staff("group1.1")).get(f"/reports/monday/{monday_id}/pdf")).status == 404
