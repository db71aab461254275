"""Charts as SVG drawn on the server: bars and pies, each with a title, a description and its values as a table
beside it (templates/reports/_charts.html), every bar or slice a link to the cases it counts.

A small renderer of our own: two chart kinds, no dependency, and the same markup on screen and in print (presentation
attributes only: the Content-Security-Policy allows no inline style).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

PALETTE = ("#1e88e5", "#d32f2f", "#2e7d32", "#f2b705", "#8e24aa", "#00897b", "#6d4c41", "#3949ab", "#c0ca33", "#546e7a")
COLOURS = {"red": "#d32f2f", "yellow": "#f2b705", "blue": "#1e88e5", "green": "#2e7d32"}


@dataclass(frozen=True)
class Point:
    label: str
    value: int
    href: str = ""


@dataclass(frozen=True)
class Series:
    name: str
    points: list[Point]
    colour: str = ""


@dataclass
class Chart:
    """``kind``: "bar" or "pie". ``waiting``: the figures come with case outcomes (not recorded yet): say so."""

    key: str
    title: str
    kind: str
    series: list[Series] = field(default_factory=list)
    waiting: bool = False
    unit: str = ""

    @property
    def labels(self) -> list[str]:
        return [p.label for p in self.series[0].points] if self.series else []

    @property
    def total(self) -> int:
        return sum(p.value for s in self.series for p in s.points)

    def svg(self) -> Markup:
        if self.kind == "pie":
            return pie(self)
        return bars(self)


def _text(x: float, y: float, body: str, *, anchor: str = "middle", size: int = 12, extra: str = "") -> str:
    return f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="#222"{extra}>{escape(body)}</text>'


def _open(chart: Chart, width: int, height: int) -> list[str]:
    ident = f"chart-{chart.key}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="group" aria-labelledby="{ident}-t {ident}-d" class="chart" font-family="sans-serif">',
        f'<title id="{ident}-t">{escape(chart.title)}</title>',
        f'<desc id="{ident}-d">{escape(describe(chart))}</desc>',
    ]


def describe(chart: Chart) -> str:
    parts = []
    for s in chart.series:
        values = "，".join(f"{p.label} {p.value}" for p in s.points)
        parts.append(f"{s.name}：{values}" if len(chart.series) > 1 else values)
    return "；".join(parts)


def _link(href: str, inner: str, label: str) -> str:
    if not href:
        return inner
    return f"<a href={quoteattr(href)} aria-label={quoteattr(label)}>{inner}</a>"


def bars(chart: Chart, *, width: int = 640, bar_area: int = 220) -> Markup:
    """Vertical bars; several series stack (the ledger's colours by source)."""
    labels = chart.labels
    n = max(len(labels), 1)
    top, left, bottom = 30, 44, 70
    height = top + bar_area + bottom
    totals = [sum(s.points[i].value for s in chart.series) for i in range(len(labels))]
    peak = max([*totals, 1])
    step = _nice_step(peak)
    ceiling = step * math.ceil(peak / step)
    slot = (width - left - 10) / n
    bar_w = max(min(slot * 0.6, 60), 4)
    out = _open(chart, width, height)
    # axis and grid
    for k in range(int(ceiling / step) + 1):
        y = top + bar_area - bar_area * (k * step) / ceiling
        out.append(f'<line x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd" stroke-width="1"/>')
        out.append(_text(left - 6, y + 4, str(k * step), anchor="end", size=11))
    for i, label in enumerate(labels):
        x = left + slot * i + (slot - bar_w) / 2
        base: float = top + bar_area
        for j, s in enumerate(chart.series):
            p = s.points[i]
            if p.value <= 0:
                continue
            h = bar_area * p.value / ceiling
            base -= h
            colour = s.colour or PALETTE[(i if len(chart.series) == 1 else j) % len(PALETTE)]
            rect = (
                f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                f"<title>{escape(label)}{'·' + escape(s.name) if len(chart.series) > 1 else ''}：{p.value}</title></rect>"
            )
            out.append(_link(p.href, rect, f"{label} {s.name if len(chart.series) > 1 else ''} {p.value}".strip()))
        out.append(_text(x + bar_w / 2, top + bar_area - bar_area * totals[i] / ceiling - 4, str(totals[i]), size=11))
        short = label if len(label) <= 7 else label[:6] + "…"
        cx, cy = x + bar_w / 2, top + bar_area + 14
        out.append(_text(cx, cy, short, anchor="end", size=11, extra=f' transform="rotate(-35 {cx:.1f} {cy:.1f})"'))
    if len(chart.series) > 1:
        lx = left
        for j, s in enumerate(chart.series):
            colour = s.colour or PALETTE[j % len(PALETTE)]
            out.append(f'<rect x="{lx}" y="8" width="12" height="12" fill="{colour}"/>')
            out.append(_text(lx + 16, 18, s.name, anchor="start", size=11))
            lx += 20 + 13 * len(s.name) + 10
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 (every text and attribute above is escaped as it is written)


def _nice_step(peak: int) -> int:
    raw = max(peak / 5, 1)
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if raw <= m * power:
            return int(m * power)
    return int(10 * power)


def pie(chart: Chart, *, width: int = 640, height: int = 300) -> Markup:
    points = chart.series[0].points if chart.series else []
    total = sum(p.value for p in points)
    cx, cy, r = 150, 150, 120
    out = _open(chart, width, height)
    if total <= 0:
        out.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#eee"/>')
    angle = -math.pi / 2
    for i, p in enumerate(points):
        colour = PALETTE[i % len(PALETTE)]
        if p.value <= 0:
            continue
        share = p.value / total
        if share >= 0.9999:
            shape = f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}">'
        else:
            end = angle + 2 * math.pi * share
            x1, y1 = cx + r * math.cos(angle), cy + r * math.sin(angle)
            x2, y2 = cx + r * math.cos(end), cy + r * math.sin(end)
            large = 1 if share > 0.5 else 0
            arc = f"M{cx},{cy} L{x1:.2f},{y1:.2f} A{r},{r} 0 {large} 1 {x2:.2f},{y2:.2f} Z"
            shape = f'<path d="{arc}" fill="{colour}" stroke="#fff" stroke-width="1">'
            angle = end
        percent = f"{100 * share:.1f}%"
        shape += f"<title>{escape(p.label)}：{p.value}（{percent}）</title>" + (
            "</circle>" if shape.startswith("<circle") else "</path>"
        )
        out.append(_link(p.href, shape, f"{p.label} {p.value}"))
    y = 30
    for i, p in enumerate(points):
        colour = PALETTE[i % len(PALETTE)]
        part = f"{100 * p.value / total:.1f}%" if total else "0%"
        out.append(f'<rect x="300" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(_text(318, y, f"{p.label}：{p.value}（{part}）", anchor="start", size=12))
        y += 20
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704 (every text and attribute above is escaped as it is written)
