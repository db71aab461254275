"""The server-side charts are well-formed SVG with a title, a description holding every value, and a link per bar or
slice; text is escaped; an empty chart still draws."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hub.reports.charts import Chart, Point, Series

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg()))  # noqa: S314 (our own markup, made in this test)


def test_bar_chart_is_accessible_and_every_bar_links_to_its_cases():
    points = [
        Point("本级受理", 92, "/statistics/cases?figure=clues&by=source:accepted_here"),
        Point("<自办>", 0, "/x"),
        Point("审计移交", 6, "/y"),
    ]
    root = _parse(Chart("source", "问题线索来源分布", "bar", [Series("线索", points)]))
    assert root.get("role") == "group" and root.get("aria-labelledby") == "chart-source-t chart-source-d"
    assert root.find("s:title", NS).text == "问题线索来源分布"
    desc = root.find("s:desc", NS).text
    assert "本级受理 92" in desc and "<自办> 0" in desc and "审计移交 6" in desc
    links = root.findall("s:a", NS)
    assert [a.get("href") for a in links] == ["/statistics/cases?figure=clues&by=source:accepted_here", "/y"]  # no bar for 0


def test_stacked_bars_pie_and_empty_charts():
    series = [
        Series(name, [Point("本级受理", n), Point("自办", n + 1)], colour)
        for name, n, colour in (("红", 1, "#d32f2f"), ("黄", 2, "#f2b705"))
    ]
    stacked = _parse(Chart("by_source", "按来源和颜色", "bar", series))
    assert len(stacked.findall("s:rect", NS)) >= 4 + 2  # four bars and two legend keys
    pie = _parse(Chart("forms", "四种形态", "pie", [Series("", [Point("第一种形态", 3, "/a"), Point("第二种形态", 1, "/b")])]))
    assert [a.get("href") for a in pie.findall("s:a", NS)] == ["/a", "/b"]
    assert "75.0%" in ET.tostring(pie, encoding="unicode") and "25.0%" in ET.tostring(pie, encoding="unicode")
    whole = _parse(Chart("one", "全部", "pie", [Series("", [Point("只有一类", 5)])]))
    assert whole.find("s:circle", NS) is not None
    empty = _parse(Chart("none", "无数据", "pie", [Series("", [Point("甲", 0)])]))
    assert empty.find("s:circle", NS) is not None
    assert _parse(Chart("nobar", "无数据", "bar", [Series("", [])])).find("s:title", NS).text == "无数据"
