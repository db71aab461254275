"""A document's content as a few kinds of block, and its three renderings: plain text (for search), PDF (WeasyPrint,
A4, Chinese fonts embedded, page numbers) and DOCX (python-docx, to edit in WPS or Word). One content, three
renderings, so the printed and the editable documents say the same.

The renderers block (WeasyPrint lays out the pages; python-docx writes a zip): call them in a thread.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

# Debian's fonts-noto-cjk; the serif face is the nearest free relative of the 宋体 of official documents
FONT_STACK = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Noto Sans CJK", serif'
DOCX_FONT = "宋体"


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Line:
    text: str
    align: Literal["left", "center", "right"] = "left"


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Paragraphs:
    text: str  # paragraphs separated by line breaks


@dataclass(frozen=True)
class Facts:
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Signatures:
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Picture:
    """A vector figure drawn elsewhere (an SVG element, trusted markup of the hub's own chart renderer); ``caption``
    stands for it where a format cannot hold SVG (plain text, DOCX)."""

    svg: str
    caption: str


Block = Title | Line | Heading | Paragraphs | Facts | Signatures | Picture


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n") if p.strip()]


def plain_text(blocks: list[Block]) -> str:
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Title | Line | Heading):
            out.append(b.text)
        elif isinstance(b, Paragraphs):
            out += _paragraphs(b.text)
        elif isinstance(b, Facts):
            out += [f"{k}：{v}" for k, v in b.rows]
        elif isinstance(b, Picture):
            out.append(b.caption)
        else:
            out.append("　".join(f"{r}（签名）：" for r in b.roles))
    return "\n".join(out)


# one face in one weight: each weight of a CJK font is a subsetting of a 20 MB font collection (~0.17 s each)
CSS = f"""
@page {{
  size: A4; margin: 25mm 22mm 25mm 22mm;
  @bottom-center {{ content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-family: {FONT_STACK}; font-size: 10pt; }}
}}
body {{ font-family: {FONT_STACK}; font-size: 14pt; line-height: 1.7; }}
h1 {{ text-align: center; font-size: 22pt; font-weight: normal; margin: 6mm 0; letter-spacing: 2pt; }}
h2 {{ font-size: 15pt; font-weight: normal; margin: 5mm 0 2mm; }}
p {{ margin: 0 0 2mm; text-indent: 2em; }}
p.line {{ text-indent: 0; }}
.center {{ text-align: center; }} .right {{ text-align: right; }}
table {{ width: 100%; border-collapse: collapse; margin: 3mm 0; font-size: 12pt; }}
th, td {{ border: 0.6pt solid #000; padding: 1.5mm 2mm; text-align: left; vertical-align: top; word-break: break-all; }}
th {{ width: 32%; font-weight: normal; }}
.signatures {{ margin-top: 10mm; }}
.picture svg {{ width: 100%; height: auto; }}
.signatures p {{ text-indent: 0; margin-bottom: 6mm; }}
"""


def to_html(blocks: list[Block], title: str) -> str:
    e = html.escape
    parts = [f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e(title)}</title>']
    parts.append(f"<style>{CSS}</style></head><body>")
    for b in blocks:
        if isinstance(b, Title):
            parts.append(f"<h1>{e(b.text)}</h1>")
        elif isinstance(b, Line):
            parts.append(f'<p class="line {b.align}">{e(b.text)}</p>')
        elif isinstance(b, Heading):
            parts.append(f"<h2>{e(b.text)}</h2>")
        elif isinstance(b, Paragraphs):
            parts += [f"<p>{e(p)}</p>" for p in _paragraphs(b.text)]
        elif isinstance(b, Facts):
            rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in b.rows)
            parts.append(f"<table>{rows}</table>")
        elif isinstance(b, Picture):
            parts.append(f'<div class="picture">{b.svg}</div>')
        else:
            parts.append('<div class="signatures">')
            parts += [f"<p>{e(r)}（签名）：＿＿＿＿＿＿＿＿　　年　　月　　日</p>" for r in b.roles]
            parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts)


def render_pdf(blocks: list[Block], title: str) -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs a few hundred ms, once

    pdf = HTML(string=to_html(blocks, title)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_page_pdf(page: str, static_dir: Path) -> bytes:
    """A page of the hub (its HTML, with its stylesheets under /static/) laid out for print: the page's own print CSS
    decides the paper (e.g. A4 landscape) and keeps its colours; the fonts are the documents'. Blocks: call in a thread.
    Only the hub's own files are read (no network)."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    local = page.replace('href="/static/', 'href="static/').replace('src="/static/', 'src="static/')
    base = static_dir.resolve().parent.as_uri() + "/"
    pdf = HTML(string=local, base_url=base, url_fetcher=URLFetcher(allowed_protocols={"file"})).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_docx(blocks: list[Block], title: str) -> bytes:
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt

    document = docx.Document()
    document.core_properties.title = title
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(22)
    normal = document.styles["Normal"]
    normal.font.name = DOCX_FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
    align = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}

    def run(paragraph: object, text: str, *, bold: bool = False, size: int | None = None) -> None:
        r = paragraph.add_run(text)  # type: ignore[attr-defined]
        r.bold = bold
        r.font.name = DOCX_FONT
        r._element.rPr.rFonts.set(qn("w:eastAsia"), DOCX_FONT)
        if size:
            r.font.size = Pt(size)

    for b in blocks:
        if isinstance(b, Title):
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run(p, b.text, bold=True, size=22)
        elif isinstance(b, Line):
            p = document.add_paragraph()
            p.alignment = align[b.align]
            run(p, b.text)
        elif isinstance(b, Heading):
            run(document.add_paragraph(), b.text, bold=True, size=15)
        elif isinstance(b, Paragraphs):
            for text in _paragraphs(b.text):
                p = document.add_paragraph()
                p.paragraph_format.first_line_indent = Pt(28)
                run(p, text)
        elif isinstance(b, Facts):
            table = document.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for k, v in b.rows:
                cells = table.add_row().cells
                run(cells[0].paragraphs[0], k, size=12)
                run(cells[1].paragraphs[0], v, size=12)
        elif isinstance(b, Picture):  # Word holds no SVG: the figure's caption (its values are in the text beside)
            p = document.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run(p, f"〔图：{b.caption}〕", size=12)
        else:
            for role in b.roles:
                run(document.add_paragraph(), f"{role}（签名）：＿＿＿＿＿＿＿＿　　年　　月　　日")
    # page numbers in the footer: 第 N 页
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run(footer, "第 ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)
    run(footer, " 页")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
