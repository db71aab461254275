"""The printable ledger: by source, the same counts as the ledger on screen, for print and as a workbook with the
colours kept; only what the reader's ledger holds."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.cases.http_support import Staff
from tests.reports.test_friday import _matters


async def test_print_and_workbook_hold_the_ledger_by_source(new_browser, kit):
    red, blue, other = await _matters(kit)
    staff = Staff(new_browser)
    counts = await staff.json("casemgmt1", "GET", "/api/v1/ledger/counts?source=leader_instructed")
    browser = await staff("casemgmt1")
    page = await (await browser.get("/reports/ledger/print")).text()
    assert red.number in page and blue.number in page and other.number in page
    assert "领导批办" in page and "上级交办" in page and "自办" in page and 'body class="staff printable landscape"' in page
    resp = await browser.get("/reports/ledger.xlsx")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(await resp.read()))
    assert book.sheetnames[0] == "分类汇总" and "领导批办" in book.sheetnames
    summary = next(row for row in book["分类汇总"].iter_rows(values_only=True) if row[0] == "领导批办")
    assert list(summary[1:]) == [counts[c] for c in ("red", "yellow", "blue", "green", "total")]
    # the leader-instructed sheet: Chinese headers, bold; the red matter's flag cell filled red
    sheet = book["领导批办"]
    assert [c.value for c in sheet[1]][:3] == ["期限", "编号", "被反映人"] and sheet["A1"].font.b
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == red.number)
    assert row[0].fill.fgColor.rgb == "FFD32F2F" and row[0].value == "已到期"
    # a joint group's workbook holds only its matters
    group5 = load_workbook(io.BytesIO(await (await (await staff("group5.1")).get("/reports/ledger.xlsx")).read()))
    assert red.number not in {c for ws in group5.worksheets for row in ws.iter_rows(values_only=True) for c in row}


async def test_the_ledger_pdf_is_the_printed_page_a4_landscape_with_its_colours(new_browser, kit):
    """Read back with pypdf (the project's PDF reader; pdftotext is not installed here)."""
    red, blue, other = await _matters(kit)
    staff = Staff(new_browser)
    browser = await staff("casemgmt1")
    assert 'href="/reports/ledger.pdf"' in await (await browser.get("/reports/ledger/print")).text()
    resp = await browser.get("/reports/ledger.pdf")
    assert resp.status == 200 and resp.headers["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(await resp.read()))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "案件线索动态管理台账" in text
    assert red.number in text and blue.number in text and other.number in text
    assert "领导批办" in text and "编号" in text and "被反映人" in text  # Chinese headers
    assert "下载" not in text  # the screen-only links are not printed
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    # colours kept: the red flag's fill (#d32f2f) is painted by the page's drawing operators
    drawn = b"".join(page.get_contents().get_data() for page in reader.pages if page.get_contents() is not None)
    assert re.search(rb"0\.827\d* 0\.184\d* 0\.184\d* rg", drawn), "no red fill in the PDF"
    # a joint group's PDF holds only its matters
    group5 = PdfReader(io.BytesIO(await (await (await staff("group5.1")).get("/reports/ledger.pdf")).read()))
    assert red.number not in "".join(page.extract_text() for page in group5.pages)
