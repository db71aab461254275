"""Rooms and signaling together: a call ended in signaling ends the session; a revoked kiosk is put out of its call;
a participant without the right to a room never gets a token, and a forged one is refused at the WebSocket."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hub.rooms import devices
from hub.rooms.events import session_id_of
from hub.rooms.models import Device, RoomSession, SessionKind, SessionStatus
from hub.rooms.participants import ParticipantRole
from hub.rooms.tokens import issue_token
from hub.signaling.client import HubClient, SignalingRefused
from hub.signaling.keys import ALLOWED_ORIGIN, SIGNALING
from tests.rooms.factories import enrolled_device, planned_session


@pytest.fixture
async def wired(aiohttp_client, app, settings, seeded):  # type: ignore[no-untyped-def]
    app[ALLOWED_ORIGIN] = "http://127.0.0.1"  # the origin HubClient sends below
    return await aiohttp_client(app)


def test_session_ids_from_signaling_room_names():
    assert session_id_of("session-12") == 12
    assert session_id_of("session-") is None and session_id_of("other-1") is None and session_id_of("session-1x") is None


async def _kiosk_client(client, credential: str, session_id: int) -> tuple[HubClient, dict]:
    client.session.cookie_jar.update_cookies({"hub_device": credential})
    await client.get("/kiosk")  # the CSRF cookie
    csrf = client.session.cookie_jar.filter_cookies(client.make_url("/"))["hub_csrf"].value
    resp = await client.post(f"/api/v1/room-sessions/{session_id}/token", json={}, headers={"X-CSRF-Token": csrf})
    assert resp.status == 200, await resp.text()
    seat = await resp.json()
    ws = HubClient(str(client.make_url("/ws")).replace("http", "ws"), seat["token"], seat["room"], origin="http://127.0.0.1")
    await ws.connect()
    return ws, seat


async def test_ending_in_signaling_ends_the_session_and_revocation_removes_the_kiosk(wired, app, database, clock):
    device = await enrolled_device(database, "xini.kiosk", clock.now())
    session_id = await planned_session(
        database,
        "petition1",
        ["county.reception.1", "xini.kiosk"],
        clock.now(),
        kind=SessionKind.RECEPTION,
        rooms={"xini.kiosk": ParticipantRole.PETITIONER},
        open_now=True,
    )
    ws, seat = await _kiosk_client(wired, device.credential, session_id)
    try:
        reply = await ws.join()
        assert reply["type"] == "lobby"  # a petitioner waits to be admitted
        async with database.transaction(write=False) as s:
            version = await s.scalar(select(Device.version).where(Device.id == device.device.id))
        from tests.support.clients import Browser

        admin = Browser(wired)
        await admin.sign_in("admin")
        assert (await admin.post_json(f"/api/v1/devices/{device.device.id}/revoke", {"version": version})).status == 200
        closed = await ws.wait_event("closed", wait=5)
        assert closed["reason"] == "revoked"
    finally:
        await ws.close()

    await app[SIGNALING].end_room(seat["room"], "ended_by_host")
    async with database.transaction(write=False) as s:
        rs = await s.scalar(select(RoomSession).where(RoomSession.id == session_id))
    assert rs.status is SessionStatus.ENDED and rs.ended_at is not None


async def test_a_forged_or_foreign_token_is_refused_at_the_websocket(wired, app, database, clock):
    session_id = await planned_session(
        database, "petition1", ["county.reception.1", "xini.kiosk"], clock.now(), kind=SessionKind.RECEPTION, open_now=True
    )
    room = f"session-{session_id}"
    forged = issue_token(b"not the hub's secret", room=room, participant="user-1", name="x", role="host")
    ws = HubClient(str(wired.make_url("/ws")).replace("http", "ws"), forged, room, origin="http://127.0.0.1")
    await ws.connect()
    try:
        with pytest.raises(SignalingRefused) as refused:
            await ws.join()
        assert refused.value.code == "bad_token"
    finally:
        await ws.close()
    # the online window: a device that beat recently is online, and only its room is listed
    device = await enrolled_device(database, "balagong.kiosk", clock.now())
    async with database.transaction(write=False) as s:
        online = await devices.online_room_ids(s, clock.now())
        later = await devices.online_room_ids(s, clock.now() + devices.ONLINE_WINDOW + dt.timedelta(seconds=1))
    assert online == {device.room.id} and later == set()
