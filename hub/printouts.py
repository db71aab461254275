"""Printouts that take a part's figures and the documents part's layout, which no part may join itself (reports may not
import documents: tests/test_layers.py): wiring, used by the CLI (`hub report monday --format pdf|docx`) and given to
the reports part's page downloads through ``app[MONDAY_FILE]``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hub.cases.labels import CASE_LABELS
from hub.cases.models import ClueSource
from hub.documents import interface as documents
from hub.http.keys import EnumLabels
from hub.i18n import Catalogs
from hub.reports import charts
from hub.reports.models import MondayReport
from hub.reports.views.monday import charts_of

COLOURS_ZH = {"red": "红", "yellow": "黄", "blue": "蓝", "green": "绿"}


def zh_labeller() -> Callable[[object], str]:
    """The Chinese word of a case enum member (a source, a state …), as the pages say it."""
    labels = EnumLabels()
    for table in CASE_LABELS:
        labels.update(table)
    zh = Catalogs().get("zh_CN").gettext
    return lambda member: zh(labels.get(member))


def monday_file(report: MondayReport, body: dict[str, Any], fmt: str) -> bytes:
    """The Monday report as a PDF or a DOCX file (blocks: call in a thread); the page's downloads use it too."""
    blocks, title = monday_blocks(report, body)
    render = documents.render_pdf if fmt == "pdf" else documents.render_docx
    return render(blocks, title)


def monday_blocks(report: MondayReport, body: dict[str, Any]) -> tuple[list[documents.Block], str]:
    """The Monday report as the documents part lays it out: the same figures as the screen, and its charts as SVG."""
    label = zh_labeller()
    status = "已审定" if report.status.value == "approved" else "编辑中"
    title = f"案件线索办理进展情况汇报（{report.week}）"
    blocks: list[documents.Block] = [documents.Title(title), documents.Line(f"台账截至 {body['as_of']}，{status}", "center")]
    if report.note:
        blocks.append(documents.Paragraphs(report.note))
    blocks.append(documents.Heading("一、按来源和颜色统计（件）"))
    rows = []
    for source in body["sources"]:
        n = body["counts"][source]
        cells = "，".join(f"{COLOURS_ZH[c]} {n[c]}" for c in body["colours"])
        rows.append((label(ClueSource(source)), f"{cells}，合计 {n['total']}"))
    totals = body["totals"]
    rows.append(("合计", "，".join(f"{COLOURS_ZH[c]} {totals[c]}" for c in body["colours"]) + f"，合计 {totals['total']}"))
    blocks.append(documents.Facts(tuple(rows)))
    for chart in charts_of(body, label):
        svg = charts.bars(chart) if chart.kind == "bar" else charts.pie(chart)
        blocks.append(documents.Picture(str(svg), chart.title))
    blocks.append(documents.Heading(f"二、红色事项（{len(body['red'])} 件）"))
    red = [
        f"{r['number']}　{r['subject_name']}　到期 {r['due_date']}　{(r.get('said') or {}).get('reason', '')}"
        for r in body["red"]
    ]
    blocks.append(documents.Paragraphs("\n".join(red) or "无"))
    blocks.append(documents.Heading("三、本周新增、办结和逾期交办件"))
    blocks.append(
        documents.Line(
            f"本周新增 {len(body['new'])} 件，办结 {len(body['closed'])} 件，逾期上级交办件 {len(body['upper_overdue'])} 件"
        )
    )
    return blocks, title
