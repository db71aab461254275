"""Outcomes: the taxonomies, the rules (each impossible combination refused with its reason), recording at review and
trial by the group of the stage, the decision frozen while approved, announced as approved, and what statistics read."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from hub.cases import outcomes, taxonomy
from hub.cases.interface import DIMENSIONS, count_outcomes, decided_outcomes, tally
from hub.cases.models import Clue, ClueSource
from hub.cases.outcome_models import CaseOutcome
from hub.errors import Conflict, Forbidden, Invalid
from tests.cases.http_support import Staff
from tests.cases.paths import UNIT_PATH_TO_TRIAL, walk

WARNING = {
    "violations": ["integrity.gifts"], "eight_point": ["h05_gifts"], "form": "second", "party_membership": "member",
    "public_employee": True, "rank": "section", "party_sanction": "warning",
}  # fmt: skip


def _in(**changes: Any) -> outcomes.OutcomeIn:
    return outcomes.OutcomeIn(**{**WARNING, **changes})


def test_every_taxonomy_names_its_terms_in_chinese_and_english() -> None:
    assert len(taxonomy.DISCIPLINES.under("")) == 8  # six disciplines, duty violation and duty crime
    assert {t.parent for t in taxonomy.VIOLATIONS} == {t.code for t in taxonomy.DISCIPLINES}
    assert len(taxonomy.EIGHT_POINT) == 17 and {t.parent for t in taxonomy.EIGHT_POINT} == {"formalism", "hedonism"}
    assert [t.zh for t in taxonomy.FORMS] == ["第一种形态", "第二种形态", "第三种形态", "第四种形态"]
    assert taxonomy.PARTY_SANCTIONS.name_of("probation_2y") == "留党察看二年"
    assert taxonomy.GOV_SANCTIONS.name_of("major_demerit", "en") == "Major demerit"
    assert {t.code for t in taxonomy.RANKS} == {"provincial", "prefecture", "county", "section", "general", "village", "other"}
    for tx in taxonomy.ALL:
        for term in tx:
            assert term.zh and term.en and term.zh != term.en, (tx.key, term.code)


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"party_membership": "none"}, "party_sanction", "only for a Party member"),
        ({"party_membership": "probationary"}, "party_sanction", "extend or cancel the probation"),
        (
            {"party_sanction": None, "gov_sanction": "demerit", "public_employee": False},
            "gov_sanction",
            "only for a public employee",
        ),
        ({"party_sanction": None, "form": "first"}, "no_sanction_reason", "needs its sanction"),
        ({"no_sanction_reason": "exempted"}, "no_sanction_reason", "has no reason for no sanction"),
        ({"form": "third"}, "form", "does not fit the sanction"),
        ({"party_sanction": "expulsion", "form": "fourth"}, "form", "transfer to the procuratorate"),
        ({"party_sanction": None, "form": "second", "dispositions": ["criticism"]}, "form", "of the first form"),
        ({"party_sanction": None, "form": "first", "no_sanction_reason": "other"}, "reason_text", "Explain"),
        ({"dispositions": ["probation_extended"]}, "dispositions", "only for a probationary"),
        ({"violations": []}, "violations", "Name the violations"),
        ({"party_sanction": "banishment"}, "party_sanction", "offered values"),
        ({"violations": ["integrity.nonsense"]}, "violations", "offered values"),
    ],
)
def test_each_impossible_combination_is_refused_with_its_reason(changes: dict[str, Any], field: str, says: str) -> None:
    with pytest.raises(Invalid) as refused:
        outcomes.check(_in(**changes))
    assert field in refused.value.fields, refused.value.fields
    assert says in refused.value.fields[field]


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"party_sanction": None, "gov_sanction": "demerit"},
        {"party_sanction": "expulsion", "gov_sanction": "expulsion", "form": "fourth", "dispositions": ["to_prosecution"]},
        {"party_sanction": None, "form": "first", "dispositions": ["admonition"]},
        {"party_sanction": None, "form": "first", "no_sanction_reason": "exempted"},
        {"party_sanction": None, "form": "first", "violations": [], "no_sanction_reason": "not_established"},
        {"party_membership": "probationary", "party_sanction": None, "form": "first", "dispositions": ["probation_extended"]},
    ],
)
def test_possible_outcomes_pass(changes: dict[str, Any]) -> None:
    outcomes.check(_in(**changes))


async def _record(kit: Any, clue_id: int, who: str, **changes: Any) -> None:
    async with kit.db.transaction() as s:
        await outcomes.record(s, kit.ctx, await kit.actor(who), clue_id, _in(**changes), kit.clock.now())


async def test_review_proposes_trial_decides_and_the_announced_decision_is_the_approved_one(kit: Any) -> None:
    clue = await kit.register_clue(unit_id=kit.unit("unit.01.0"), source=ClueSource.LEADER_INSTRUCTED)
    with pytest.raises(Conflict, match="during review"):  # a clue just received has no outcome yet
        await _record(kit, clue.id, "casemgmt1")
    await walk(kit, clue.id, UNIT_PATH_TO_TRIAL[:8])  # investigating, reviewer group 2
    with pytest.raises(Forbidden):  # the supervising group does not record the review's proposal
        await _record(kit, clue.id, "group1.1")
    await _record(kit, clue.id, "group2.1", party_sanction="serious_warning")
    await walk(kit, clue.id, UNIT_PATH_TO_TRIAL[8:])  # on trial with group 3
    await kit.act(clue.id, "trial_report", "group3.1")
    with pytest.raises(Conflict, match="Record the trial"):
        await kit.event(clue.id, "decide", "group3.1")
    with pytest.raises(Forbidden):  # the reviewers cannot write the trial's decision
        await _record(kit, clue.id, "group2.1")
    await _record(kit, clue.id, "group3.1")  # the trial lowers it to a warning
    requested = await kit.event(clue.id, "decide", "group3.1")
    assert not requested.applied
    with pytest.raises(Conflict, match="being approved"):
        await _record(kit, clue.id, "group3.1", party_sanction="serious_warning")
    await kit.sign_all(clue.id)
    decided = await kit.clue(clue.id)
    assert decided.party_sanction == "warning" and decided.gov_sanction is None
    await kit.act(clue.id, "finalise", "casemgmt1")
    with pytest.raises(Conflict, match="no government sanction"):
        await kit.event(clue.id, "serve", "casemgmt1")
    await kit.act(clue.id, "announce", "casemgmt1")
    async with kit.db.transaction(write=False) as s:
        found = await outcomes.outcomes_of(s, clue.id)
        facts = await decided_outcomes(s)
    assert found["review"]["party_sanction"] == "serious_warning" and found["review"]["approved_on"] is None
    assert found["trial"]["party_sanction"] == "warning" and found["trial"]["approved_on"] == kit.today.isoformat()
    assert [f.clue_id for f in facts] == [clue.id]
    assert tally(facts, "form") == {"second": 1}
    assert tally(facts, "discipline") == {"integrity": 1}
    assert tally(facts, "eight_point_class") == {"hedonism": 1}
    assert tally(facts, "sanction_type") == {"party": 1}
    assert tally(facts, "rank") == {"section": 1}


async def test_heavy_party_sanctions_of_county_cadres_go_to_the_party_committee(kit: Any) -> None:
    clue = await kit.register_clue(unit_id=kit.unit("unit.01.0"), source=ClueSource.LEADER_INSTRUCTED)
    await walk(kit, clue.id, UNIT_PATH_TO_TRIAL)
    await kit.act(clue.id, "trial_report", "group3.1")
    await _record(kit, clue.id, "group3.1", rank="county", party_sanction="probation_1y", form="third")
    await kit.act(clue.id, "decide", "group3.1")
    with pytest.raises(Conflict, match="Party committee"):
        await kit.event(clue.id, "finalise", "casemgmt1")
    await kit.act(clue.id, "request_party_approval", "casemgmt1")
    await kit.act(clue.id, "party_approve", "casemgmt1")
    with pytest.raises(Conflict, match="no government sanction"):
        await kit.event(clue.id, "serve", "casemgmt1")


async def test_the_case_page_records_and_shows_the_outcome_in_words(new_browser: Any, kit: Any) -> None:
    clue = await kit.register_clue(unit_id=kit.unit("unit.01.0"), source=ClueSource.LEADER_INSTRUCTED)
    await walk(kit, clue.id, UNIT_PATH_TO_TRIAL[:8])
    staff = Staff(new_browser)
    browser = await staff("group2.1")
    page = await (await browser.get(f"/clues/{clue.id}")).text()
    assert f'action="/clues/{clue.id}/outcome"' in page and "廉洁纪律" in page and "违规收送礼品礼金" in page
    form = {"violations": "integrity.gifts", "eight_point": "h06_banquets", "form": "second",
            "party_membership": "member", "public_employee": "yes", "rank": "section", "party_sanction": "",
            "gov_sanction": "demerit", "facts": "收受礼金"}  # fmt: skip
    resp = await browser.post_form(f"/clues/{clue.id}/outcome", form)
    assert resp.status in (200, 303), await resp.text()
    page = await (await browser.get(f"/clues/{clue.id}")).text()
    for words in ("审查调查意见", "违规收送礼品礼金", "违规接受管理和服务对象等宴请", "第二种形态", "记过", "中共党员"):
        assert words in page, words
    assert "integrity.gifts" not in page.split('id="outcome"')[1].split("<form")[0]  # codes stay in the form's values
    # a broken rule comes back with its reason
    resp = await browser.post_form(f"/clues/{clue.id}/outcome", {**form, "party_membership": "none", "party_sanction": "warning"})
    assert resp.status == 303
    again = await (await browser.get(resp.headers["Location"])).text()
    assert "党纪处分只适用于中共党员" in again
    # the API answers the outcome and the taxonomies
    found = await staff.json("group2.1", "GET", f"/api/v1/clues/{clue.id}/outcome")
    assert found["review"]["gov_sanction"] == "demerit"
    bad = await staff.json("group2.1", "PUT", f"/api/v1/clues/{clue.id}/outcome", {**WARNING, "public_employee": False,
                           "party_sanction": None, "gov_sanction": "warning"}, status=422)  # fmt: skip
    assert "gov_sanction" in bad["error"]["fields"]
    tx = await staff.json("group2.1", "GET", "/api/v1/cases/taxonomies")
    assert tx["form"]["terms"][0]["zh"] == "第一种形态"
    # a group that does not see the clue is told nothing
    await staff.json("group5.1", "GET", f"/api/v1/clues/{clue.id}/outcome", status=404)


async def test_the_demo_history_carries_outcomes_that_keep_the_rules(database: Any, seeded: Any, clock: Any) -> None:
    from hub.demo import cases as demo
    from tests.cases.conftest import make_kit

    kit = await make_kit(database, clock)
    result = await demo.generate(database, 400, seed=11, now=clock.now(), ctx=kit.ctx)
    async with database.transaction(write=False) as s:
        facts = await decided_outcomes(s)
        rows = (await s.scalars(select(CaseOutcome))).all()
        for row in rows:  # every generated outcome passes the rules a person's would
            outcomes.check(await outcomes.as_input(s, row))
    assert result["decisions"] >= 20 and len(facts) == result["decisions"] + 2  # + the two walked to a decision
    forms = tally(facts, "form")
    assert set(forms) >= {"first", "second", "third"} and forms["second"] > forms["third"]
    assert len(tally(facts, "discipline")) >= 4 and tally(facts, "eight_point_class")
    assert {"party", "gov"} <= set(tally(facts, "sanction_type"))
    assert all(f.decided_on <= kit.today for f in facts)
    # the database counts what tally() counts, for every dimension, also within a period and a reader's sight
    start = kit.today.replace(month=1, day=1)
    group = await kit.actor("group3.1")
    async with database.transaction(write=False) as s:
        visible = kit.ctx.policy.where(group, "view", Clue)
        for dimension in DIMENSIONS:
            assert await count_outcomes(s, dimension) == tally(facts, dimension), dimension
            in_year = await decided_outcomes(s, start=start, visible=visible)
            assert await count_outcomes(s, dimension, start=start, visible=visible) == tally(in_year, dimension), dimension
    assert 0 < len(in_year) < len(facts)
