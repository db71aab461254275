"""Graded visibility (分级授权): every role × case × action cell, through the HTTP API, including guessed ids.

The expected table is written out by hand from the rules in the issue; the code under test computes it from the
policy (``allows`` for detail pages and actions, ``where`` for the ledger and the petition list).
"""

from __future__ import annotations

from sqlalchemy import func, select

from hub.cases import casefile, intake, transitions
from hub.cases.models import Clue, ClueSource, PetitionChannel, PetitionKind
from tests.cases.http_support import Staff
from tests.cases.paths import UNIT_PATH_TO_TRIAL, walk

USERS = [
    "admin", "leader", "deputy1", "deputy2", "petition1", "casemgmt1", "trial1", "tracking1",
    *[f"group{k}.1" for k in range(1, 8)], "group2.2", "xini1", "yihewusu1", "huhemudu1", "balagong1",
]  # fmt: skip

# who sees each case; everyone else gets 404 (and the recused person 403 "recused")
SEES = {
    "A": {"leader", "deputy1", "casemgmt1", "tracking1", "group1.1", "group2.1", "group2.2", "group3.1"},
    "B": {"leader", "deputy2", "casemgmt1", "tracking1", "trial1", "group5.1", "group6.1", "group7.1"},
    "C": {"leader", "deputy1", "casemgmt1", "tracking1", "group1.1", "xini1", "yihewusu1"},
    "D": {"leader", "deputy2", "casemgmt1", "tracking1", "huhemudu1"},
    "E": {"leader", "deputy1", "casemgmt1", "tracking1", "group1.1", "group2.2", "group3.1"},
}
RECUSED = {"E": {"group2.1"}}
# one probe step per case, and who may request it (everyone else who sees the case gets 403)
PROBE = {
    "A": ("extend_review", {"group2.1", "group2.2"}),
    "B": ("defer_trial", {"group7.1"}),
    "C": ("dispose_prelim_check", {"xini1"}),
    "D": ("assign", {"casemgmt1"}),
    "E": ("dispose_close", {"group2.2"}),
}
# who may edit the case file: the main leader, the case management office and the reviewing unit
EDITS = {
    "A": {"leader", "casemgmt1", "group2.1", "group2.2"},
    "B": {"leader", "casemgmt1", "group6.1"},
    "C": {"leader", "casemgmt1", "xini1"},
    "D": {"leader", "casemgmt1"},
    "E": {"leader", "casemgmt1", "group2.2"},
}
PETITION_SEES = {
    "P1": {"leader", "petition1", "deputy1", "xini1"},
    "P2": {"leader"},  # reported up (检举控告规则 15)
    "P3": {"leader", "petition1", "deputy1", "deputy2", "casemgmt1", "huhemudu1"},
}


async def _build(kit) -> tuple[dict[str, int], dict[str, int]]:
    a = await kit.register_clue(unit_id=kit.unit("unit.01.0"), subject_name="甲")
    await walk(kit, a.id, UNIT_PATH_TO_TRIAL[:8])  # investigating
    b = await kit.register_clue(unit_id=kit.unit("unit.13.0"), subject_name="乙", source=ClueSource.TRANSFERRED)  # G5
    await kit.act(b.id, "assign", "casemgmt1")
    path = [(e, {"group2.1": "group6.1", "group3.1": "group7.1"}.get(w, w)) for e, w in UNIT_PATH_TO_TRIAL[1:10]]
    await walk(kit, b.id, path, {"FG": "deputy2"})  # transferred to trial
    c = await kit.register_clue(township_id=kit.unit("tw.xini"), subject_name="丙")
    await kit.act(c.id, "assign", "casemgmt1")
    d = await kit.register_clue(township_id=kit.unit("tw.huhemudu"), subject_name="丁", source=ClueSource.SELF_FOUND)
    e = await kit.register_clue(unit_id=kit.unit("unit.02.0"), subject_name="戊")
    await kit.act(e.id, "assign", "casemgmt1")
    async with kit.db.transaction() as s:
        await casefile.add_recusal(
            s, kit.ctx, await kit.actor("casemgmt1"), e.id,
            casefile.RecusalIn(user_id=(await kit.actor("group2.1")).user_id, reason="近亲属"), kit.clock.now(),
        )  # fmt: skip
    petitions = {}
    office = await kit.actor("petition1")
    for name, township, report_up, convert in (("P1", "tw.xini", False, False), ("P2", None, True, False),
                                               ("P3", "tw.huhemudu", False, True)):  # fmt: skip
        async with kit.db.transaction() as s:
            p = await intake.register_petition(
                s, kit.ctx, office,
                intake.PetitionIn(channel=PetitionChannel.LETTER, kind=PetitionKind.ACCUSATION, summary="举报",
                                  petitioner_name="实名人", township_id=kit.unit(township) if township else None),
                kit.clock.now(),
            )  # fmt: skip
            if report_up:
                await transitions.petition_event(s, kit.ctx, office, p.id, "report_up", kit.clock.now())
            if convert:
                await transitions.petition_event(s, kit.ctx, office, p.id, "convert", kit.clock.now())
            petitions[name] = p.id
    return {"A": a.id, "B": b.id, "C": c.id, "D": d.id, "E": e.id}, petitions


