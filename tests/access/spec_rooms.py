# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for rooms, devices, kiosk enrolment and room sessions (hub/rooms).

Rooms and devices: every staff member sees them, only the administrator registers rooms, issues enrolment codes and
revokes. Kiosk pages answer only an enrolled device (the matrix's kiosk role is a device enrolled for the Xini town kiosk). Room sessions: the host and invited staff see and join theirs, the main leader every one,
the administrator none (scheduling only); only the host (or the main leader) opens, invites and ends.

Session probes need sessions: `seed_room_sessions` makes them; the world fixture puts its ids into `extras`. Without
them only guessed ids are probed.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hub.auth.models import User
from hub.db import Database
from hub.rooms.models import Invitation, Room, RoomSession, SessionKind, SessionRoom, SessionStatus
from hub.rooms.participants import ParticipantRole
from tests.access.matrix import GUESSED_ID, STAFF, ListCheck, Probe, World, expect

TAKEN_ROOM = {"kind": "county_hall", "code": "county.hall", "name_zh": "重复"}
# who sees the seeded interview (hosted by group3.1, xini1 invited as a witness): stated by hand
SEES = frozenset({"group", "township", "leader"})
CONTROLS = frozenset({"group", "leader"})  # the host and the main leader


def _session_probes(world: World) -> list[Probe]:
    probes: list[Probe] = []
    for name, sid in (("guessed id", GUESSED_ID), *_seeded(world)):
        sees = SEES if sid != GUESSED_ID else frozenset()
        controls = CONTROLS if sid != GUESSED_ID else frozenset()

        def seen(ok: int, refused: int = 404, *, sees: frozenset[str] = sees) -> dict[str, int]:
            return {r: ok if r in sees else refused for r in STAFF}

        def control(ok: int, *, sees: frozenset[str] = sees, controls: frozenset[str] = controls) -> dict[str, int]:
            return {r: ok if r in controls else (403 if r in sees else 404) for r in STAFF}

        probes += [
            Probe("GET", "/api/v1/room-sessions/{id}", f"/api/v1/room-sessions/{sid}", expect("/api/", **seen(200)), note=name),
            Probe("GET", "/rooms/sessions/{id}", f"/rooms/sessions/{sid}", expect("/rooms", **seen(200)), note=name),
            Probe("GET", "/rooms/sessions/{id}/call", f"/rooms/sessions/{sid}/call", expect("/rooms", **seen(200)), note=name),
            Probe("POST", "/api/v1/room-sessions/{id}/token", f"/api/v1/room-sessions/{sid}/token", expect("/api/", kiosk=404, **seen(200)), body={}, note=name),  # the Xini kiosk is not in this session
            # open: the seeded session is open already, so an allowed open changes nothing
            Probe("POST", "/api/v1/room-sessions/{id}/open", f"/api/v1/room-sessions/{sid}/open", expect("/api/", **control(200)), body={}, note=name),
            Probe("POST", "/rooms/sessions/{id}/open", f"/rooms/sessions/{sid}/open", expect("/rooms", **control(303)), body={}, form=True, note=name),
            # a staff member is never invited as host: an allowed invitation stops at 422 and adds nobody
            Probe("POST", "/api/v1/room-sessions/{id}/invitations", f"/api/v1/room-sessions/{sid}/invitations", expect("/api/", **control(422)), body={"role": "host", "user_id": world.user("group5.1")}, note=name),
            Probe("POST", "/rooms/sessions/{id}/invitations", f"/rooms/sessions/{sid}/invitations", expect("/rooms", **control(422)), body={"role": "host", "user_id": str(world.user("group5.1"))}, form=True, note=name),
        ]  # fmt: skip
    for name, sid in (("guessed id", GUESSED_ID), *_seeded(world, "room_session.ended")):
        sees = SEES if sid != GUESSED_ID else frozenset()
        controls = CONTROLS if sid != GUESSED_ID else frozenset()
        ends = {r: 200 if r in controls else (403 if r in sees else 404) for r in STAFF}
        # end: the seeded session has ended already, so an allowed end changes nothing
        probes += [
            Probe("POST", "/api/v1/room-sessions/{id}/end", f"/api/v1/room-sessions/{sid}/end", expect("/api/", **ends), body={}, note=name),
            Probe("POST", "/rooms/sessions/{id}/end", f"/rooms/sessions/{sid}/end", expect("/rooms", **{r: 303 if s == 200 else s for r, s in ends.items()}), body={}, form=True, note=name),
        ]  # fmt: skip
    return probes


def _seeded(world: World, name: str = "room_session.interview") -> list[tuple[str, int]]:
    try:
        return [(name, world.extra(name))]  # noqa: S610 - the matrix world, not Django
    except KeyError:
        return []


def probes(world: World) -> list[Probe]:
    unknown_room = [world.room("county.hall"), GUESSED_ID]
    return [
        Probe("GET", "/rooms", "/rooms", expect("/rooms", staff=200)),
        Probe("GET", "/api/v1/devices", "/api/v1/devices", expect("/api/", staff=200)),
        # an allowed registration of a taken code stops at 409 and registers nothing
        Probe("POST", "/api/v1/rooms", "/api/v1/rooms", expect("/api/", staff=403, admin=409), body=TAKEN_ROOM),
        Probe("POST", "/rooms", "/rooms", expect("/rooms", staff=403, admin=409), body=TAKEN_ROOM, form=True),
        # codes and revocation for a guessed id: refused before the lookup for all but the administrator
        Probe("POST", "/api/v1/rooms/{id}/devices", f"/api/v1/rooms/{GUESSED_ID}/devices", expect("/api/", staff=403, admin=404), body={"label": "x"}, note="guessed id"),
        Probe("POST", "/rooms/{id}/devices", f"/rooms/{GUESSED_ID}/devices", expect("/rooms", staff=403, admin=404), body={"label": "x"}, form=True, note="guessed id"),
        Probe("POST", "/api/v1/devices/{id}/revoke", f"/api/v1/devices/{GUESSED_ID}/revoke", expect("/api/", staff=403, admin=404), body={"version": 0}, note="guessed id"),
        Probe("POST", "/rooms/devices/{id}/revoke", f"/rooms/devices/{GUESSED_ID}/revoke", expect("/rooms", staff=403, admin=404), body={"version": "0"}, form=True, note="guessed id"),
        # kiosk mode: the enrolment page is open to any browser; the rest wants an enrolled device
        Probe("GET", "/kiosk/enrol", "/kiosk/enrol", expect("/kiosk", staff=200, outsiders=200)),
        Probe("POST", "/kiosk/enrol", "/kiosk/enrol", expect("/kiosk", staff=422, outsiders=422), body={"code": "WRONG-CODE-0000"}, form=True, note="wrong code"),
        Probe("GET", "/kiosk", "/kiosk", expect("/kiosk", staff=303, outsiders=303, kiosk=200), note="only an enrolled device"),
        Probe("POST", "/kiosk/heartbeat", "/kiosk/heartbeat", expect("/kiosk", staff=401, outsiders=401, kiosk=200), body={}, note="only an enrolled device"),
        # sessions: lists for staff; planning refused to the administrator, and stopped at 422 for a room that does not exist
        Probe("GET", "/rooms/sessions", "/rooms/sessions", expect("/rooms", staff=200)),
        Probe("GET", "/api/v1/room-sessions", "/api/v1/room-sessions", expect("/api/", staff=200)),
        Probe("POST", "/api/v1/room-sessions", "/api/v1/room-sessions", expect("/api/", staff=422, admin=403, secadmin=403, auditor=403), body={"kind": "interview", "title": "x", "room_ids": unknown_room}),
        Probe("POST", "/rooms/sessions", "/rooms/sessions", expect("/rooms", staff=422, admin=403, secadmin=403, auditor=403), body={"kind": "interview", "title": "x", "room_ids": [str(i) for i in unknown_room]}, form=True),
        *_session_probes(world),
    ]  # fmt: skip


def lists(world: World) -> list[ListCheck]:
    ids = tuple(i for _, i in _seeded(world) + _seeded(world, "room_session.ended") + _seeded(world, "room_session.reception"))
    return [ListCheck("/api/v1/room-sessions?ended=1", "/api/v1/room-sessions/{id}", ids, items_key="sessions")]


async def seed_room_sessions(database: Database, now: dt.datetime) -> dict[str, int]:
    """Sessions for the matrix: an open interview hosted by group3.1 with xini1 invited as a witness, the same ended,
    and an open reception of petition1 with the Xini kiosk. Returns the ids for ``World.extras``."""
    async with database.transaction() as s:
        users = {u.username: u.id for u in (await s.scalars(select(User))).all()}
        rooms = {r.code: r.id for r in (await s.scalars(select(Room))).all()}

        def make(
            host: str, kind: SessionKind, codes: list[str], status: SessionStatus, staff: dict[str, ParticipantRole]
        ) -> RoomSession:
            return RoomSession(
                kind=kind,
                title="matrix",
                status=status,
                host_user_id=users[host],
                created_at=now,
                opened_at=now,
                ended_at=now if status is SessionStatus.ENDED else None,
                links=[SessionRoom(room_id=rooms[c]) for c in codes],
                invitations=[
                    Invitation(user_id=users[u], role=r, display_name=u, created_at=now)
                    for u, r in {host: ParticipantRole.HOST, **staff}.items()
                ],
            )

        witness = {"xini1": ParticipantRole.WITNESS}
        made = {
            "room_session.interview": make(
                "group3.1", SessionKind.INTERVIEW, ["county.interview.1", "xini.interview"], SessionStatus.OPEN, witness
            ),
            "room_session.ended": make(
                "group3.1", SessionKind.INTERVIEW, ["county.interview.2", "xini.interview"], SessionStatus.ENDED, witness
            ),
            "room_session.reception": make(
                "petition1", SessionKind.RECEPTION, ["county.reception.1", "xini.kiosk"], SessionStatus.OPEN, {}
            ),
        }
        s.add_all(made.values())
        await s.flush()
        return {name: rs.id for name, rs in made.items()}
