"""The JSON API fuzzed from its own description, as every role: schemathesis generates requests from
/api/v1/openapi.json and sends them over real HTTP to a hub served on 127.0.0.1 (a SQLite database with the demo
organisation, its demo sessions, a demo case history and an enrolled kiosk).

What must hold for every answer: no 5xx; the status is one the description names for the operation; the body is JSON
of the schema given for that status (the declared response model, or the shared error body); a request that breaks the
description is refused with a 4xx.

Who is sent what (every caller is signed in once, and again if an operation ended its session):
- valid requests from the fuzzing phase go to every caller: anonymous, one staff member of each kind, and a kiosk;
- the coverage phase's boundary values and every request that breaks the description go to the callers that reach
  furthest among those the operation admits (the main leader sees all case content, the administrator all accounts
  and rooms; the kiosk and anonymous for the routes that are theirs): for the others the answer is decided before the
  body is read.

Reproducible: seeded and derandomised (CI sends the same requests every time), with few examples per operation (the
budget, FUZZ_BUDGET, is shared out over the operations) so that the run stays within about two minutes on two cores.
The description is the one the hub builds from its router (``openapi.build``), read when this module is collected so
that every operation is a test item of its own; the served document is checked to be the same. One hub (one SQLite
database) serves the whole module; PostgreSQL would double the time, and the other suites cover both backends.

A failure names the operation (the test id), the caller (a note under the error) and the request (a curl line).
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from hub.app import create_app, offline_app
from hub.auth.sessions import COOKIE as SESSION_COOKIE
from hub.cases.interface import CASES
from hub.clock import FakeClock
from hub.db import Database
from hub.demo import cases as demo_cases
from hub.demo import org as demo_org
from hub.demo import rooms as demo_rooms
from hub.http import openapi
from hub.http.middleware import CSRF_COOKIE
from hub.rooms.device_actor import COOKIE as DEVICE_COOKIE
from hub.rooms.models import Room
from hub.settings import Settings
from tests.conftest import START, run_blocking
from tests.support.live import LiveServer, owning

pytestmark = pytest.mark.slow

HOST = "127.0.0.1"  # the only host requests go to
SEED = 20261127
FUZZ_BUDGET = 360  # fuzzed examples, shared out over the operations (each one goes to every caller)
DEMO_CASES = 24  # clues and petitions in every state, so that generated small ids find real objects
SMALL_IDS = 32  # fuzzed ids are folded onto 1..SMALL_IDS (see _fold_ids)

# Who calls: nobody signed in, one staff member of each kind of the demo organisation, and an enrolled kiosk.
STAFF = {
    "admin": "admin",  # system administrator: accounts (not roles) and rooms, no case content
    "secadmin": "secadmin",  # security administrator: roles, units, portfolios and keys of others
    "auditor": "auditor",  # audit administrator: reads the audit log, changes nothing
    "leader": "leader",  # main leader: every clue and petition
    "deputy": "deputy1",  # deputy leader: the offices, groups and townships of their portfolio
    "office": "petition1",  # petition office
    "group": "group3.1",  # joint supervision group 3
    "township": "xini1",  # Xini town commission
}
CALLERS = ("anonymous", *STAFF, "kiosk")
# Who gets the boundary values and the broken requests, those of them an operation admits: who reaches furthest
# (a staff route: the leader and the administrator; a kiosk route: the kiosk; a route open to anyone: all four).
DEEP = ("leader", "admin", "kiosk", "anonymous")

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def _settings(var_dir: Path) -> Settings:
    return Settings(
        var_dir=var_dir,
        secret_key="test-secret-key-that-is-long-enough-0123456789",
        # a fuzzed sign-in route fails thousands of times from 127.0.0.1 on a clock that stands still: no lockout (it
        # would lock the callers out for good); tests/auth covers the slowing down and the lockout
        signin_free_failures=10**6,
        signin_lockout_failures=10**6,
        signin_delay_cap_seconds=0.2,
        log_json=True,
        require_security_key=False,  # the callers sign in with the password; tests/auth covers the keys
    )


# The description as the hub builds it: read here, so that every operation becomes a test item of its own.
DOCUMENT = openapi.build(create_app(_settings(Path("var"))))
OPERATIONS = sum(len(ops) for ops in DOCUMENT["paths"].values())
MAX_EXAMPLES = max(4, min(16, FUZZ_BUDGET // OPERATIONS))  # per operation, valid and broken ones together

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",  # valid requests and requests that break the description
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
            # the credentials are the callers' own (below), not made up: a made-up session is just "anonymous"
            "with-security-parameters": False,
        },
        # coverage: boundary values and each way to break each field, derived from the schemas (deterministic);
        # fuzzing: random requests (the examples phase has nothing to use: the description gives no examples)
        "phases": {
            "examples": {"enabled": False},
            # methods a path does not have (TRACE, QUERY, …) are the router's 405, not the API's: not tried
            "coverage": {"enabled": True, "unexpected-methods": []},
            "fuzzing": {"enabled": True},
        },
    }
)
schema = schemathesis.openapi.from_dict(DOCUMENT, config=CONFIG)


async def _enrolled_kiosk(database: Database, now: dt.datetime) -> str:
    """A device enrolled for the Xini town kiosk, as hub/rooms does it; its credential (the device cookie)."""
    from hub.audit import AuditActor
    from hub.rooms import devices

    async with database.transaction() as s:
        room = await s.scalar(select(Room).where(Room.code == "xini.kiosk"))
        issued = await devices.issue_enrolment_code(s, AuditActor(None, "fuzz"), room, "fuzz kiosk", now)
    async with database.transaction() as s:
        return (await devices.enrol(s, issued.code, now)).credential


async def _demo_world(settings: Settings, url: str, clock: FakeClock, password_hash: str) -> str:
    """The demo organisation with its demo sessions and a case history, and an enrolled kiosk (its credential)."""
    database = Database(url)
    try:
        async with database.transaction() as s:
            await demo_org.load(s, password_hash=password_hash, now=clock.now())
            await demo_rooms.load_demo(s, clock.now())
        app = await offline_app(settings, database, clock=clock)
        await demo_cases.generate(database, DEMO_CASES, seed=SEED, now=clock.now(), ctx=app[CASES])
        return await _enrolled_kiosk(database, clock.now())
    finally:
        await database.dispose()


def _csrf(session: requests.Session) -> str:
    return next((c.value for c in session.cookies if c.name == CSRF_COOKIE and c.value), "")


@dataclass
class Hub:
    url: str
    kiosk_credential: str
    callers: dict[str, requests.Session]

    def sign_in(self, caller: str) -> requests.Session:
        s = requests.Session()
        s.trust_env = False  # never through a proxy: the hub is on this machine
        if caller == "kiosk":
            s.cookies.set(DEVICE_COOKIE, self.kiosk_credential, domain=HOST, path="/")
        assert s.get(f"{self.url}{openapi.OPENAPI_PATH}", timeout=30).status_code == 200  # sets the CSRF cookie
        if caller in STAFF:
            form = {"username": STAFF[caller], "password": demo_org.DEMO_PASSWORD, "next": "/home", "csrf_token": _csrf(s)}
            answer = s.post(f"{self.url}/signin", data=form, allow_redirects=False, timeout=30)
            assert answer.status_code == 303 and answer.headers["Location"] == "/home", (
                f"{caller} ({STAFF[caller]}) cannot sign in: did an earlier operation change their account? "
                f"{answer.status_code} {answer.text[:300]}"
            )
            assert s.cookies.get(SESSION_COOKIE)
        if caller == "kiosk":  # the device cookie is taken: the kiosk's own reception page opens
            assert s.get(f"{self.url}/kiosk/reception", allow_redirects=False, timeout=30).status_code == 200
        old = self.callers.get(caller)
        if old is not None:
            old.close()
        self.callers[caller] = s
        return s

    def keep_signed_in(self) -> None:
        """Sign in again whoever an earlier operation signed out (a sign-out route is fuzzed like any other)."""
        for caller in STAFF:
            home = self.callers[caller].get(f"{self.url}/home", allow_redirects=False, timeout=30)
            if home.status_code != 200:
                self.sign_in(caller)


@pytest.fixture(scope="module")
def hub(tmp_path_factory, sqlite_template, demo_password_hash) -> Iterator[Hub]:  # type: ignore[no-untyped-def]
    """One hub for the module, served over HTTP on 127.0.0.1, with a session for every caller."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copy(sqlite_template, root / "hub.sqlite3")
    url = f"sqlite+aiosqlite:///{root / 'hub.sqlite3'}"
    config, clock = _settings(root / "var"), FakeClock(START)
    credential: list[str] = []

    async def prepare() -> None:
        credential.append(await _demo_world(config, url, clock, demo_password_hash))

    run_blocking(prepare)

    def make_app() -> web.Application:
        own = Database(url)
        return owning(own, create_app(config, clock=clock, database=own))

    with LiveServer(make_app) as server:
        base = f"http://{HOST}:{server.port}"
        assert requests.get(f"{base}{openapi.OPENAPI_PATH}", timeout=30).json() == DOCUMENT  # fuzzed = served
        hub = Hub(base, credential[0], {})
        for caller in CALLERS:
            hub.sign_in(caller)
        yield hub
        for s in hub.callers.values():
            s.close()


