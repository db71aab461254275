# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for sign-in, the key ceremonies, staff accounts and security-key administration (hub/auth)."""

from __future__ import annotations

from tests.access.matrix import GUESSED_ID, STAFF, STAFF_USERS, Probe, World, expect

TARGETS = (
    "admin", "leader", "deputy1", "petition1", "petition2", "casemgmt1", "trial1",
    "group3.1", "group3.2", "group5.1", "group5.2", "xini1", "duguitala1",
)  # fmt: skip
EVERYONE = frozenset(TARGETS)
# whom each role may see (DESIGN §7): stated here by hand, not derived from the rules under test
VISIBLE: dict[str, frozenset[str]] = {
    "admin": EVERYONE,
    "leader": EVERYONE,
    "deputy": frozenset({"deputy1", "petition1", "petition2", "casemgmt1", "group3.1", "group3.2", "xini1"}),
    "office": frozenset({"petition1", "petition2"}),
    "ledger": frozenset({"casemgmt1"}),
    "trial": frozenset({"trial1"}),
    "group": frozenset({"group3.1", "group3.2"}),
    "township": frozenset({"xini1"}),
}
BAD_USER = {"username": "Bad Name", "display_name": "x", "password": "a-long-password-1", "role": "admin"}


def _seen(role: str, target: str, ok: int) -> int:
    """``ok`` where the role may see the target, 404 where it may not (ids cannot be probed)."""
    return ok if target in VISIBLE[role] else 404


def _staff_detail(world: World) -> list[Probe]:
    probes = []
    for target in TARGETS:
        uid = world.user(target)
        note = f"user {target}"
        probes += [
            Probe("GET", "/api/v1/staff/{id}", f"/api/v1/staff/{uid}", expect("/api/", **{r: _seen(r, target, 200) for r in STAFF}), note=note),
            Probe("GET", "/staff/{id}", f"/staff/{uid}", expect("/staff", **{r: _seen(r, target, 200) for r in STAFF}), note=note),
            # a stale version: an allowed change stops at 409 (proving the policy let it through) and changes nothing
            Probe(
                "PATCH", "/api/v1/staff/{id}", f"/api/v1/staff/{uid}",
                expect("/api/", **{r: (409 if r == "admin" else _seen(r, target, 403)) for r in STAFF}),
                body={"version": 0, "display_name": "x"}, note=note,
            ),
            Probe(
                "POST", "/staff/{id}", f"/staff/{uid}",
                expect("/staff", **{r: (409 if r == "admin" else _seen(r, target, 403)) for r in STAFF}),
                body={"version": "0", "display_name": "x"}, form=True, note=note,
            ),
            Probe(
                "GET", "/api/v1/staff/{id}/keys", f"/api/v1/staff/{uid}/keys",
                expect("/api/", **{
                    r: 200 if r == "admin" or STAFF_USERS[r] == target else _seen(r, target, 403) for r in STAFF
                }),
                note=note,
            ),
        ]  # fmt: skip
    for path, route, page in (
        (f"/api/v1/staff/{GUESSED_ID}", "/api/v1/staff/{id}", "/api/"),
        (f"/staff/{GUESSED_ID}", "/staff/{id}", "/staff"),
        (f"/api/v1/staff/{GUESSED_ID}/keys", "/api/v1/staff/{id}/keys", "/api/"),
    ):
        probes.append(Probe("GET", route, path, expect(page, staff=404), note="guessed id"))
    probes.append(
        Probe(
            "PATCH",
            "/api/v1/staff/{id}",
            f"/api/v1/staff/{GUESSED_ID}",
            expect("/api/", staff=404),
            body={"version": 0},
            note="guessed id",
        )
    )
    return probes


