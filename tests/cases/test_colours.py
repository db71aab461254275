"""The colour flag (§3.8) and the due-date ranges that stand for it in SQL."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from hub.cases.colours import ORDER, Colour, colour_of, due_range

TODAY = dt.date(2026, 11, 27)


def test_boundaries():
    day = dt.timedelta(days=1)
    assert colour_of(TODAY - day, TODAY) is Colour.RED
    assert colour_of(TODAY, TODAY) is Colour.YELLOW  # due today is yellow, not red
    assert colour_of(TODAY + 10 * day, TODAY) is Colour.YELLOW
    assert colour_of(TODAY + 11 * day, TODAY) is Colour.BLUE
    assert colour_of(TODAY + 30 * day, TODAY) is Colour.BLUE
    assert colour_of(TODAY + 31 * day, TODAY) is Colour.GREEN
    assert colour_of(None, TODAY) is None


@given(st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)))
def test_each_due_date_lies_in_exactly_the_range_of_its_colour(due, today):
    inside = []
    for colour in ORDER:
        low, high = due_range(colour, today)
        if (low is None or due >= low) and (high is None or due <= high):
            inside.append(colour)
    assert inside == [colour_of(due, today)]