def _admits(case: Any, caller: str) -> bool:
    """Whether the operation's security requirement lets this caller in (the CSRF pair everyone has)."""
    security = DOCUMENT["paths"][case.operation.path][case.operation.method.lower()]["security"]
    has = {"anonymous": set(), "kiosk": {"device"}}.get(caller, {"session"})
    return not security or any(set(r) - {"csrf", "csrfCookie"} <= has for r in security)


def _callers(case: Any) -> tuple[str, ...]:
    fuzzed = case.meta is not None and case.meta.phase.name is TestPhase.FUZZING
    valid = case.meta is not None and case.meta.generation.mode is GenerationMode.POSITIVE
    if fuzzed and valid:
        return CALLERS
    return tuple(c for c in DEEP if _admits(case, c))


def _fold_ids(case: Any) -> None:
    """Random ids rarely name anything: in fuzzed requests, fold every valid id onto the seeded objects' small ids, so
    that the handlers behind the object check are reached; a broken one (0, negative, not a number) is kept, and so
    are the coverage phase's boundary values (1 and the largest id)."""
    if case.meta is None or case.meta.phase.name is not TestPhase.FUZZING or not case.path_parameters:
        return
    case.path_parameters = {k: 1 + v % SMALL_IDS if type(v) is int and v >= 1 else v for k, v in case.path_parameters.items()}


@pytest.fixture
def callers(hub: Hub) -> Hub:
    hub.keep_signed_in()
    return hub


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_5xx_and_every_answer_as_described(case: Any, callers: Hub) -> None:
    _fold_ids(case)
    for caller in _callers(case):
        session = callers.callers[caller]
        try:
            case.call_and_validate(
                base_url=callers.url,
                session=session,
                headers={"X-CSRF-Token": _csrf(session)},
                checks=CHECKS,
                timeout=30,
                allow_redirects=False,  # an API answers, it does not send the client elsewhere (a 303 fails the check)
            )
        except BaseException as exc:
            exc.add_note(f"(sent as {caller})")
            raise