def _key_admin(world: World) -> list[Probe]:
    owner, key = world.revoked_key()  # group5.2's key, already revoked: an allowed revoke stops at 409
    target = "group5.2"
    revoke = {r: (409 if r == "admin" else _seen(r, target, 403)) for r in STAFF}
    grant_to = "duguitala1"  # nobody of the matrix: the grant ends only that account's (absent) sessions
    gid = world.user(grant_to)
    grant = {r: _seen(r, grant_to, 403) for r in STAFF}
    return [
        Probe("DELETE", "/api/v1/staff/{id}/keys/{key_id}", f"/api/v1/staff/{owner}/keys/{key}", expect("/api/", **revoke), note="revoked key"),
        Probe("DELETE", "/api/v1/staff/{id}/keys/{key_id}", f"/api/v1/staff/{owner}/keys/{GUESSED_ID}",
              expect("/api/", **{r: (404 if r == "admin" else _seen(r, target, 403)) for r in STAFF}), note="guessed key id"),
        Probe("POST", "/security-keys/{user_id}/keys/{key_id}/revoke", f"/security-keys/{owner}/keys/{key}/revoke",
              expect("/security-keys", **revoke), form=True, body={}, note="revoked key"),
        Probe("POST", "/api/v1/staff/{id}/enrolment", f"/api/v1/staff/{gid}/enrolment",
              expect("/api/", **{**grant, "admin": 201}), body={}, note="one-time enrolment for another user"),
        Probe("POST", "/api/v1/staff/{id}/enrolment", f"/api/v1/staff/{world.user('admin')}/enrolment",
              expect("/api/", **{r: _seen(r, "admin", 403) for r in STAFF}), body={}, note="an administrator for themselves"),
        Probe("POST", "/api/v1/staff/{id}/enrolment", f"/api/v1/staff/{GUESSED_ID}/enrolment",
              expect("/api/", staff=404), body={}, note="guessed id"),
        Probe("POST", "/security-keys/{user_id}/enrolment", f"/security-keys/{gid}/enrolment",
              expect("/security-keys", **{**grant, "admin": 303}), form=True, body={}, note="one-time enrolment"),
    ]  # fmt: skip


def probes(world: World) -> list[Probe]:
    return [
        Probe("GET", "/", "/", expect("/", staff=303)),
        Probe("GET", "/signin", "/signin", expect("/signin", staff=200, outsiders=200)),
        Probe("POST", "/signin", "/signin", expect("/signin", staff=422, outsiders=422), body={"username": "x"}, form=True),
        Probe("POST", "/signout", "/signout", expect("/signout", staff=303, outsiders=303), body={}, form=True, fresh=True),
        Probe("POST", "/lang", "/lang", expect("/lang", staff=303, outsiders=303), body={"locale": "en"}, form=True, fresh=True),
        Probe("GET", "/home", "/home", expect("/home", staff=200)),
        Probe("POST", "/api/v1/session", "/api/v1/session", expect("/api/", staff=422, outsiders=422), body={}),
        Probe("DELETE", "/api/v1/session", "/api/v1/session", expect("/api/", staff=200, outsiders=200), fresh=True),
        Probe("GET", "/api/v1/me", "/api/v1/me", expect("/api/", staff=200)),
        # the key step opens only for a session whose password was accepted, and opens nothing else
        Probe("GET", "/signin/key", "/signin/key", expect("/signin", staff=303, outsiders=303, pending=200)),
        Probe("GET", "/signin/enrol", "/signin/enrol", expect("/signin", staff=303, outsiders=303)),
        Probe("POST", "/api/v1/webauthn/sign-in/options", "/api/v1/webauthn/sign-in/options", expect("/api/", staff=401, pending=200), body={}),
        Probe("POST", "/api/v1/webauthn/sign-in", "/api/v1/webauthn/sign-in", expect("/api/", staff=401, pending=422), body={}),
        Probe("POST", "/api/v1/webauthn/enrol/options", "/api/v1/webauthn/enrol/options", expect("/api/", staff=200), body={}),
        Probe("POST", "/api/v1/webauthn/enrol", "/api/v1/webauthn/enrol", expect("/api/", staff=422), body={}),
        Probe("GET", "/security-keys", "/security-keys", expect("/security-keys", staff=200)),
        Probe("GET", "/staff", "/staff", expect("/staff", staff=200)),
        Probe("GET", "/api/v1/staff", "/api/v1/staff", expect("/api/", staff=200)),
        # creating accounts: an allowed attempt with a bad username stops at 422 and creates nothing
        Probe("POST", "/api/v1/staff", "/api/v1/staff", expect("/api/", staff=403, admin=422), body=BAD_USER),
        Probe("POST", "/staff", "/staff", expect("/staff", staff=403, admin=422), body=BAD_USER, form=True),
        *_staff_detail(world),
        *_key_admin(world),
    ]  # fmt: skip


def lists(world: World) -> list:  # type: ignore[type-arg]
    from tests.access.matrix import ListCheck

    return [ListCheck("/api/v1/staff", "/api/v1/staff/{id}", tuple(world.user(t) for t in TARGETS))]
