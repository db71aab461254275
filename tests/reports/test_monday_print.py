"""`hub report monday --format pdf|docx`: the Monday report laid out by the documents part; the PDF, read back, holds
the same figures as the compiled report (counts by source and colour, the red list, the week's new and closed), and
its charts as vector images."""

from __future__ import annotations

import io
import json
import zipfile

from pypdf import PdfReader

from hub.cli import main
from hub.clock import LOCAL_TZ, Clock
from hub.reports.weeks import week_of


def _squeeze(text: str) -> str:
    return "".join(text.split())


def test_monday_report_as_pdf_and_docx(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HUB_VAR_DIR", str(tmp_path))
    assert main(["migrate"]) == 0
    assert main(["demo", "--if-empty", "--cases", "120"]) == 0
    week = week_of(Clock().now().astimezone(LOCAL_TZ).date()).previous().key  # the demo's approved report
    capsys.readouterr()
    assert main(["report", "monday", "--week", week, "--format", "json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert main(["report", "monday", "--week", week, "--format", "pdf"]) == 2  # a PDF goes to a file
    pdf_path, docx_path = tmp_path / "monday.pdf", tmp_path / "monday.docx"
    assert main(["report", "monday", "--week", week, "--format", "pdf", "-o", str(pdf_path)]) == 0
    data = pdf_path.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    text = _squeeze("\n".join(page.extract_text() or "" for page in reader.pages))
    colours = {"red": "红", "yellow": "黄", "blue": "蓝", "green": "绿"}
    totals = body["totals"]
    expected_total = "，".join(f"{colours[c]}{totals[c]}" for c in body["colours"]) + f"，合计{totals['total']}"
    assert f"合计{expected_total}" in text, text[:2000]
    for source in body["sources"]:
        n = body["counts"][source]
        assert "，".join(f"{colours[c]}{n[c]}" for c in body["colours"]) + f"，合计{n['total']}" in text, source
    assert f"红色事项（{len(body['red'])}件）" in text
    for r in body["red"]:
        assert _squeeze(r["number"]) in text
    assert f"本周新增{len(body['new'])}件，办结{len(body['closed'])}件" in text
    # the charts are vector drawings (paths in the page content), not images
    content = b"".join(page.get_contents().get_data() for page in reader.pages if page.get_contents() is not None)
    assert content.count(b" re") + content.count(b" l\n") > 20
    assert not any(page.images for page in reader.pages)
    assert "按来源和颜色" in text
    assert main(["report", "monday", "--week", week, "--format", "docx", "-o", str(docx_path)]) == 0
    with zipfile.ZipFile(docx_path) as z:
        xml = z.read("word/document.xml").decode()
    assert "案件线索办理进展情况汇报" in xml and f"合计 {totals['total']}" in xml


def test_operator_commands_raise_notices_and_recount_tallies(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HUB_VAR_DIR", str(tmp_path))
    assert main(["migrate"]) == 0
    assert main(["demo", "--if-empty", "--cases", "120"]) == 0
    capsys.readouterr()
    assert main(["report", "supervise"]) == 0
    assert capsys.readouterr().out.strip() == "0 督办 notices raised"  # the demo raised them; once per red spell
    assert main(["report", "tallies"]) == 0
    assert "statistics rows" in capsys.readouterr().out
