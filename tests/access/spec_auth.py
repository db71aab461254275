# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for sign-in, the key ceremonies, staff accounts and security-key administration (hub/auth)."""

from __future__ import annotations

from tests.access.matrix import GUESSED_ID, STAFF, STAFF_USERS, Probe, World, expect

TARGETS = (
    "admin", "secadmin", "auditor", "leader", "deputy1", "petition1", "petition2", "casemgmt1", "trial1",
    "group3.1", "group3.2", "group5.1", "group5.2", "xini1", "duguitala1",
)  # fmt: skip
EVERYONE = frozenset(TARGETS)
# whom each role may see (DESIGN §7): stated here by hand, not derived from the rules under test
VISIBLE: dict[str, frozenset[str]] = {
    "admin": EVERYONE,
    "secadmin": EVERYONE,
    "auditor": EVERYONE,
    "leader": EVERYONE,
    "deputy": frozenset({"deputy1", "petition1", "petition2", "casemgmt1", "group3.1", "group3.2", "xini1"}),
    "office": frozenset({"petition1", "petition2"}),
    "ledger": frozenset({"casemgmt1"}),
    "trial": frozenset({"trial1"}),
    "group": frozenset({"group3.1", "group3.2"}),
    "township": frozenset({"xini1"}),
}
BAD_USER = {"username": "Bad Name", "display_name": "x", "password": "a-long-password-1", "role": "admin"}
BAD_CASE_USER = {**BAD_USER, "role": "office_staff"}  # a role that sees cases: only the security administrator grants it


def _self(role: str, target: str) -> bool:
    """The object "self": every role against its own account (nobody changes their own role, password or keys)."""
    return STAFF_USERS[role] == target


def _only(who: str, role: str, target: str, ok: int, *, not_self: bool = True) -> int:
    """``ok`` for the one administrator ``who`` (not on their own account when ``not_self``), 403 for the others who
    see the account, 404 for those who do not."""
    if role == who and not (not_self and _self(role, target)):
        return ok
    return _seen(role, target, 403)


def _seen(role: str, target: str, ok: int) -> int:
    """``ok`` where the role may see the target, 404 where it may not (ids cannot be probed)."""
    return ok if target in VISIBLE[role] else 404