async def test_every_role_case_action_cell(new_browser, kit):
    cases, petitions = await _build(kit)
    staff = Staff(new_browser)
    async with kit.db.transaction(write=False) as s:
        top = await s.scalar(select(func.max(Clue.id)))
    guessed = [top + 1, top + 7, 999_999]
    # the probes that will succeed are sent last, so that they do not change what the others see
    for user in USERS:
        ledger = await staff.json(user, "GET", "/api/v1/ledger?stage=all&per_page=500")
        listed = {r["id"] for r in ledger["items"]}
        plist = {p["id"] for p in (await staff.json(user, "GET", "/api/v1/petitions"))["items"]}
        for name, clue_id in cases.items():
            sees = user in SEES[name]
            recused = user in RECUSED.get(name, set())
            expected_view = 200 if sees else 403 if recused else 404
            await staff.json(user, "GET", f"/api/v1/clues/{clue_id}", status=expected_view)
            assert (clue_id in listed) == sees, (user, name, "ledger")
            event, actors = PROBE[name]
            if user not in actors:
                expected = 403 if (sees or recused) else 404
                await staff.json(user, "POST", f"/api/v1/clues/{clue_id}/events", {"event": event}, status=expected)
            version = (await kit.clue(clue_id)).version
            edit = 200 if user in EDITS[name] else 403 if (sees or recused) else 404
            await staff.json(user, "PATCH", f"/api/v1/clues/{clue_id}", {"version": version, "subject_post": f"{user}"},
                             status=edit)  # fmt: skip
        for name, petition_id in petitions.items():
            sees = user in PETITION_SEES[name]
            await staff.json(user, "GET", f"/api/v1/petitions/{petition_id}", status=200 if sees else 404)
            assert (petition_id in plist) == sees, (user, name, "petition list")
        for wild in guessed:  # a guessed id answers exactly like a hidden one
            resp = await (await staff(user)).get(f"/api/v1/clues/{wild}", headers={"Accept": "application/json"})
            assert resp.status == 404
            hidden = next((cases[n] for n in cases if user not in SEES[n] and user not in RECUSED.get(n, set())), None)
            if hidden is not None:
                other = await (await staff(user)).get(f"/api/v1/clues/{hidden}", headers={"Accept": "application/json"})
                assert (await other.json()) == (await resp.json())
    for name, (event, actors) in PROBE.items():
        for user in sorted(actors)[:1]:
            out = await staff.json(user, "POST", f"/api/v1/clues/{cases[name]}/events", {"event": event}, status=(200, 202))
            assert out["pending"], (name, out)


async def test_administrators_see_no_case_content_but_keep_the_calendar(new_browser, kit):
    staff = Staff(new_browser)
    await kit.register_clue(unit_id=kit.unit("unit.01.0"))
    assert (await staff.json("admin", "GET", "/api/v1/ledger?stage=all"))["items"] == []
    assert (await staff.json("admin", "GET", "/api/v1/ledger/counts"))["total"] == 0
    await staff.json("admin", "PUT", "/api/v1/cases/limits/prelim_check", {"amount": 90, "unit": "days"})
    await staff.json("leader", "PUT", "/api/v1/cases/limits/prelim_check", {"amount": 30, "unit": "days"}, status=403)
    limits = {x["key"]: x for x in (await staff.json("leader", "GET", "/api/v1/cases/limits"))["items"]}
    assert limits["prelim_check"]["amount"] == 90 and limits["prelim_check"]["default"]["amount"] == 60
    await staff.json("admin", "PUT", "/api/v1/cases/holidays/2027-01-01", {"kind": "holiday", "note": "元旦"})
    year = await staff.json("admin", "GET", "/api/v1/cases/holidays?year=2027")
    assert year["covered"] and year["items"] == [{"day": "2027-01-01", "kind": "holiday", "note": "元旦"}]
