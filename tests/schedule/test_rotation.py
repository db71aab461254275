"""The rotation planner: fair, skips holidays (with 调休 make-up days), leave and other bookings."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hub.cases.models import DayKind
from hub.cases.workdays import HolidayCalendar
from hub.schedule import rotation_planner, rotations
from hub.schedule.keys import PLANNERS
from hub.schedule.models import Duty, MemberKind

# 2026 national-day week: 10-01..10-07 off (Thu..Wed), 10-10 (Sat) a make-up working day; 09-20 (Sun) too
CAL = HolidayCalendar.from_rows(
    [(dt.date(2026, 10, d), DayKind.HOLIDAY) for d in range(1, 8)]
    + [(dt.date(2026, 10, 10), DayKind.MAKEUP_WORKDAY), (dt.date(2026, 9, 20), DayKind.MAKEUP_WORKDAY)]
)


def test_working_days_skip_holidays_and_count_makeup_days():
    days = rotation_planner.working_days(dt.date(2026, 9, 28), dt.date(2026, 10, 11), CAL.is_workday)
    assert days == [
        dt.date(2026, 9, 28), dt.date(2026, 9, 29), dt.date(2026, 9, 30),
        dt.date(2026, 10, 8), dt.date(2026, 10, 9), dt.date(2026, 10, 10),
    ]  # fmt: skip
    assert dt.date(2026, 10, 10).weekday() == 5  # the make-up Saturday is a duty day


def _roster(leaders: int, staff: int) -> list[rotation_planner.Official]:
    out = [rotation_planner.Official(i, MemberKind.LEADER, i) for i in range(leaders)]
    out += [rotation_planner.Official(100 + i, MemberKind.STAFF, leaders + i) for i in range(staff)]
    return out


@settings(max_examples=60, deadline=None)
@given(leaders=st.integers(1, 5), staff=st.integers(1, 6), n_days=st.integers(1, 40), per_staff=st.integers(1, 2))
def test_everyone_available_means_counts_differ_by_at_most_one(leaders, staff, n_days, per_staff):
    days = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(n_days)]
    plan = rotation_planner.plan(
        days, _roster(leaders, staff), per_day={MemberKind.LEADER: 1, MemberKind.STAFF: per_staff}, unavailable=lambda u, d: False
    )
    counts = Counter(uid for chosen in plan.values() for uid in chosen)
    lead = [counts[i] for i in range(leaders)]
    stf = [counts[100 + i] for i in range(staff)]
    assert max(lead) - min(lead) <= 1 and max(stf) - min(stf) <= 1
    assert all(len(chosen) == 1 + min(per_staff, staff) for chosen in plan.values())
    assert all(len(set(chosen)) == len(chosen) for chosen in plan.values())


def test_round_robin_order_and_no_back_to_back_when_avoidable():
    days = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(6)]
    plan = rotation_planner.plan(days, _roster(3, 0), per_day={MemberKind.LEADER: 1}, unavailable=lambda u, d: False)
    assert [plan[d][0] for d in days] == [0, 1, 2, 0, 1, 2]


def test_leave_is_skipped_and_the_others_stay_balanced():
    days = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(12)]
    away = {dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(6)}  # official 1 away the first six days
    plan = rotation_planner.plan(
        days, _roster(3, 0), per_day={MemberKind.LEADER: 1}, unavailable=lambda u, d: u == 1 and d in away
    )
    assert all(plan[d] != [1] for d in away)
    counts = Counter(plan[d][0] for d in days)
    assert sum(counts.values()) == 12
    # back from leave, official 1 catches up rather than being left behind
    assert counts[1] >= 3 and abs(counts[0] - counts[2]) <= 1


def test_prior_duties_carry_fairness_over():
    days = [dt.date(2026, 3, 2) + dt.timedelta(days=i) for i in range(2)]
    plan = rotation_planner.plan(
        days, _roster(3, 0), per_day={MemberKind.LEADER: 1}, unavailable=lambda u, d: False, prior={0: 5, 1: 5}
    )
    assert [plan[d][0] for d in days] == [2, 2] or plan[days[0]] == [2]


def test_slot_times_are_parsed_and_checked():
    assert [s.label() for s in rotation_planner.parse_slot_times("10:00-11:00，09:00-10:00")] == ["09:00-10:00", "10:00-11:00"]
    for bad in ("", "9-10", "10:00-09:00", "09:00-10:30,10:00-11:00", "nonsense"):
        try:
            rotation_planner.parse_slot_times(bad)
        except ValueError:
            continue
        raise AssertionError(f"accepted {bad!r}")


async def test_generated_rotation_skips_holidays_leave_and_interviews(kit):
    planner = await kit.actor("petition1")
    planners = kit.app[PLANNERS]
    now = kit.clock.now()
    members = [await kit.user_id(u) for u in ("deputy1", "deputy2", "petition1", "petition2")]
    # the test's own calendar: 12-07 a holiday, 12-12 (Sat) a make-up day
    cal = HolidayCalendar.from_rows([(dt.date(2026, 12, 7), DayKind.HOLIDAY), (dt.date(2026, 12, 12), DayKind.MAKEUP_WORKDAY)])
    async with kit.db.transaction() as s:
        await rotations.add_leave(s, planners, planner, members[0], dt.date(2026, 12, 1), dt.date(2026, 12, 4), "出差", now)
        spec = rotations.RotationSpec("十二月", dt.date(2026, 11, 30), dt.date(2026, 12, 13), "09:00-10:00", 2)
        rot = await rotations.create_rotation(s, planners, planner, spec, now)
        kinds = [MemberKind.LEADER, MemberKind.LEADER, MemberKind.STAFF, MemberKind.STAFF]
        await rotations.set_roster(s, planners, planner, rot.id, list(zip(members, kinds, strict=True)), now)
        await rotations.generate(s, planners, planner, rot.id, cal, now)
    async with kit.db.transaction(write=False) as s:
        duties = (await s.execute(select(Duty.user_id, Duty.day).where(Duty.rotation_id == rot.id))).all()
    days = {d for _u, d in duties}
    assert dt.date(2026, 12, 7) not in days and dt.date(2026, 12, 12) in days and dt.date(2026, 12, 5) not in days
    assert not any(u == members[0] and dt.date(2026, 12, 1) <= d <= dt.date(2026, 12, 4) for u, d in duties)
    leaders = Counter(u for u, _d in duties if u in members[:2])
    assert sum(leaders.values()) == len(days)  # one leader every duty day
    staff = Counter(u for u, _d in duties if u in members[2:])
    assert abs(staff[members[2]] - staff[members[3]]) <= 1
