"""The demo schedule loads on the demo organisation and is what the README tour promises."""

from __future__ import annotations

from sqlalchemy import func, select

from hub.demo import schedule as demo
from hub.schedule.models import Booking, Interview, Rotation, RotationStatus


async def test_demo_schedule_loads(browser, kit):
    async with kit.db.transaction() as s:
        result = await demo.load_demo(s, kit.app, kit.clock.now())
    assert len(result["booking_codes"]) == 3 and result["interviews"] == 1  # type: ignore[arg-type]
    async with kit.db.transaction(write=False) as s:
        rotation = await s.get(Rotation, result["rotation"])
        assert rotation is not None and rotation.status is RotationStatus.PUBLISHED
        assert await s.scalar(select(func.count()).select_from(Booking)) == 3
        assert await s.scalar(select(func.count()).select_from(Interview)) == 1
    public = await (await browser.get("/reception")).text()
    assert "刘芳" in public and "王建国" in public
    assert (await browser.sign_in("petition1")).status == 303
    mine = await (await browser.get("/schedule/mine")).text()
    assert all(code in mine for code in result["booking_codes"])  # type: ignore[union-attr]
