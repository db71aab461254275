"""The printable attendance sheet of a conference (issue 12): who was invited, when each venue joined and left, the
people it signed in with, and the roll call, in Beijing time and in words; absentees stand out."""

from __future__ import annotations

import asyncio
import datetime as dt
import re

import aiohttp_jinja2
from aiohttp.test_utils import make_mocked_request

from hub.http.rendering import page_context
from hub.i18n import WEB_DIR, current_locale
from hub.reports.interface import PAGE_PDF

UTC = dt.UTC


def _at(hour: int, minute: int) -> dt.datetime:
    return dt.datetime(2026, 12, 5, hour, minute, tzinfo=UTC)  # 08:00 UTC is 16:00 in Beijing


async def _render(app, **context) -> str:  # type: ignore[no-untyped-def]
    request = make_mocked_request("GET", "/conferences/1/attendance", app=app)
    token = current_locale.set("zh_CN")
    try:
        page = {**await page_context(request), **context}
        return aiohttp_jinja2.render_string("conferences/attendance.html", request, page)
    finally:
        current_locale.reset(token)


SHEET = {
    "conference": {
        "title": "全旗纪检监察业务培训会",
        "starts_at": _at(1, 0),
        "ends_at": _at(3, 0),
        "main_room": {"name": "旗纪委会议室"},
    },
    "rows": [
        {
            "name": "锡尼镇",
            "invited": True,
            "joined_at": _at(0, 50),
            "left_at": _at(3, 1),
            "people": 12,
            "signed_in_at": _at(0, 55),
            "roll_call_called_at": _at(1, 5),
            "roll_call_answered_at": _at(1, 6),
        },
        {
            "name": "巴拉贡镇",
            "invited": True,
            "joined_at": None,
            "left_at": None,
            "people": None,
            "signed_in_at": None,
            "roll_call_called_at": _at(1, 8),
            "roll_call_answered_at": None,
        },
    ],
    "totals": {"venues_invited": 2, "venues_present": 1, "people": 12},
}


async def test_the_sheet_shows_each_venue_in_words_and_beijing_time(app):  # type: ignore[no-untyped-def]
    html = await _render(app, **SHEET, pdf_url="/conferences/1/attendance.pdf")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "全旗纪检监察业务培训会 签到表" in text
    assert "旗纪委会议室" in text
    row = text[text.index("锡尼镇") :]
    assert "08:50" in row and "11:01" in row and "12" in row  # joined, left (Beijing time), people present
    assert "点名 09:05，应答 09:06" in row
    absent = text[text.index("巴拉贡镇") :]
    assert "缺席" in absent and "点名 09:08，未应答" in absent
    assert "应到 2 个会场，实到 1 个；签到 12 人。" in text
    assert 'href="/conferences/1/attendance.pdf"' in html and "data-print" in html


async def test_the_pdf_rendering_carries_no_links_or_scripts(app):  # type: ignore[no-untyped-def]
    html = await _render(app, **SHEET, pdf=True)
    assert "data-print" not in html and "print.js" not in html
    # the PDF is that page laid out by the documents part's renderer (app[PAGE_PDF], as the printable ledger)
    pdf = await asyncio.to_thread(app[PAGE_PDF], html, WEB_DIR / "static")
    assert pdf.startswith(b"%PDF")