def _staff_detail(world: World) -> list[Probe]:
    probes = []
    for target in TARGETS:
        uid = world.user(target)
        note = f"user {target}" + (" (self for its role)" if target in STAFF_USERS.values() else "")
        probes += [
            Probe("GET", "/api/v1/staff/{id}", f"/api/v1/staff/{uid}", expect("/api/", **{r: _seen(r, target, 200) for r in STAFF}), note=note),
            Probe("GET", "/staff/{id}", f"/staff/{uid}", expect("/staff", **{r: _seen(r, target, 200) for r in STAFF}), note=note),
            # a stale version: an allowed change stops at 409 (proving the policy let it through) and changes nothing
            Probe(
                "PATCH", "/api/v1/staff/{id}", f"/api/v1/staff/{uid}",
                expect("/api/", **{r: _only("admin", r, target, 409, not_self=False) for r in STAFF}),
                body={"version": 0, "display_name": "x"}, note=note,
            ),
            Probe(
                "POST", "/staff/{id}", f"/staff/{uid}",
                expect("/staff", **{r: _only("admin", r, target, 409, not_self=False) for r in STAFF}),
                body={"version": "0", "display_name": "x"}, form=True, note=note,
            ),
            # a grant (role, unit, portfolio) is the security administrator's, never on his own account
            Probe(
                "PATCH", "/api/v1/staff/{id}", f"/api/v1/staff/{uid}",
                expect("/api/", **{r: _only("secadmin", r, target, 409) for r in STAFF}),
                body={"version": 0, "role": "main_leader"}, note=f"{note}: grant main leader",
            ),
            Probe(
                "POST", "/staff/{id}", f"/staff/{uid}",
                expect("/staff", **{r: _only("secadmin", r, target, 409) for r in STAFF}),
                body={"version": "0", "role": "main_leader", "org_unit_id": ""}, form=True, note=f"{note}: grant main leader",
            ),
            Probe(
                "PATCH", "/api/v1/staff/{id}", f"/api/v1/staff/{uid}",
                expect("/api/", **{r: _only("secadmin", r, target, 409) for r in STAFF}),
                body={"version": 0, "portfolio": []}, note=f"{note}: portfolio",
            ),
            # a password reset and disabling are the system administrator's, never on his own account
            Probe(
                "PATCH", "/api/v1/staff/{id}", f"/api/v1/staff/{uid}",
                expect("/api/", **{r: _only("admin", r, target, 409) for r in STAFF}),
                body={"version": 0, "password": "another-long-password-1"}, note=f"{note}: password reset",
            ),
            Probe(
                "PATCH", "/api/v1/staff/{id}", f"/api/v1/staff/{uid}",
                expect("/api/", **{r: _only("admin", r, target, 409) for r in STAFF}),
                body={"version": 0, "disabled": True}, note=f"{note}: disable",
            ),
            Probe(
                "GET", "/api/v1/staff/{id}/keys", f"/api/v1/staff/{uid}/keys",
                expect("/api/", **{
                    r: 200 if r in ("secadmin", "auditor") or _self(r, target) else _seen(r, target, 403) for r in STAFF
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
    revoke = {r: _only("secadmin", r, target, 409) for r in STAFF}
    grant_to = "duguitala1"  # nobody of the matrix: the grant ends only that account's (absent) sessions
    gid = world.user(grant_to)
    grant = {r: _seen(r, grant_to, 403) for r in STAFF}
    return [
        Probe("DELETE", "/api/v1/staff/{id}/keys/{key_id}", f"/api/v1/staff/{owner}/keys/{key}", expect("/api/", **revoke), note="revoked key"),
        Probe("DELETE", "/api/v1/staff/{id}/keys/{key_id}", f"/api/v1/staff/{owner}/keys/{GUESSED_ID}",
              expect("/api/", **{r: _only("secadmin", r, target, 404) for r in STAFF}), note="guessed key id"),
        Probe("POST", "/security-keys/{user_id}/keys/{key_id}/revoke", f"/security-keys/{owner}/keys/{key}/revoke",
              expect("/security-keys", **revoke), form=True, body={}, note="revoked key"),
        Probe("POST", "/api/v1/staff/{id}/enrolment", f"/api/v1/staff/{gid}/enrolment",
              expect("/api/", **{**grant, "secadmin": 201}), body={}, note="one-time enrolment for another user"),
        Probe("POST", "/api/v1/staff/{id}/enrolment", f"/api/v1/staff/{world.user('secadmin')}/enrolment",
              expect("/api/", **{r: _seen(r, "secadmin", 403) for r in STAFF}), body={}, note="the security administrator for himself (self)"),
        Probe("POST", "/api/v1/staff/{id}/enrolment", f"/api/v1/staff/{GUESSED_ID}/enrolment",
              expect("/api/", staff=404), body={}, note="guessed id"),
        Probe("POST", "/security-keys/{user_id}/enrolment", f"/security-keys/{gid}/enrolment",
              expect("/security-keys", **{**grant, "secadmin": 200}), form=True, body={}, note="one-time enrolment code, shown once"),
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
        # (the system administrator adds accounts in his own role only; the security administrator grants any role)
        Probe("POST", "/api/v1/staff", "/api/v1/staff", expect("/api/", staff=403, admin=422, secadmin=422), body=BAD_USER),
        Probe("POST", "/staff", "/staff", expect("/staff", staff=403, admin=422, secadmin=422), body=BAD_USER, form=True),
        Probe("POST", "/api/v1/staff", "/api/v1/staff", expect("/api/", staff=403, secadmin=422), body=BAD_CASE_USER, note="a role that sees cases"),
        # one's own sessions: a session that is not one's own is not found, and the page says so (303 back)
        Probe("GET", "/sessions", "/sessions", expect("/sessions", staff=200)),
        Probe("POST", "/sessions/end", "/sessions/end", expect("/sessions", staff=303), body={"session": "0" * 64}, form=True, note="not one's own"),
        # the audit log is the audit administrator's; changes of access are shown to the main leader too
        Probe("GET", "/audit", "/audit", expect("/audit", staff=403, auditor=200)),
        Probe("GET", "/staff/changes", "/staff/changes", expect("/staff", staff=403, leader=200, secadmin=200, auditor=200)),
        # the imported FIDO metadata of key models: the security administrator's, who manages keys
        Probe("GET", "/security-keys/metadata", "/security-keys/metadata", expect("/security-keys", staff=403, secadmin=200)),
        *_staff_detail(world),
        *_key_admin(world),
    ]  # fmt: skip


def lists(world: World) -> list:  # type: ignore[type-arg]
    from tests.access.matrix import ListCheck

    return [ListCheck("/api/v1/staff", "/api/v1/staff/{id}", tuple(world.user(t) for t in TARGETS))]
