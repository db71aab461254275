"""The demo's weekly rhythm: last week's reports in (two late, one missing) and its approved Monday report in the
archive; this week's partly in, group 1's left for the tour, and group1.1 can submit it."""

from __future__ import annotations

import re

from sqlalchemy import select

from hub.demo import cases as demo
from hub.demo import reports as demo_reports
from hub.reports.models import MondayReport, MondayStatus
from tests.cases.http_support import Staff


async def test_demo_weekly_rhythm_and_the_tour(app, database, new_browser, kit, clock):
    await demo.generate(database, 200, seed=3, now=clock.now())
    staff = Staff(new_browser)
    await staff("tracking1")  # the app is started (its office directory loaded)
    loaded = await demo_reports.load_demo(app, clock.now())
    assert loaded["monday_reports"] == 1
    async with database.transaction(write=False) as s:
        report = await s.scalar(select(MondayReport))
    assert report is not None and report.status is MondayStatus.APPROVED and report.week == "2026-W47"
    overview = await (await (await staff("tracking1")).get("/reports/weekly?week=2026-W47")).text()
    assert overview.count("逾期提交") == 2 and "未提交（已逾期）" in overview
    leader = await (await (await staff("leader")).get(f"/reports/monday/{report.id}")).text()
    assert "<svg" in leader and "已审定报送" in leader
    # the tour: group1.1 opens this week's report, explains the red matters and submits
    group = await staff("group1.1")
    resp = await group.post_form("/reports/weekly/start", {"week": "2026-W48"})
    assert resp.status == 303
    page = await (await group.get(resp.headers["Location"])).text()
    ids = re.findall(r'name="reason_(\d+)"', page)
    form = {"action": "submit", **{f"reason_{i}": "已说明" for i in ids}}
    assert (await group.post_form(resp.headers["Location"], form)).status == 303
    assert "按时提交" in await (await group.get(resp.headers["Location"])).text()
