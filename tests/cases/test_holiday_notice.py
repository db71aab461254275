"""Next year's holiday table: from 1 November the system administrator and the case management office are told, once
and clearly, until the table is entered; deadlines in a year not entered are marked provisional where they show; the
log says it once per process. On a fake clock, both databases, over HTTP."""

from __future__ import annotations

import datetime as dt
from typing import Any

from structlog.testing import capture_logs

from hub.cases import holidays
from hub.cases.keys import HOLIDAY_NOTICE
from hub.cases.models import ClueSource
from hub.clock import LOCAL_TZ
from tests.cases.http_support import Staff

WARNING = "明年（2027 年）的节假日和调休安排尚未录入，期限计算将按普通周末处理"
LINK = 'href="/admin/holidays?year=2027"'
# 2027's statutory rest days as a notice would give them (11, the least a year holds): the year counts as entered
DAYS_2027 = ["2027-01-01", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-04-05", "2027-05-01",
             "2027-05-03", "2027-06-09", "2027-09-15", "2027-10-01"]  # fmt: skip


def at(clock: Any, year: int, month: int, day: int) -> None:
    clock.set(dt.datetime(year, month, day, 9, 0, tzinfo=LOCAL_TZ))


async def home(staff: Staff, who: str) -> str:
    browser = await staff(who)
    resp = await browser.get("/home")
    if resp.status in (303, 401):  # the fake clock moved past the session: sign in again, as a person would
        assert (await browser.sign_in(who)).status == 303
        resp = await browser.get("/home")
    assert resp.status == 200
    return await resp.text()


async def enter_days(staff: Staff, days: list[str]) -> None:
    admin = await staff("admin")
    for day in days:
        resp = await admin.post_form("/admin/holidays", {"day": day, "kind": "holiday", "note": "2027 放假"})
        assert resp.status == 303, await resp.text()


async def test_the_administrator_and_the_case_management_office_are_told_from_november_until_it_is_entered(
    new_browser: Any, clock: Any
) -> None:
    staff = Staff(new_browser)
    at(clock, 2026, 10, 31)  # before November the notice is not out yet: nothing said
    assert WARNING not in await home(staff, "admin")
    at(clock, 2026, 11, 1)
    for who in ("admin", "casemgmt1"):
        page = await home(staff, who)
        assert WARNING in page and LINK in page, who
    for who in ("leader", "group1.1", "secadmin"):  # others are not asked to act on it
        assert WARNING not in await home(staff, who), who
    # the case management office reads the table (and is told who changes it); only the administrator gets the form
    page = await (await (await staff("casemgmt1")).get("/admin/holidays?year=2027")).text()
    assert WARNING in page and "本表由系统管理员录入和修改" in page and 'action="/admin/holidays"' not in page
    page = await (await (await staff("admin")).get("/admin/holidays?year=2027")).text()
    assert WARNING in page and 'action="/admin/holidays"' in page and "至少需要 11 个" in page
    # one day entered is not a table: still said; the whole notice is
    await enter_days(staff, DAYS_2027[:10])
    assert WARNING in await home(staff, "casemgmt1")
    await enter_days(staff, DAYS_2027[10:])
    for who in ("admin", "casemgmt1"):
        assert WARNING not in await home(staff, who), who
    assert "明年" not in await (await (await staff("admin")).get("/admin/holidays?year=2027")).text()


async def test_a_deadline_in_a_year_not_entered_is_provisional_where_it_shows(new_browser: Any, kit: Any, clock: Any) -> None:
    staff = Staff(new_browser)
    at(clock, 2026, 12, 20)
    # the 1-month disposal clock from 2026-12-20 ends in 2027
    late = await kit.register_clue(unit_id=kit.unit("unit.01.0"), subject_name="跨年人", source=ClueSource.UPPER_ASSIGNED)
    assert late.due_date is not None and late.due_date.year == 2027
    leader = await staff("leader")
    clue_page = await (await leader.get(f"/clues/{late.id}")).text()
    assert '<span class="provisional">暂定</span>' in clue_page and "录入后可能变动" in clue_page
    ledger = await (await leader.get("/ledger?q=跨年人")).text()
    assert '<span class="provisional">暂定</span>' in ledger
    # a deadline within an entered year carries no mark
    at(clock, 2026, 11, 27)
    early = await kit.register_clue(unit_id=kit.unit("unit.01.0"), subject_name="年内人", source=ClueSource.SELF_FOUND)
    assert early.due_date is not None and early.due_date.year == 2026
    page = await (await leader.get(f"/clues/{early.id}")).text()
    assert early.due_date.isoformat() in page and "暂定" not in page
    # once 2027 is entered the mark goes
    await enter_days(staff, DAYS_2027)
    assert "暂定" not in await (await leader.get(f"/clues/{late.id}")).text()


