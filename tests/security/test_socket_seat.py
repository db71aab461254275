"""Issue 14, finding 12: a WebSocket opened with a staff member's room token but without their session stayed joined
after they signed out. A staff seat ("user-N") is now taken only on a socket of N's own signed-in session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.auth.models import User
from hub.http.keys import SECRET
from hub.rooms.models import SessionKind
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient, SignalingRefused
from hub.signaling.keys import ALLOWED_ORIGIN
from tests.rooms.factories import planned_session


@pytest.fixture
async def wired(aiohttp_client, app, settings, seeded):  # type: ignore[no-untyped-def]
    app[ALLOWED_ORIGIN] = "http://127.0.0.1"
    return await aiohttp_client(app)


async def test_a_staff_seat_needs_its_own_session(wired, app, database, clock):
    session_id = await planned_session(
        database, "petition1", ["county.reception.1", "xini.kiosk"], clock.now(), kind=SessionKind.RECEPTION, open_now=True
    )
    async with database.transaction(write=False) as s:
        official = await s.scalar(select(User.id).where(User.username == "petition1"))
    room = f"session-{session_id}"
    # a genuine token (as the token endpoint issues it), carried to a socket that no session of petition1 opened
    token = issue_token(app[SECRET], room=room, participant=f"user-{official}", name="x", role="host")
    ws = HubClient(str(wired.make_url("/ws")).replace("http", "ws"), token, room, origin="http://127.0.0.1")
    await ws.connect()
    try:
        with pytest.raises(SignalingRefused) as refused:
            await ws.join()
        assert refused.value.code == "not_yours"
    finally:
        await ws.close()


async def test_a_call_into_a_kiosk_is_opened_only_from_a_booking(wired, database):
    """Issue 14, finding 4: any staff member could plan a call into any kiosk and host it."""
    from tests.support.clients import Browser

    async with database.transaction(write=False) as s:
        from hub.rooms.models import Room

        county = await s.scalar(select(Room.id).where(Room.code == "county.reception.1"))
        kiosk = await s.scalar(select(Room.id).where(Room.code == "xini.kiosk"))
    body = {"kind": "reception", "title": "x", "room_ids": [county, kiosk]}
    staff = Browser(wired)
    await staff.sign_in("group3.1")
    assert (await staff.post_json("/api/v1/room-sessions", body)).status == 403


async def test_a_township_interview_room_is_planned_by_hand_neither_by_township_staff_nor_another_deputy(wired, database):
    """Issue 14, finding 4: any staff member (the township's own, who may be the accused, or a deputy of other
    townships) could plan a call into a township interview room and host it."""
    from tests.support.clients import Browser

    async with database.transaction(write=False) as s:
        from hub.rooms.models import Room

        county = await s.scalar(select(Room.id).where(Room.code == "county.interview.1"))
        room = await s.scalar(select(Room.id).where(Room.code == "xini.interview"))
    body = {"kind": "interview", "title": "x", "room_ids": [county, room]}
    for username, status in (("xini1", 403), ("balagong1", 403), ("deputy2", 403), ("deputy1", 201), ("group1.1", 201)):
        staff = Browser(wired)
        await staff.sign_in(username)
        assert (await staff.post_json("/api/v1/room-sessions", body)).status == status, username
