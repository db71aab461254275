"""Counting deadlines (§1.7) against the 2026 official calendar, and the fallback beyond the data."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub.cases.holidays import package_days
from hub.cases.workdays import HolidayCalendar, PeriodUnit, add_months

D = dt.date


@pytest.fixture(scope="module")
def cal() -> HolidayCalendar:
    return HolidayCalendar.from_rows((r.day, r.kind) for r in package_days())


def test_makeup_workdays_and_holidays_of_2026(cal):
    for day in (D(2026, 1, 4), D(2026, 2, 14), D(2026, 2, 28), D(2026, 5, 9), D(2026, 9, 20), D(2026, 10, 10)):
        assert day.weekday() >= 5 and cal.is_workday(day), day
    for day in (D(2026, 2, 17), D(2026, 10, 1), D(2026, 10, 5)):
        assert not cal.is_workday(day), day


def test_fifteen_working_days_skip_the_national_day_week(cal):
    # 2026-09-25 is the Mid-Autumn holiday; counting starts the day after (§1.7), skips 10-01..10-07 and counts the
    # makeup Saturday 10-10. chinesecalendar's find_workday counts from 0 (find_workday(0) is the next workday), so
    # workflow.md §5's find_workday(15) = 10-23 is the 16th working day; find_workday(14) is ours.
    import chinese_calendar

    assert cal.add_working_days(D(2026, 9, 25), 15) == D(2026, 10, 22) == chinese_calendar.find_workday(14, D(2026, 9, 25))
    assert cal.due(D(2026, 9, 25), 15, PeriodUnit.WORKING_DAYS) == D(2026, 10, 22)


def test_first_day_not_counted_and_end_moves_off_a_day_off(cal):
    assert cal.due(D(2026, 11, 27), 15, "days") == D(2026, 12, 14)  # 12-12 is a Saturday → Monday 14th
    assert cal.due(D(2026, 11, 2), 15, "days") == D(2026, 11, 17)
    assert cal.due(D(2026, 9, 20), 11, "days") == D(2026, 10, 8)  # 10-01 falls in the holiday → first workday after


def test_months_end_on_the_corresponding_day_or_the_last_of_the_month(cal):
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2026, 11, 30), 3) == D(2027, 2, 28)
    assert cal.due(D(2026, 8, 30), 1, "months") == D(2026, 9, 30)
    assert cal.due(D(2026, 9, 1), 1, "months") == D(2026, 10, 8)  # 10-01 is a holiday


def test_beyond_the_data_weekends_only_and_the_year_is_reported(cal):
    end = cal.add_working_days(D(2026, 12, 28), 5)
    assert end == D(2027, 1, 4)  # 2027 has no data yet: weekends only, 1 January counted as a working day
    assert cal.uncovered == {2027}


@given(st.dates(D(2005, 1, 1), D(2026, 6, 1)), st.integers(0, 40))
def test_working_day_count_and_addition_agree(start, n):
    cal = HolidayCalendar.from_rows((r.day, r.kind) for r in package_days())
    end = cal.add_working_days(start, n)
    assert cal.working_days_between(start, end) == n
    assert n == 0 or cal.is_workday(end)


async def test_a_deadline_beyond_the_holiday_data_is_counted_and_logged(kit, clock):
    from structlog.testing import capture_logs

    from hub.cases.models import ClueSource

    clock.set(dt.datetime(2026, 12, 20, 9, 0, tzinfo=dt.UTC))
    with capture_logs() as logs:
        clue = await kit.register_clue(unit_id=kit.unit("unit.01.0"), source=ClueSource.UPPER_ASSIGNED)
    # the 1-month disposal clock from 2026-12-20 ends in 2027, a year chinesecalendar does not know yet
    assert clue.due_date == dt.date(2027, 1, 20)
    assert any(entry["event"] == "deadline_counted_without_holidays" and entry["years"] == [2027] for entry in logs)
