# ruff: noqa: E501
# (one probe per line reads as a table: long lines are the price)
"""Expectations for case tracking (hub/cases): clues, petitions, the ledger, time limits and holidays.

Objects (made by ``seed_cases`` with the cases part's own services): a clue of Xini town, a clue of Huhemudu town, a clue
of a unit joint group 3 supervises (all just registered), a petition of Xini town and one reported up to the main
leader. Who sees each is written here by hand (graded authorisation, DESIGN §7, cases/rules.py's docstring); the
administrator sees no case content. Creation endpoints validate the body before the policy, so an empty body answers 422
to every staff member: who may create is proved by tests/cases (test_visibility_matrix.py, test_workflow.py).
"""

from __future__ import annotations

import datetime as dt

from hub.clock import FakeClock
from hub.db import Database
from tests.access.matrix import GUESSED_ID, STAFF, ListCheck, Probe, World, expect

CLUES = ("clue.xini", "clue.huhemudu", "clue.jg3")
PETITIONS = ("petition.xini", "petition.reported")
SEES: dict[str, frozenset[str]] = {
    "clue.xini": frozenset({"leader", "deputy", "ledger", "township"}),  # deputy1's portfolio holds Xini town
    "clue.huhemudu": frozenset({"leader", "ledger"}),  # deputy2's township: none of the matrix's deputy, group, town
    "clue.jg3": frozenset({"leader", "deputy", "ledger", "group"}),  # joint group 3 supervises the unit
    "petition.xini": frozenset({"leader", "deputy", "office", "township"}),
    "petition.reported": frozenset({"leader"}),  # reported up (检举控告规则 15): the main leader's alone
}
EDITS = frozenset({"leader", "ledger"})
OUTCOME = {
    "violations": ["integrity.gifts"],
    "form": "second",
    "party_membership": "member",
    "public_employee": True,
    "party_sanction": "warning",
}
OUTCOME_FORM = {
    "violations": "integrity.gifts",
    "form": "second",
    "party_membership": "member",
    "public_employee": "yes",
    "party_sanction": "warning",
}  # the case file: main leader, case management office (no reviewer yet)


def _by_sight(name: str, *, sees: int, edits: int | None = None) -> dict[str, int]:
    """``edits`` for editors, ``sees`` for those who only see, 404 for the rest (a hidden id cannot be probed)."""
    table = {}
    for role in STAFF:
        if role not in SEES[name]:
            table[role] = 404
        elif edits is not None and role in EDITS:
            table[role] = edits
        else:
            table[role] = sees
    return table


