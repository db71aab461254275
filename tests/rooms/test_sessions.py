"""Room sessions: who sees, joins, opens and ends which session, and the token endpoint that enforces it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hub.auth.models import User
from hub.rooms.models import RoomSession, SessionKind
from hub.rooms.participants import ParticipantRole
from hub.rooms.rules import RoomSessionRule
from hub.rooms.tokens import TokenError, verify_token
from tests.conftest import START
from tests.rooms.factories import enrolled_device, planned_session, room_id, staff_actor

SECRET = b"test-secret-key-that-is-long-enough-0123456789"  # the settings fixture's secret_key
NOW = START.timestamp()  # tokens expire on the hub's clock: the fake clock of the fixtures


async def _token(browser, session_id):
    return await browser.post_json(f"/api/v1/room-sessions/{session_id}/token")


async def test_host_plans_invites_and_the_token_endpoint_enforces_rights(browser, new_browser, database, clock, seeded):
    await browser.sign_in("group1.1")
    county = await room_id(database, "county.interview.1")
    township = await room_id(database, "xini.interview")
    created = await browser.post_json(
        "/api/v1/room-sessions",
        {
            "kind": "interview",
            "title": "谈话 2026-11",
            "room_ids": [county, township],
            "planned_start": "2026-11-27T10:00",
            "planned_end": "2026-11-27T11:00",
        },
    )
    assert created.status == 201, await created.text()
    rs = await created.json()
    assert rs["planned_start"].startswith("2026-11-27T02:00"), rs  # local time in, UTC stored
    clerk = await database_user(database, "group1.2")
    invited = await browser.post_json(f"/api/v1/room-sessions/{rs['id']}/invitations", {"role": "clerk", "user_id": clerk})
    assert invited.status == 201
    assert (
        await browser.post_json(f"/api/v1/room-sessions/{rs['id']}/invitations", {"role": "witness", "user_id": clerk})
    ).status == 409  # invited already
    assert (
        await browser.post_json(f"/api/v1/room-sessions/{rs['id']}/invitations", {"role": "petitioner", "user_id": clerk})
    ).status == 422  # staff are never petitioners
    assert (
        await browser.post_json(
            f"/api/v1/room-sessions/{rs['id']}/invitations",
            {"role": "interviewee", "room_id": township, "display_name": "被谈话人甲"},
        )
    ).status == 201
    assert (
        await browser.post_json(f"/api/v1/room-sessions/{rs['id']}/invitations", {"role": "host", "room_id": county})
    ).status == 422

    clerk_browser = await new_browser()
    await clerk_browser.sign_in("group1.2")
    assert (await _token(clerk_browser, rs["id"])).status == 409  # not open yet: only the host opens it

    resp = await _token(browser, rs["id"])
    assert resp.status == 200
    body = await resp.json()
    claims = verify_token(body["token"], SECRET, now=NOW)
    assert (claims.room, claims.role.value, claims.participant) == (f"session-{rs['id']}", "host", body["participant"])
    with pytest.raises(TokenError):
        verify_token(body["token"], b"another secret", now=NOW)

    clerk_token = verify_token((await (await _token(clerk_browser, rs["id"])).json())["token"], SECRET, now=NOW)
    assert clerk_token.role.value == "clerk" and clerk_token.participant != claims.participant

    # a staff member without the right is refused, as if the session did not exist
    other = await new_browser()
    await other.sign_in("group2.1")
    assert (await _token(other, rs["id"])).status == 404
    assert (await other.get(f"/api/v1/room-sessions/{rs['id']}")).status == 404
    assert (await other.get(f"/rooms/sessions/{rs['id']}/call")).status == 404
    # the clerk may not end or invite
    assert (await clerk_browser.post_json(f"/api/v1/room-sessions/{rs['id']}/end")).status == 403
    # the administrator sees scheduling only
    admin = await new_browser()
    await admin.sign_in("admin")
    assert (await _token(admin, rs["id"])).status == 404
    schedule = (await (await admin.get("/api/v1/room-sessions?for=schedule")).json())["sessions"]
    assert [s["id"] for s in schedule] == [rs["id"]] and "title" not in schedule[0] and "invitations" not in schedule[0]
    assert (await (await admin.get("/api/v1/room-sessions")).json())["sessions"] == []
    # the main leader looks in silently
    leader = await new_browser()
    await leader.sign_in("leader")
    assert verify_token((await (await _token(leader, rs["id"])).json())["token"], SECRET, now=NOW).role.value == "witness"
    # an anonymous visitor gets nothing
    anonymous = await new_browser()
    assert (await _token(anonymous, rs["id"])).status == 401

    # the interviewee's room device joins as the interviewee, with the name the host gave
    device = await enrolled_device(database, "xini.interview", clock.now())
    room_browser = await new_browser()
    room_browser.client.session.cookie_jar.update_cookies({"hub_device": device.credential})
    seat = await (await _token(room_browser, rs["id"])).json()
    assert (verify_token(seat["token"], SECRET, now=NOW).role.value, seat["name"]) == ("interviewee", "被谈话人甲")
    # a kiosk of another township is refused
    stranger = await enrolled_device(database, "balagong.kiosk", clock.now())
    stranger_browser = await new_browser()
    stranger_browser.client.session.cookie_jar.update_cookies({"hub_device": stranger.credential})
    assert (await _token(stranger_browser, rs["id"])).status == 404

    ended = await browser.post_json(f"/api/v1/room-sessions/{rs['id']}/end")
    assert ended.status == 200 and (await ended.json())["status"] == "ended"
    assert (await _token(browser, rs["id"])).status == 409
    assert (await _token(room_browser, rs["id"])).status == 409


async def test_kiosk_heartbeat_lists_only_open_sessions_of_its_room(new_browser, browser, database, clock, seeded):
    device = await enrolled_device(database, "xini.kiosk", clock.now())
    kiosk = await new_browser()
    kiosk.client.session.cookie_jar.update_cookies({"hub_device": device.credential})
    planned = await planned_session(
        database, "petition1", ["county.reception.1", "xini.kiosk"], clock.now(), kind=SessionKind.RECEPTION
    )
    await planned_session(
        database, "petition2", ["county.reception.2", "balagong.kiosk"], clock.now(), kind=SessionKind.RECEPTION, open_now=True
    )
    assert (await (await kiosk.post_json("/kiosk/heartbeat", {})).json())["sessions"] == []
    await browser.sign_in("petition1")
    assert (await browser.post_json(f"/api/v1/room-sessions/{planned}/open")).status == 200
    listed = (await (await kiosk.post_json("/kiosk/heartbeat", {})).json())["sessions"]
    assert [s["id"] for s in listed] == [planned]
    seat = await (await kiosk.post_json(f"/api/v1/room-sessions/{planned}/token")).json()
    assert verify_token(seat["token"], SECRET, now=NOW).role.value == "kiosk"
    # the kiosk reaches no staff view of the session
    assert (await kiosk.get(f"/api/v1/room-sessions/{planned}")).status == 401


async def database_user(database, username: str) -> int:
    async with database.transaction(write=False) as s:
        found = await s.scalar(select(User.id).where(User.username == username))
    assert found is not None
    return found


async def test_lists_show_exactly_what_the_rule_allows(database, clock, seeded):
    """The SQL filter and the per-object rule agree for every demo account and every action."""
    now = clock.now()
    await planned_session(
        database,
        "group1.1",
        ["county.interview.1", "xini.interview"],
        now,
        staff={"group1.2": ParticipantRole.CLERK},
        rooms={"xini.interview": ParticipantRole.INTERVIEWEE},
    )
    await planned_session(
        database, "petition1", ["county.reception.1", "xini.kiosk"], now, kind=SessionKind.RECEPTION, open_now=True
    )
    await planned_session(
        database,
        "leader",
        ["county.hall", "xini.interview", "balagong.interview"],
        now,
        kind=SessionKind.CONFERENCE,
        staff={"xini1": ParticipantRole.WITNESS},
    )
    rule = RoomSessionRule()
    async with database.transaction(write=False) as s:
        every = (await s.scalars(select(RoomSession))).all()
        for username in (await s.scalars(select(User.username))).all():
            actor = await staff_actor(s, username)
            for action in ("view", "join", "schedule", "open", "invite", "end"):
                listed = set((await s.scalars(select(RoomSession.id).where(rule.where(actor, action)))).all())
                allowed = {rs.id for rs in every if rule.allows(actor, action, rs)}
                assert listed == allowed, (username, action)
        visible = {
            u: {rs.id for rs in every if rule.allows(await staff_actor(s, u), "view", rs)}
            for u in ("group1.1", "group1.2", "xini1", "admin", "leader", "group2.1")
        }
    assert len(visible["leader"]) == 3 and visible["admin"] == set() and visible["group2.1"] == set()
    assert len(visible["group1.2"]) == 1 and len(visible["xini1"]) == 1
