"""A live call's session touch that meets a database outage is retried with the next message, never a reason to
close the socket (the handler of /ws awaits it on every frame: an exception there would end the call)."""

from __future__ import annotations

from hub.auth.live import SessionWatch
from hub.clock import FakeClock
from hub.db import Database


async def test_a_failed_touch_does_not_raise_and_is_tried_again(clock: FakeClock) -> None:
    db = Database("postgresql+asyncpg://postgres@127.0.0.1:9/nothing")  # port 9: nobody listens
    watch = SessionWatch(db, clock, lambda: None)  # type: ignore[arg-type,return-value]  # timeouts: only check() reads them
    try:
        await watch.activity("session-1")  # the database is down: logged, not raised
        assert "session-1" not in watch._touched  # so the next message tries again at once
        await watch.activity("session-1")
    finally:
        await db.dispose()
