"""The access matrix's vocabulary: roles, probes, list checks, and the discovery of per-part spec modules.

Each part declares its expectations in ``tests/access/spec_<part>.py`` with a function ``probes(world)`` returning
``Probe``s, optionally ``lists(world)`` returning ``ListCheck``s, and optionally coroutines named ``seed_*`` with the
signature ``(database, now) -> dict[str, int]`` that add the part's objects; their ids reach the specs as
``world.extra(name)``. The matrix test walks ``app.router`` of the fully
wired app: a route that no probe covers fails the test, so a new endpoint cannot slip in without its expectations.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Protocol

# Who knocks. Outsiders: nobody signed in; a staff member whose password was accepted but whose key was not shown
# ("pending"); an enrolled kiosk device. Staff: one person of each role of the demo organisation.
OUTSIDERS = ("anonymous", "pending", "kiosk")
STAFF_USERS: Mapping[str, str] = {
    # the three separated administrators (三员分立): none sees case content
    "admin": "admin",  # system administrator: accounts (not roles), rooms, devices
    "secadmin": "secadmin",  # security administrator: roles, units, portfolios, keys
    "auditor": "auditor",  # audit administrator: reads the audit log, changes nothing
    "leader": "leader",  # main leader
    "deputy": "deputy1",  # deputy leader: petition, case management, tracking offices, groups 1-3, three townships
    "office": "petition1",  # petition office
    "ledger": "casemgmt1",  # case management office (keeps the ledger)
    "trial": "trial1",  # trial office
    "group": "group3.1",  # joint group 3
    "township": "xini1",  # Xini town commission
}
STAFF = tuple(STAFF_USERS)
ROLES = OUTSIDERS + STAFF
PENDING_USER = "tracking1"  # has a key, has given only the password

Status = int | frozenset[int]  # one answer, or the answers that do not depend on who asks (readiness: 200 or 503)


def unsigned(path: str) -> Status:
    """What someone who is not a signed-in staff member gets from a staff-only endpoint."""
    return 401 if path.startswith("/api/") else 303


def expect(path: str, *, staff: Status | None = None, outsiders: Status | None = None, **per_role: Status) -> dict[str, Status]:
    """Expectations for every role: outsiders default to the sign-in refusal, ``staff`` is every staff role's answer,
    and keyword arguments (role names) override. A role left without an expectation is an error in the spec."""
    out = unsigned(path) if outsiders is None else outsiders
    table: dict[str, Status] = dict.fromkeys(OUTSIDERS, out)
    if staff is not None:
        table.update(dict.fromkeys(STAFF, staff))
    unknown = set(per_role) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)} in expectations for {path}")
    table.update(per_role)
    missing = set(ROLES) - set(table)
    if missing:
        raise ValueError(f"no expectation for roles {sorted(missing)} on {path}")
    return table


@dataclass(frozen=True)
class Probe:
    """One request, tried by every role, with the answer each must get."""

    method: str
    route: str  # the route's canonical form in app.router, e.g. "/api/v1/staff/{id}" ("/static" for static files)
    path: str  # the concrete path tried
    expect: Mapping[str, Status]
    body: Any = None  # JSON body, or form fields when ``form``
    form: bool = False
    note: str = ""  # what is tried: "same unit", "outside the portfolio", "guessed id", ...
    fresh: bool = False  # changes the caller's own session (sign-out, language): run in a fresh session of the role
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ListCheck:
    """A list never shows what the detail refuses, and the detail refuses what the list hides."""

    list_path: str
    detail_path: str  # with "{id}"
    all_ids: tuple[int, ...]  # every id that exists, to prove the hidden ones are refused
    items_key: str = "items"
    id_key: str = "id"


class World(Protocol):
    """Ids of the demo organisation and of the objects the matrix fixture adds; specs look everything up here."""

    def user(self, username: str) -> int: ...
    def unit(self, code: str) -> int: ...
    def room(self, code: str) -> int: ...
    def revoked_key(self) -> tuple[int, int]: ...  # (user id, key id) of a key already revoked
    def extra(self, name: str) -> int: ...  # ids that parts' seed_* functions add (clues, petitions, ...)


GUESSED_ID = 987654  # an id no seeded object has


@dataclass
class DummyWorld:
    """Answers every lookup with a fixed id: enough to list which routes the specs cover, without a database."""

    def user(self, username: str) -> int:
        return 1

    def unit(self, code: str) -> int:
        return 1

    def room(self, code: str) -> int:
        return 1

    def revoked_key(self) -> tuple[int, int]:
        return (1, 1)

    def extra(self, name: str) -> int:
        return 1


def spec_modules() -> list[ModuleType]:
    """Every ``tests/access/spec_*.py``, found automatically (a part adds its file; nobody edits a shared list)."""
    import tests.access as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith("spec_"):
            found.append(importlib.import_module(f"tests.access.{info.name}"))
    return found


def all_probes(world: World) -> list[Probe]:
    probes: list[Probe] = []
    for module in spec_modules():
        make: Callable[[World], list[Probe]] = module.probes
        probes.extend(make(world))
    return probes


def all_lists(world: World) -> list[ListCheck]:
    checks: list[ListCheck] = []
    for module in spec_modules():
        make = getattr(module, "lists", None)
        if make is not None:
            checks.extend(make(world))
    return checks


Seeder = Callable[[Any, Any], Awaitable[dict[str, int]]]


def seeders() -> list[Seeder]:
    """Every ``seed_*`` coroutine of the spec modules, in a stable order."""
    found: list[Seeder] = []
    for module in spec_modules():
        for name in sorted(vars(module)):
            if name.startswith("seed_") and inspect.iscoroutinefunction(getattr(module, name)):
                found.append(getattr(module, name))
    return found
