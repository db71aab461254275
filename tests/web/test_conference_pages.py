"""The conference page (issue 12): a session of kind conference opens the chair's console and the venue's panel around
the call, in Chinese, and every element its scripts look up (`part(root, "name")`) is on the page."""

from __future__ import annotations

import re
from pathlib import Path

from hub.rooms.models import SessionKind
from hub.rooms.participants import ParticipantRole
from tests.rooms.factories import planned_session

JS = Path(__file__).resolve().parents[2] / "web" / "static" / "js"
SCRIPTS = [JS / "conference", JS / "room"]
PART = re.compile(r"""part\(\s*[\w.]+\s*,\s*"([\w-]+)\"""")


def parts_used() -> set[str]:
    return {name for folder in SCRIPTS for path in folder.glob("*.js") for name in PART.findall(path.read_text())}


async def test_conference_session_opens_the_console_page(browser, database, seeded, clock):  # type: ignore[no-untyped-def]
    session_id = await planned_session(
        database,
        "group1.1",
        ["county.interview.1", "xini.interview"],
        clock.now(),
        kind=SessionKind.CONFERENCE,
        staff={"xini1": ParticipantRole.WITNESS},
    )
    await browser.sign_in("group1.1")
    page = await browser.get(f"/rooms/sessions/{session_id}/call")
    body = await page.text()
    assert page.status == 200
    assert "/static/js/conference/page.js" in body and "/static/js/room/staff.js" not in body
    for words in ("会控台", "全体静音", "发言申请", "申请发言", "签到", "应答：到", "共享屏幕"):
        assert words in body, words
    assert "点名" in body  # the client's catalogue carries the console's words, translated
    missing = sorted(name for name in parts_used() if f'data-part="{name}"' not in body)
    assert not missing, f"the conference page lacks the parts its scripts use: {missing}"
    twice = sorted(n for n in set(re.findall(r'data-part="([\w-]+)"', body)) if body.count(f'data-part="{n}"') > 1)
    assert not twice, f"parts marked twice (a script finds only the first): {twice}"


async def test_an_ordinary_call_keeps_its_page(browser, database, seeded, clock):  # type: ignore[no-untyped-def]
    session_id = await planned_session(database, "group1.1", ["county.interview.1", "xini.interview"], clock.now())
    await browser.sign_in("group1.1")
    body = await (await browser.get(f"/rooms/sessions/{session_id}/call")).text()
    assert "/static/js/room/staff.js" in body and "会控台" not in body
    ordinary = {n for n in parts_used() if n not in CONFERENCE_ONLY}
    missing = sorted(name for name in ordinary if f'data-part="{name}"' not in body)
    assert not missing, f"the call page lacks the parts its scripts use: {missing}"


CONFERENCE_ONLY = {
    p
    for path in (JS / "conference").glob("*.js")
    for p in PART.findall(path.read_text())
    if p not in {n for q in (JS / "room").glob("*.js") for n in PART.findall(q.read_text())}
}
