"""The iCalendar feeds parse with a standards-based library and carry what a calendar client needs."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from hub.schedule.models import MemberKind


async def test_roster_and_official_feeds_are_valid_rfc5545(browser, kit):
    await kit.published(days=10)
    resp = await browser.get("/reception/calendar.ics")
    assert resp.status == 200 and resp.headers["Content-Type"].startswith("text/calendar")
    raw = await resp.read()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.rstrip().endswith(b"END:VCALENDAR")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # RFC 5545 3.1: folded at 75 octets
    cal = Calendar.from_ical(raw)
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    events = list(cal.walk("VEVENT"))
    assert events
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))
    for e in events:
        start, end = e.decoded("DTSTART"), e.decoded("DTEND")
        assert isinstance(start, dt.datetime) and start.tzinfo is not None and end > start
        assert "DTSTAMP" in e and str(e["SUMMARY"])
    deputy = await kit.user_id("deputy1")
    resp = await browser.get(f"/reception/officials/{deputy}.ics")
    assert resp.status == 200
    mine = list(Calendar.from_ical(await resp.read()).walk("VEVENT"))
    assert mine and len(mine) < len(events)
    assert all("李红梅" in str(e["SUMMARY"]) for e in mine)


async def test_feed_times_are_the_slots_in_utc(browser, kit):
    await kit.published([("petition1", MemberKind.STAFF)], days=3, slot_times="09:00-10:00,15:00-16:30", leaders=0)
    cal = Calendar.from_ical(await (await browser.get("/reception/calendar.ics")).read())
    event = next(iter(cal.walk("VEVENT")))
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.utcoffset() == dt.timedelta(0)
    assert (start.hour, start.minute) == (1, 0) and (end.hour, end.minute) == (8, 30)  # 09:00 and 16:30 in Shanghai


async def test_unknown_official_feed_is_404(browser, kit):
    assert (await browser.get("/reception/officials/999999.ics")).status == 404
    assert (await browser.get("/reception/officials/abc.ics")).status in (400, 404)
