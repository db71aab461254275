"""Two (or eight) kiosks racing for the last place: exactly one wins, on SQLite and on PostgreSQL, every time."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import func, select

from hub.errors import Conflict
from hub.schedule import bookings
from hub.schedule.models import Booking, BookingStatus, MemberKind, ReceptionSlot
from tests.schedule.conftest import KIOSK_HEADER

ROUNDS = 25
CONTENDERS = 8


async def _slots(kit) -> list[ReceptionSlot]:
    async with kit.db.transaction(write=False) as s:
        return list((await s.scalars(select(ReceptionSlot).order_by(ReceptionSlot.starts_at))).all())


async def test_concurrent_transactions_one_winner_per_last_place(kit):
    await kit.published([("petition1", MemberKind.STAFF)], days=30, slot_times="09:00-10:00", capacity=1, leaders=0)
    slots = await _slots(kit)
    assert len(slots) >= ROUNDS // 2
    township, _room = await kit.township()
    limits = bookings.BookingLimits()
    now = kit.clock.now()

    async def attempt(slot_id: int, n: int) -> bool:
        try:
            async with kit.db.transaction() as s:
                await bookings.book(s, kit.kiosk(1000 + n, township), slot_id, f"甲{n}", f"1390000{n:04d}", now, limits)
            return True
        except Conflict as exc:
            assert exc.code == "full"
            return False

    rounds = 0
    for slot in slots[:ROUNDS]:
        results = await asyncio.gather(*(attempt(slot.id, rounds * CONTENDERS + k) for k in range(CONTENDERS)))
        assert results.count(True) == 1, results
        rounds += 1
    async with kit.db.transaction(write=False) as s:
        for slot in slots[:rounds]:
            fresh = await s.get(ReceptionSlot, slot.id)
            assert fresh is not None and fresh.booked == 1
            assert await s.scalar(select(func.count()).select_from(Booking).where(Booking.slot_id == slot.id)) == 1


async def test_concurrent_http_requests_one_winner(app, aiohttp_client, kit):
    await kit.published([("petition1", MemberKind.STAFF)], days=12, slot_times="09:00-10:00", capacity=2, leaders=0)
    slot = (await _slots(kit))[0]
    township, room = await kit.township()
    client = await aiohttp_client(app)
    page = await client.get("/reception")  # the CSRF cookie
    await page.read()
    csrf = client.session.cookie_jar.filter_cookies(client.make_url("/"))["hub_csrf"].value

    async def attempt(n: int) -> int:
        resp = await client.post(
            f"/kiosk/reception/slots/{slot.id}",
            data={"name": f"乙{n}", "phone": f"1380000{n:04d}", "csrf_token": csrf},
            headers={KIOSK_HEADER: f"{2000 + n}:{township}:{room}"},
        )
        await resp.read()
        return resp.status

    for round_ in range(6):
        statuses = await asyncio.gather(*(attempt(round_ * 10 + k) for k in range(6)))
        if round_ == 0:
            assert statuses.count(200) == 2 and statuses.count(409) == 4, statuses  # two places, six kiosks
        else:
            assert statuses.count(409) == 6, statuses
    async with kit.db.transaction(write=False) as s:
        fresh = await s.get(ReceptionSlot, slot.id)
        assert fresh is not None and fresh.booked == 2
        booked = await s.scalar(
            select(func.count()).select_from(Booking).where(Booking.slot_id == slot.id, Booking.status == BookingStatus.BOOKED)
        )
        assert booked == 2


async def test_cancel_and_rebook_races_keep_the_count_exact(kit):
    await kit.published([("petition1", MemberKind.STAFF)], days=5, slot_times="09:00-10:00,10:00-11:00", capacity=1, leaders=0)
    first, second = (await _slots(kit))[:2]
    township, _ = await kit.township()
    now = kit.clock.now()
    limits = bookings.BookingLimits()
    async with kit.db.transaction() as s:
        mine = await bookings.book(s, kit.kiosk(1, township), first.id, "丙", "13700000001", now, limits)
        code = mine.code

    async def rebook() -> str:
        try:
            async with kit.db.transaction() as s:
                await bookings.rebook(
                    s, kit.kiosk(1, township), code, "13700000001", second.id, now + dt.timedelta(seconds=1), limits
                )
            return "rebooked"
        except Conflict as exc:
            return exc.code

    async def other() -> str:
        try:
            async with kit.db.transaction() as s:
                await bookings.book(s, kit.kiosk(2, township), second.id, "丁", "13700000002", now, limits)
            return "booked"
        except Conflict as exc:
            return exc.code

    results = sorted(await asyncio.gather(rebook(), other()))
    assert results in (["booked", "full"], ["full", "rebooked"])
    async with kit.db.transaction(write=False) as s:
        counts = {sl.id: sl.booked for sl in (await s.scalars(select(ReceptionSlot))).all()}
        active = (await s.execute(select(Booking.slot_id).where(Booking.status == BookingStatus.BOOKED))).scalars().all()
    assert counts[second.id] == 1 and counts[first.id] == (0 if "rebooked" in results else 1)
    assert sorted(active) == sorted(sid for sid, n in counts.items() for _ in range(n))
