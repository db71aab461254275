"""Friday progress reports: prefilled entries, a red matter needs its reason, submitted / late / missing, returned."""

from __future__ import annotations

import datetime as dt
import re

from hub.cases.models import ClueSource
from tests.cases.http_support import Staff

WEEK = "2026-W48"  # the fake clock starts on Friday 2026-11-27


async def _matters(kit):
    """A red and a blue clue of a unit that joint group 1 supervises."""
    red = await kit.register_clue(
        unit_id=kit.unit("unit.01.0"), subject_name="红色人", source=ClueSource.LEADER_INSTRUCTED,
        instructed_due=kit.today - dt.timedelta(days=2),
    )  # fmt: skip
    blue = await kit.register_clue(
        unit_id=kit.unit("unit.01.0"), subject_name="蓝色人", source=ClueSource.LEADER_INSTRUCTED,
        instructed_due=kit.today + dt.timedelta(days=20),
    )  # fmt: skip
    other = await kit.register_clue(unit_id=kit.unit("unit.05.0"), subject_name="第五组人")
    return red, blue, other


async def _start(staff: Staff, username: str, week: str = WEEK) -> int:
    browser = await staff(username)
    resp = await browser.post_form("/reports/weekly/start", {"week": week})
    assert resp.status == 303, await resp.text()
    found = re.fullmatch(r"/reports/weekly/(\d+)", resp.headers["Location"])
    assert found, resp.headers["Location"]
    return int(found.group(1))


def _entry_ids(html: str) -> list[int]:
    return [int(x) for x in re.findall(r'name="reason_(\d+)"', html)]


async def test_red_matter_needs_its_reason_then_the_report_is_on_time(new_browser, kit):
    red, blue, other = await _matters(kit)
    staff = Staff(new_browser)
    report_id = await _start(staff, "group1.1")
    group = await staff("group1.1")
    page = await (await group.get(f"/reports/weekly/{report_id}")).text()
    # one entry per open matter of the group, prefilled from the week's events (the registration this week)
    assert red.number in page and blue.number in page and other.number not in page
    assert "登记" in page or "Registered" in page
    ids = _entry_ids(page)
    assert len(ids) == 2
    red_entry = ids[0]  # the most urgent first
    form = {"action": "submit", **{f"progress_{i}": "已谈话" for i in ids}, **{f"next_steps_{i}": "形成报告" for i in ids}}
    refused = await group.post_form(f"/reports/weekly/{report_id}", form)
    text = await refused.text()
    assert refused.status == 422, text
    assert "讲清" in text or "explanation" in text
    assert "已谈话" in text  # what was typed is shown again
    # nothing was submitted
    overview = await (await (await staff("tracking1")).get(f"/reports/weekly?week={WEEK}")).text()
    assert "待提交" in overview
    form[f"reason_{red_entry}"] = "被反映人外出学习，谈话推迟"
    form[f"coordination_{red_entry}"] = "1"
    done = await group.post_form(f"/reports/weekly/{report_id}", form)
    assert done.status == 303, await done.text()
    page = await (await group.get(f"/reports/weekly/{report_id}")).text()
    assert "按时提交" in page and "被反映人外出学习" in page
    # submitted: no more changes by the group
    again = await group.post_form(f"/reports/weekly/{report_id}", form)
    assert again.status == 409
    # the tracking office sees it on time, returns it; the group may correct and submit again
    tracking = await staff("tracking1")
    overview = await (await tracking.get(f"/reports/weekly?week={WEEK}")).text()
    assert "按时提交" in overview and "未提交" not in overview.split("第一联查联审组")[1].split("</tr>")[0]
    back = await tracking.post_form(f"/reports/weekly/{report_id}/return", {"note": "请补充下步措施的时间"})
    assert back.status == 303
    page = await (await group.get(f"/reports/weekly/{report_id}")).text()
    assert "请补充下步措施的时间" in page and "退回修改" in page
    # another group may neither see nor return it
    assert (await (await staff("group5.1")).get(f"/reports/weekly/{report_id}")).status == 404
    assert (await (await staff("group5.1")).post_form(f"/reports/weekly/{report_id}/return", {"note": "x"})).status == 404


async def test_late_and_missing_reports_and_reminders(new_browser, kit, clock):
    await _matters(kit)
    staff = Staff(new_browser)
    group = await staff("group1.1")
    # Friday morning: the to-do list asks for this week's report
    home = await (await group.get("/home")).text()
    assert "2026-W48" in home and "提交本周五进展报告" in home
    report_id = await _start(staff, "group1.1")
    # Monday: not submitted → red, for the group and for the tracking office
    clock.advance(dt.timedelta(days=3))
    staff = Staff(new_browser)  # the sessions of Friday have ended: sign in again
    group = await staff("group1.1")
    home = await (await group.get("/home")).text()
    assert "2026-W48" in home and "尚未提交" in home
    tracking_home = await (await (await staff("tracking1")).get("/home")).text()
    assert "份周五进展报告未报" in tracking_home
    overview = await (await (await staff("tracking1")).get(f"/reports/weekly?week={WEEK}")).text()
    assert "未提交（已逾期）" in overview
    page = await (await group.get(f"/reports/weekly/{report_id}")).text()
    form = {"action": "submit", **{f"reason_{i}": "原因已说明" for i in _entry_ids(page)}}
    assert (await group.post_form(f"/reports/weekly/{report_id}", form)).status == 303
    overview = await (await (await staff("tracking1")).get(f"/reports/weekly?week={WEEK}")).text()
    row = overview.split("第一联查联审组")[1].split("</tr>")[0]
    assert "逾期提交" in row
