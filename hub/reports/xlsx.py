# ruff: noqa: E501
# (the Open XML namespaces and content types are long strings: splitting them would hide them)
"""A small XLSX writer (Office Open XML, stdlib only): sheets of text and numbers, a bold header row, and cells filled
in the ledger's four colours — what the printable ledger needs, nothing more."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

# style ids in styles.xml: 0 plain, 1 header, 2..5 the colour fills
FILLS = {"red": "FFD32F2F", "yellow": "FFF2B705", "blue": "FF1E88E5", "green": "FF2E7D32"}
STYLE = {"": 0, "header": 1, **{name: i for i, name in enumerate(FILLS, start=2)}}
Cell = tuple[str | int | None, str]  # (value, style name: "", "header" or a colour)


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    widths: Sequence[int] = ()


def _column(n: int) -> str:
    name = ""
    while True:
        n, rest = divmod(n, 26)
        name = chr(65 + rest) + name
        if n == 0:
            return name
        n -= 1


def _sheet_xml(sheet: Sheet) -> str:
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">']  # fmt: skip
    if sheet.widths:
        out.append("<cols>")
        out += [f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(sheet.widths, start=1)]
        out.append("</cols>")
    out.append("<sheetData>")
    for r, row in enumerate(sheet.rows, start=1):
        out.append(f'<row r="{r}">')
        for c, (value, style) in enumerate(row):
            ref, s = f"{_column(c)}{r}", STYLE.get(style, 0)
            if value is None or value == "":
                out.append(f'<c r="{ref}" s="{s}"/>')
            elif isinstance(value, int):
                out.append(f'<c r="{ref}" s="{s}"><v>{value}</v></c>')
            else:
                out.append(f'<c r="{ref}" s="{s}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        out.append("</row>")
    out.append("</sheetData>")
    out.append('<pageSetup orientation="landscape" paperSize="9"/>')
    out.append("</worksheet>")
    return "".join(out)


STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<fonts count="3"><font><sz val="11"/><name val="宋体"/></font><font><b/><sz val="11"/><name val="宋体"/></font>'
    '<font><sz val="11"/><color rgb="FFFFFFFF"/><name val="宋体"/></font></fonts>'
    f'<fills count="{2 + len(FILLS) + 1}"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFEEF1F5"/></patternFill></fill>'
    + "".join(f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}"/></patternFill></fill>' for rgb in FILLS.values())
    + '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    f'<cellXfs count="{2 + len(FILLS)}"><xf fontId="0" fillId="0"/><xf fontId="1" fillId="2" applyFont="1" applyFill="1"/>'
    + "".join(
        f'<xf fontId="{0 if name == "yellow" else 2}" fillId="{3 + i}" applyFont="1" applyFill="1"/>'
        for i, name in enumerate(FILLS)
    )
    + "</cellXfs></styleSheet>"
)


def workbook(sheets: Sequence[Sheet]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>",
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        names = "".join(
            f'<sheet name="{escape(s.name[:31])}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, start=1)
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{names}</sheets></workbook>",
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        styles_id = len(sheets) + 1
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'{rels}<Relationship Id="rId{styles_id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        z.writestr("xl/styles.xml", STYLES)
        for i, sheet in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheet))
    return buf.getvalue()
