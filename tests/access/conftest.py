"""The access matrix's world: the demo organisation with the key requirement on, one signed-in client per role."""

from __future__ import annotations

import os
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import pytest
from redis import Redis as SyncRedis
from sqlalchemy import select

from hub.auth import sessions
from hub.auth.middleware import timeouts_of
from hub.auth.models import SecurityKey, SessionStage, User
from hub.org.models import OrgUnit
from hub.rooms.device_actor import COOKIE as DEVICE_COOKIE
from hub.rooms.models import Room
from tests.access.matrix import PENDING_USER, STAFF_USERS, seeders
from tests.auth import keyflow
from tests.support.clients import Browser

REDIS_URL = os.environ.get("HUB_TEST_REDIS_URL", "")


@dataclass
class SeededWorld:
    users: dict[str, int]
    units: dict[str, int]
    rooms: dict[str, int]
    revoked: tuple[int, int]
    extras: dict[str, int] = field(default_factory=dict)

    def user(self, username: str) -> int:
        return self.users[username]

    def unit(self, code: str) -> int:
        return self.units[code]

    def room(self, code: str) -> int:
        return self.rooms[code]

    def revoked_key(self) -> tuple[int, int]:
        return self.revoked

    def extra(self, name: str) -> int:
        return self.extras[name]


async def _enrolled_kiosk(database, now) -> str:  # type: ignore[no-untyped-def]
    """A device enrolled for the Xini town kiosk, as hub/rooms does it; returns its credential (the device cookie)."""
    from hub.audit import AuditActor
    from hub.rooms import devices

    async with database.transaction() as s:
        room = await s.scalar(select(Room).where(Room.code == "xini.kiosk"))
        issued = await devices.issue_enrolment_code(s, AuditActor(None, "matrix"), room, "matrix kiosk", now)
    async with database.transaction() as s:
        return (await devices.enrol(s, issued.code, now)).credential


@pytest.fixture(params=["memory", "redis"])
def settings(request, settings):  # type: ignore[no-untyped-def]
    """The matrix runs on both buses: one process, and one node of a hub on Redis (HUB_TEST_REDIS_URL; skipped only
    when it is unset, CI sets it)."""
    if request.param == "redis":
        if not REDIS_URL:
            pytest.skip("HUB_TEST_REDIS_URL is not set")
        settings.bus, settings.redis_url = "redis", REDIS_URL
        settings.redis_namespace, settings.node_id = f"test-{uuid.uuid4().hex[:10]}", "matrix"
    yield settings
    if request.param == "redis":  # what the node left in Redis goes with the test
        redis = SyncRedis.from_url(REDIS_URL)
        keys = list(redis.scan_iter(f"{settings.redis_namespace}:*"))
        if keys:
            redis.delete(*keys)
        redis.close()


@pytest.fixture
def app(app, settings):  # type: ignore[no-untyped-def]
    keyflow.require_keys(settings)
    return app


@pytest.fixture
async def world(database, seeded, clock) -> SeededWorld:  # type: ignore[no-untyped-def]
    async with database.transaction() as s:
        users = {u.username: u.id for u in (await s.scalars(select(User))).all()}
        units = {u.code: u.id for u in (await s.scalars(select(OrgUnit))).all()}
        rooms = {r.code: r.id for r in (await s.scalars(select(Room))).all()}
        key = SecurityKey(
            user_id=users["group5.2"],
            credential_id="revoked-key-of-group5.2",
            public_key=b"\x00",
            sign_count=0,
            aaguid="00000000-0000-0000-0000-000000000000",
            attestation_format="none",
            name="lost",
            created_at=clock.now(),
            revoked_at=clock.now(),
        )
        s.add(key)
        await s.flush()
        revoked = (users["group5.2"], key.id)
    extras: dict[str, int] = {}
    for seed in seeders():
        extras.update(await seed(database, clock.now()))
    return SeededWorld(users, units, rooms, revoked, extras)


ClientFactory = Callable[..., Awaitable[Browser]]


@pytest.fixture
async def clients(aiohttp_client, browser, world, database, clock, app):  # type: ignore[no-untyped-def]
    """A signed-in client per role (password and key, through the real ceremony), and a factory of fresh ones for
    probes that end their own session (``quick``: the session row is written directly, skipping Argon2 and the key)."""
    server = browser.client.server
    keys: dict[str, object] = {}
    key_ids: dict[str, int] = {}

    async def quick(b: Browser, username: str, stage: SessionStage) -> None:
        async with database.transaction() as s:
            user = await s.scalar(select(User).where(User.username == username))
            key_id = key_ids.get(username)
            if key_id is None:
                key_id = await s.scalar(
                    select(SecurityKey.id).where(SecurityKey.user_id == user.id, SecurityKey.revoked_at.is_(None))
                )
                key_ids[username] = key_id
            token = await sessions.start(
                s, user, clock.now(), timeouts_of(app), stage=stage,
                security_key_id=key_id if stage is SessionStage.COMPLETE else None,
            )  # fmt: skip
        b.client.session.cookie_jar.update_cookies({sessions.COOKIE: token}, b.client.make_url("/"))

    async def make(role: str, fresh: bool = False) -> Browser:
        if role == "kiosk":  # an enrolled township kiosk: its device cookie, never a person
            b = Browser(await aiohttp_client(server))
            b.client.session.cookie_jar.update_cookies({DEVICE_COOKIE: kiosk_credential}, b.client.make_url("/"))
            await b.prime()
            return b
        b = Browser(await aiohttp_client(server))
        await b.prime()
        if role == "pending":
            if fresh:
                await quick(b, PENDING_USER, SessionStage.SECOND_FACTOR)
            else:
                resp = await b.sign_in(PENDING_USER)
                assert resp.headers["Location"].startswith("/signin/key")
        elif role != "anonymous":
            username = STAFF_USERS[role]
            if fresh:
                await quick(b, username, SessionStage.COMPLETE)
            elif username in keys:
                await keyflow.sign_in(b, username, keys[username])  # type: ignore[arg-type]
            else:
                keys[username] = await keyflow.first_sign_in(b, username)
        return b

    kiosk_credential = await _enrolled_kiosk(database, clock.now())
    # the pending user has a key (enrolled once) but gives only the password
    keys[PENDING_USER] = await keyflow.first_sign_in(Browser(await aiohttp_client(server)), PENDING_USER)
    signed_in = {role: await make(role) for role in ("anonymous", "pending", "kiosk", *STAFF_USERS)}
    return signed_in, make