async def test_the_log_says_it_once_per_process(new_browser: Any, app: Any, clock: Any) -> None:
    staff = Staff(new_browser)
    # the app started on 2026-11-27 without 2027: said at start, once
    assert app[HOLIDAY_NOTICE].logged == {2027}
    with capture_logs() as logs:
        for _ in range(2):
            await home(staff, "admin")
            await home(staff, "casemgmt1")
    assert not [e for e in logs if e["event"] == "holiday_table_missing"]
    # a process that started before November says it on the first look at the to-do list after
    notice = holidays.NextYearNotice()
    with capture_logs() as logs:
        assert notice.check(frozenset({2026}), dt.date(2026, 10, 31)) is None
        assert notice.check(frozenset({2026}), dt.date(2026, 11, 1)) == 2027
        assert notice.check(frozenset({2026}), dt.date(2026, 11, 2)) == 2027
        assert notice.check(frozenset({2026, 2027}), dt.date(2026, 11, 3)) is None
    warnings = [e for e in logs if e["event"] == "holiday_table_missing"]
    assert len(warnings) == 1 and warnings[0]["year"] == 2027 and warnings[0]["log_level"] == "warning"


async def test_a_year_counts_as_entered_with_its_statutory_rest_days(kit: Any) -> None:
    async with kit.db.transaction() as s:
        entered = await holidays.entered_years(s)
        assert {2024, 2025, 2026} <= entered and 2027 not in entered  # the shipped table ends with 2026
        assert holidays.missing_next_year(entered, dt.date(2026, 12, 31)) == 2027
        assert holidays.missing_next_year(entered, dt.date(2025, 11, 1)) is None  # 2026 is entered
        assert holidays.missing_next_year(entered, dt.date(2026, 6, 1)) is None  # not awaited before November


async def _tallies(kit: Any) -> tuple[list[Any], list[Any]]:
    from sqlalchemy import select

    from hub.cases import tally
    from hub.cases.models import LedgerTally

    cols = (LedgerTally.scope_kind, LedgerTally.scope_id, LedgerTally.due_date, LedgerTally.n)
    async with kit.db.transaction() as s:
        kept = sorted((await s.execute(select(*cols))).all())
        await tally.rebuild(s)
        recount = sorted((await s.execute(select(*cols))).all())
    return kept, recount


async def test_entering_the_year_counts_its_running_deadlines_again(new_browser: Any, kit: Any, clock: Any) -> None:
    from sqlalchemy import select

    from hub.cases.models import CaseClock

    staff = Staff(new_browser)
    at(clock, 2026, 12, 31)
    # the 1-month disposal clock ends on 2027-01-31, a Sunday: counted with weekends only, Monday 1 February
    plain = await kit.register_clue(unit_id=kit.unit("unit.01.0"), subject_name="重算人", source=ClueSource.SELF_FOUND)
    assert plain.due_date == dt.date(2027, 2, 1)
    led = await kit.register_clue(
        unit_id=kit.unit("unit.01.0"), subject_name="批办人", source=ClueSource.LEADER_INSTRUCTED,
        instructed_due=dt.date(2027, 2, 1),
    )  # fmt: skip
    await _tallies(kit)  # counted from the clues once, with the deputies' portfolios
    # the notice makes 1 February a holiday: the plain clock moves to the 2nd, the leader's own date stays
    admin = await staff("admin")
    resp = await admin.post_form("/admin/holidays", {"day": "2027-02-01", "kind": "holiday", "note": "春节"})
    assert resp.status == 303 and "recounted=2" in resp.headers["Location"]
    assert "2 个进行中的期限已按修改后的节假日表重新计算" in await (await admin.get(resp.headers["Location"])).text()
    assert (await kit.clue(plain.id)).due_date == dt.date(2027, 2, 2)
    async with kit.db.transaction(write=False) as s:
        dues = {c.key: c.due_on for c in await s.scalars(select(CaseClock).where(CaseClock.clue_id == led.id))}
    assert dues == {"clue_disposal": dt.date(2027, 2, 2), "instructed": dt.date(2027, 2, 1)}
    assert (await kit.clue(led.id)).due_date == dt.date(2027, 2, 1)
    kept, recount = await _tallies(kit)
    assert kept == recount  # the ledger's colour counts moved with the dates
    # the same through the API, back: an ordinary day again
    body = await staff.json("admin", "PUT", "/api/v1/cases/holidays/2027-02-01", {"kind": None})
    assert body["deadlines_recounted"] == 2
    assert (await kit.clue(plain.id)).due_date == dt.date(2027, 2, 1)
