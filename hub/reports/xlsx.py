"""The printable ledger's workbook, written with openpyxl (the writer the ledger's own export uses: one way to write
XLSX): sheets of text and numbers, a bold header row, and cells filled in the ledger's four colours."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

FILLS = {"red": "FFD32F2F", "yellow": "FFF2B705", "blue": "FF1E88E5", "green": "FF2E7D32"}
Cell = tuple[str | int | None, str]  # (value, style name: "", "header" or a colour)


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    widths: Sequence[int] = ()


def workbook(sheets: Sequence[Sheet]) -> bytes:
    from openpyxl import Workbook  # imported here: only the export needs it
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    on_colour = Font(color="FFFFFFFF", bold=True)
    fills = {name: PatternFill("solid", start_color=argb, end_color=argb) for name, argb in FILLS.items()}
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]  # the default empty sheet
    for sheet in sheets:
        ws = book.create_sheet(sheet.name[:31])
        for i, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for r, row in enumerate(sheet.rows, start=1):
            for c, (value, style) in enumerate(row, start=1):
                cell = ws.cell(row=r, column=c, value=value)
                if style == "header":
                    cell.font = bold
                elif style in fills:
                    cell.fill = fills[style]
                    cell.font = on_colour
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