def _clue_probes(world: World, name: str) -> list[Probe]:
    cid = world.extra(name)  # noqa: S610 - the matrix world, not Django
    api = f"/api/v1/clues/{cid}"
    return [
        Probe("GET", "/api/v1/clues/{id}", api, expect("/api/", **_by_sight(name, sees=200)), note=name),
        Probe("GET", "/clues/{id}", f"/clues/{cid}", expect("/clues", **_by_sight(name, sees=200)), note=name),
        Probe("PATCH", "/api/v1/clues/{id}", api, expect("/api/", **_by_sight(name, sees=403, edits=409)), body={"version": 0, "subject_post": "x"}, note=f"{name}, stale version"),
        Probe("POST", "/api/v1/clues/{id}/events", f"{api}/events", expect("/api/", **_by_sight(name, sees=409)), body={"event": "no_such_event"}, note=f"{name}, unknown event"),
        # the page's form goes back to the clue with the error (303); a hidden clue is 404 all the same
        Probe("POST", "/clues/{id}/events", f"/clues/{cid}/events", expect("/clues", **_by_sight(name, sees=303)), body={"event": "no_such_event"}, form=True, note=f"{name}, unknown event"),
        Probe("POST", "/api/v1/clues/{id}/approvals/{approval_id}", f"{api}/approvals/{GUESSED_ID}", expect("/api/", **_by_sight(name, sees=404)), body={"decision": "approve"}, note=f"{name}, guessed approval"),
        Probe("POST", "/clues/{id}/approvals/{approval_id}", f"/clues/{cid}/approvals/{GUESSED_ID}", expect("/clues", **_by_sight(name, sees=404)), body={"decision": "approve"}, form=True, note=f"{name}, guessed approval"),
        Probe("POST", "/api/v1/clues/{id}/assets", f"{api}/assets", expect("/api/", **_by_sight(name, sees=403, edits=201)), body={"kind": "存款", "amount": "100.00", "status": "seized"}, note=name),
        Probe("POST", "/api/v1/clues/{id}/organisations", f"{api}/organisations", expect("/api/", **_by_sight(name, sees=403, edits=201)), body={"name": "某公司"}, note=name),
        Probe("POST", "/api/v1/clues/{id}/documents", f"{api}/documents", expect("/api/", **_by_sight(name, sees=403, edits=201)), body={"title": "谈话笔录"}, note=name),
        Probe("POST", "/api/v1/clues/{id}/recusals", f"{api}/recusals", expect("/api/", **_by_sight(name, sees=403, edits=422)), body={"user_id": GUESSED_ID, "reason": "x"}, note=f"{name}, guessed user"),
        Probe("POST", "/api/v1/clues/{id}/members", f"{api}/members", expect("/api/", **_by_sight(name, sees=403, edits=422)), body={"user_id": GUESSED_ID, "duty": "review"}, note=f"{name}, guessed user"),
        # the clue page's add forms go back to the clue (303) when allowed; a hidden clue is 404 all the same
        Probe("POST", "/clues/{id}/assets", f"/clues/{cid}/assets", expect("/clues", **_by_sight(name, sees=403, edits=303)), body={"kind": "存款", "amount": "100.00", "status": "seized"}, form=True, note=name),
        Probe("POST", "/clues/{id}/organisations", f"/clues/{cid}/organisations", expect("/clues", **_by_sight(name, sees=403, edits=303)), body={"name": "某公司"}, form=True, note=name),
        Probe("POST", "/clues/{id}/documents", f"/clues/{cid}/documents", expect("/clues", **_by_sight(name, sees=403, edits=303)), body={"title": "谈话笔录"}, form=True, note=name),
        Probe("POST", "/clues/{id}/recusals", f"/clues/{cid}/recusals", expect("/clues", **_by_sight(name, sees=403, edits=303)), body={"reason": "x"}, form=True, note=f"{name}, nobody named"),
        # outcomes: seen by whoever sees the clue; a clue just received has no stage to record one in (409, 303 back)
        Probe("GET", "/api/v1/clues/{id}/outcome", f"{api}/outcome", expect("/api/", **_by_sight(name, sees=200)), note=name),
        Probe("PUT", "/api/v1/clues/{id}/outcome", f"{api}/outcome", expect("/api/", **_by_sight(name, sees=409)), body=OUTCOME, note=f"{name}, not at review or trial"),
        Probe("POST", "/clues/{id}/outcome", f"/clues/{cid}/outcome", expect("/clues", **_by_sight(name, sees=303)), body=OUTCOME_FORM, form=True, note=f"{name}, not at review or trial"),
        Probe("PATCH", "/api/v1/clues/{id}/assets/{asset_id}", f"{api}/assets/{GUESSED_ID}", expect("/api/", **_by_sight(name, sees=403, edits=404)), body={"status": "seized", "version": 0}, note=f"{name}, guessed asset"),
    ]  # fmt: skip


def _petition_probes(world: World, name: str) -> list[Probe]:
    pid = world.extra(name)  # noqa: S610 - the matrix world, not Django
    return [
        Probe("GET", "/api/v1/petitions/{id}", f"/api/v1/petitions/{pid}", expect("/api/", **_by_sight(name, sees=200)), note=name),
        Probe("GET", "/petitions/{id}", f"/petitions/{pid}", expect("/petitions", **_by_sight(name, sees=200)), note=name),
        Probe("POST", "/api/v1/petitions/{id}/events", f"/api/v1/petitions/{pid}/events", expect("/api/", **_by_sight(name, sees=409)), body={"event": "no_such_event"}, note=f"{name}, unknown event"),
        Probe("POST", "/petitions/{id}/events", f"/petitions/{pid}/events", expect("/petitions", **_by_sight(name, sees=303)), body={"event": "no_such_event"}, form=True, note=f"{name}, unknown event"),
    ]  # fmt: skip


