# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for recordings (hub/rooms/recording): the case's recordings list, a recording's page and media, exports,
and the legal-notice endpoint.

Objects (made by ``seed_recordings``): a recording of an interview about a clue of Xini town, so that exactly those who see
that clue see its recordings (graded authorisation follows the case); the administrator never sees one. The recording
has no segment, so every media URL answers 404 to all: who may play real media is proved by
tests/rooms/recording/test_pages.py. The legal-notice endpoint is authorised by a participant's room token, not by a
session: without a valid token every caller gets the same 404, as for a session that does not exist.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from hub.db import Database
from tests.access.matrix import GUESSED_ID, STAFF, Probe, World, expect

SEES = frozenset({"leader", "deputy", "ledger", "township"})  # as the Xini clue in spec_cases


def _by_sight(*, sees: int) -> dict[str, int]:
    return {role: sees if role in SEES else 404 for role in STAFF}


def probes(world: World) -> list[Probe]:
    cid, rid = world.extra("recording.case"), world.extra("recording")  # noqa: S610 - the matrix world, not Django
    return [
        Probe("GET", "/cases/{id}/recordings", f"/cases/{cid}/recordings", expect("/cases", **_by_sight(sees=200))),
        Probe("GET", "/cases/{id}/recordings", f"/cases/{GUESSED_ID}/recordings", expect("/cases", staff=404), note="guessed case"),
        Probe("GET", "/recordings/{id}", f"/recordings/{rid}", expect("/recordings", **_by_sight(sees=200))),
        Probe("GET", "/recordings/{id}", f"/recordings/{GUESSED_ID}", expect("/recordings", staff=404), note="guessed id"),
        Probe("GET", "/recordings/{id}/segments/{position}/media", f"/recordings/{rid}/segments/1/media", expect("/recordings", staff=404), note="no such segment"),
        Probe("GET", "/recordings/{id}/segments/{position}/participants/{participant}/media", f"/recordings/{rid}/segments/1/participants/user-1/media", expect("/recordings", staff=404), note="no such segment"),
        Probe("GET", "/recordings/{id}/segments/{position}/participants/{participant}/content/media", f"/recordings/{rid}/segments/1/participants/user-1/content/media", expect("/recordings", staff=404), note="no such segment"),
        # asking for an export is open to those who see the case (a second person must approve it)
        Probe("POST", "/cases/{id}/recordings/exports", f"/cases/{cid}/recordings/exports", expect("/cases", **_by_sight(sees=303)), body={"reason": "移送审理"}, form=True),
        Probe("POST", "/recordings/exports/{id}/{decision}", f"/recordings/exports/{GUESSED_ID}/approve", expect("/recordings", staff=404), body={}, form=True, note="guessed export"),
        Probe("GET", "/recordings/exports/{id}/package", f"/recordings/exports/{GUESSED_ID}/package", expect("/recordings", staff=404), note="guessed export"),
        # a missing or forged room token answers like a room session that does not exist
        Probe("GET", "/api/v1/recordings/notice", "/api/v1/recordings/notice", expect("/api/", staff=404, outsiders=404), note="no room token"),
        Probe("POST", "/api/v1/recordings/notice", "/api/v1/recordings/notice", expect("/api/", staff=404, outsiders=404), body={"token": "v1.forged.token", "decision": "acknowledged", "sha256": "0" * 64}, note="forged room token"),
        Probe("POST", "/api/v1/recordings/notice", "/api/v1/recordings/notice", expect("/api/", staff=422, outsiders=422), body={"decision": "acknowledged"}, note="no token field"),
    ]  # fmt: skip


async def seed_recordings(database: Database, now: dt.datetime) -> dict[str, int]:
    """A finished recording of an interview about a Xini town clue, made with the parts' own services."""
    from hub.auth.models import User
    from hub.clock import FakeClock
    from hub.rooms.models import RoomSession, SessionKind, SessionStatus
    from hub.rooms.recording import service
    from tests.cases.conftest import make_kit

    kit = await make_kit(database, FakeClock(now))
    clue = await kit.register_clue(township_id=kit.unit("tw.xini"), subject_name="丁")
    async with database.transaction() as s:
        host = await s.scalar(select(User.id).where(User.username == "casemgmt1"))
        session = RoomSession(
            kind=SessionKind.INTERVIEW, title="谈话 丁", status=SessionStatus.OPEN, host_user_id=host, created_at=now
        )
        s.add(session)
        await s.flush()
        resume = await service.begin(
            s, room_session_id=session.id, signaling_room=session.signaling_room, case_id=clue.id, now=now
        )
        await service.finish(s, resume.recording_id, now=now, reason="ended_by_host")
    return {"recording.case": clue.id, "recording": resume.recording_id}