def probes(world: World) -> list[Probe]:
    probes = [
        Probe("GET", "/ledger", "/ledger", expect("/ledger", staff=200)),
        Probe("GET", "/ledger.csv", "/ledger.csv", expect("/ledger.csv", staff=200)),
        Probe("GET", "/ledger.xlsx", "/ledger.xlsx", expect("/ledger.xlsx", staff=200)),
        Probe("GET", "/api/v1/ledger", "/api/v1/ledger?stage=all", expect("/api/", staff=200)),
        Probe("GET", "/api/v1/ledger/counts", "/api/v1/ledger/counts", expect("/api/", staff=200)),
        Probe("GET", "/api/v1/cases/workflow", "/api/v1/cases/workflow", expect("/api/", staff=200)),
        Probe("GET", "/api/v1/cases/limits", "/api/v1/cases/limits", expect("/api/", staff=200)),
        Probe("GET", "/api/v1/cases/holidays", "/api/v1/cases/holidays", expect("/api/", staff=200)),
        # only the administrator changes limits and holidays: an unknown limit (404) and an empty body (422) change nothing
        Probe("PUT", "/api/v1/cases/limits/{key}", "/api/v1/cases/limits/no_such_limit", expect("/api/", staff=403, admin=404), body={"amount": 1, "unit": "days"}),
        Probe("PUT", "/api/v1/cases/holidays/{day}", "/api/v1/cases/holidays/2027-01-01", expect("/api/", staff=403, admin=422), body={}),
        Probe("GET", "/api/v1/cases/taxonomies", "/api/v1/cases/taxonomies", expect("/api/", staff=200)),
        Probe("GET", "/api/v1/clues/{id}/outcome", f"/api/v1/clues/{GUESSED_ID}/outcome", expect("/api/", staff=404), note="guessed id"),
        Probe("PUT", "/api/v1/clues/{id}/outcome", f"/api/v1/clues/{GUESSED_ID}/outcome", expect("/api/", staff=404), body=OUTCOME, note="guessed id"),
        # the holiday table's page: every staff member reads it (deadlines are counted with it), the administrator
        # changes it; an empty form goes back with the error
        Probe("GET", "/admin/holidays", "/admin/holidays", expect("/admin", staff=200)),
        Probe("POST", "/admin/holidays", "/admin/holidays", expect("/admin", staff=403, admin=303), body={}, form=True, note="empty form"),
        Probe("GET", "/petitions", "/petitions", expect("/petitions", staff=200)),
        Probe("GET", "/api/v1/petitions", "/api/v1/petitions", expect("/api/", staff=200)),
        Probe("POST", "/api/v1/petitions", "/api/v1/petitions", expect("/api/", staff=422), body={}, note="empty body"),
        # the page's form goes back to the list with the error (303) and registers nothing
        Probe("POST", "/petitions", "/petitions", expect("/petitions", staff=303), body={}, form=True, note="empty form"),
        Probe("POST", "/api/v1/clues", "/api/v1/clues", expect("/api/", staff=422), body={}, note="empty body"),
        Probe("GET", "/api/v1/clues/{id}", f"/api/v1/clues/{GUESSED_ID}", expect("/api/", staff=404), note="guessed id"),
        Probe("GET", "/clues/{id}", f"/clues/{GUESSED_ID}", expect("/clues", staff=404), note="guessed id"),
        Probe("GET", "/api/v1/petitions/{id}", f"/api/v1/petitions/{GUESSED_ID}", expect("/api/", staff=404), note="guessed id"),
        Probe("POST", "/api/v1/clues/{id}/events", f"/api/v1/clues/{GUESSED_ID}/events", expect("/api/", staff=404), body={"event": "assign"}, note="guessed id"),
    ]  # fmt: skip
    for name in CLUES:
        probes += _clue_probes(world, name)
    for name in PETITIONS:
        probes += _petition_probes(world, name)
    return probes


def lists(world: World) -> list[ListCheck]:
    return [
        ListCheck("/api/v1/ledger?stage=all&per_page=500", "/api/v1/clues/{id}", tuple(world.extra(n) for n in CLUES)),  # noqa: S610 - not Django
        ListCheck("/api/v1/petitions", "/api/v1/petitions/{id}", tuple(world.extra(n) for n in PETITIONS)),  # noqa: S610 - not Django
    ]


async def seed_cases(database: Database, now: dt.datetime) -> dict[str, int]:
    """Clues and petitions inside and outside each role's scope, made with the cases part's own services."""
    from hub.cases import intake, transitions
    from hub.cases.models import PetitionChannel, PetitionKind
    from tests.cases.conftest import make_kit

    kit = await make_kit(database, FakeClock(now))
    made = {
        "clue.xini": (await kit.register_clue(township_id=kit.unit("tw.xini"), subject_name="甲")).id,
        "clue.huhemudu": (await kit.register_clue(township_id=kit.unit("tw.huhemudu"), subject_name="乙")).id,
        "clue.jg3": (await kit.register_clue(unit_id=kit.unit("unit.07.0"), subject_name="丙")).id,
    }
    office = await kit.actor("petition1")
    for name, township, report_up in (("petition.xini", "tw.xini", False), ("petition.reported", None, True)):
        async with database.transaction() as s:
            petition = await intake.register_petition(
                s, kit.ctx, office,
                intake.PetitionIn(channel=PetitionChannel.LETTER, kind=PetitionKind.ACCUSATION, summary="举报",
                                  petitioner_name="实名人", township_id=kit.unit(township) if township else None),
                now,
            )  # fmt: skip
            if report_up:
                await transitions.petition_event(s, kit.ctx, office, petition.id, "report_up", now)
            made[name] = petition.id
    return made
