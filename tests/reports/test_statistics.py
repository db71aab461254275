"""Every figure of the statistics page equals an independent count over the same cases, written here (not the
production query), for roles of different grades; a deputy never counts a case outside the portfolio; charts are SVG
with a title and their values as a table; every figure opens the list of its cases."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from hub.cases import casefile
from hub.cases.models import CaseRecusal, Clue, Petition, PetitionKind
from hub.cases.outcome_models import CaseOutcome, CaseOutcomeItem
from hub.cases.workflow import ClueState
from hub.demo import cases as demo
from tests.cases.http_support import Staff

TALK = {"talk_letter", "talk_letter_pending", "talk_letter_reporting", "first_form_handled", "false_accusation_referred"}
UNDISPOSED = {"received", "assigned"}
MODES = {"talk_letter": TALK, "shelved": {"shelved"}, "closed": {"closed"}}
MODES["prelim_check"] = {s.value for s in ClueState} - TALK - {"shelved", "closed"} - UNDISPOSED
FIGURE_LINK = re.compile(r'<a href="(/statistics/cases\?[^"]+)"[^>]*>(\d+)</a>')


def _decided(c: Clue) -> dt.date:
    return c.closed_on or c.trial_on or c.filed_on or c.received_on


def _month(key: str) -> tuple[dt.date, dt.date]:
    y, m = int(key[:4]), int(key[5:7])
    return dt.date(y, m, 1), dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)


def independent(
    params: dict[str, str],
    clues: list[Clue],
    petitions: list[Petition],
    start: dt.date,
    end: dt.date,
    decisions: dict[int, tuple[CaseOutcome, list[CaseOutcomeItem]]],
) -> int:
    """The figure counted by hand over the cases the reader sees (already cut by the per-object rule)."""
    measure = params["figure"]
    by, _, key = params.get("by", "").partition(":")
    if measure == "outcome":  # the approved decisions the cases part recorded, on their day
        n = 0
        for c in clues:
            if c.id not in decisions:
                continue
            o, items = decisions[c.id]
            if not start <= o.approved_on <= end:
                continue
            if by == "discipline":
                n += any(i.kind == "violation" and i.parent == key for i in items)
            elif by == "eight_point":
                n += any(i.kind == "eight_point" and i.code == key for i in items)
            elif by == "form":
                n += o.form == key
            elif by == "sanction":
                kind, _, name = key.partition(":")
                n += (o.party_sanction if kind == "party" else o.gov_sanction) == name
            elif by == "rank":
                n += bool(o.party_sanction or o.gov_sanction) and o.rank == key
        return n
    lo, hi = (max(start, _month(key)[0]), min(end, _month(key)[1])) if by == "month" else (start, end)
    if measure in ("petitions", "accusations"):
        found = [
            p for p in petitions if lo <= p.received_on <= hi and (measure == "petitions" or p.kind is PetitionKind.ACCUSATION)
        ]
        if by == "township":
            found = [p for p in found if str(p.township_id) == key]
        return len(found)
    n = 0
    for c in clues:
        state = c.state.value
        day = {"filed": c.filed_on}.get(measure, c.received_on)
        if measure in ("sanctioned", "party", "gov") or (measure == "outcome"):
            day = _decided(c)
        if day is None or not lo <= day <= hi:
            continue
        if measure == "disposed" and state in UNDISPOSED:
            continue
        if measure == "talk_letter" and state not in TALK:
            continue
        if measure == "sanctioned" and not (c.party_sanction or c.gov_sanction):
            continue
        if measure == "party" and not c.party_sanction:
            continue
        if measure == "gov" and not c.gov_sanction:
            continue
        if by == "source" and c.source.value != key:
            continue
        if by == "township" and str(c.township_id) != key:
            continue
        if by == "mode" and state not in MODES[key]:
            continue
        if by == "sanction":
            kind, _, name = key.partition(":")
            if (c.party_sanction if kind == "party" else c.gov_sanction) != name:
                continue
        if by == "rank" and not (
            (c.party_sanction or c.gov_sanction) and c.subject_rank is not None and c.subject_rank.value == key
        ):
            continue
        n += 1
    return n


async def _visible(app, database, username):
    from hub.auth.staff import staff_actor_named
    from hub.http.keys import POLICY

    policy = app[POLICY]
    async with database.transaction(write=False) as s:
        actor = await staff_actor_named(s, username)
        recused = {
            r.clue_id
            for r in (await s.scalars(select(CaseRecusal))).all()
            if r.user_id == actor.user_id or (r.org_unit_id is not None and r.org_unit_id == actor.org_unit_id)
        }
        clues = [c for c in (await s.scalars(select(Clue))).all() if policy.may(actor, "view", c) and c.id not in recused]
        petitions = [p for p in (await s.scalars(select(Petition))).all() if policy.may(actor, "view", p)]
        items: dict[int, list[CaseOutcomeItem]] = {}
        for item in (await s.scalars(select(CaseOutcomeItem))).all():
            items.setdefault(item.outcome_id, []).append(item)
        decided = (
            await s.scalars(select(CaseOutcome).where(CaseOutcome.stage == "trial", CaseOutcome.approved_on.is_not(None)))
        ).all()
        decisions = {o.clue_id: (o, items.get(o.id, [])) for o in decided}
    return actor, clues, petitions, decisions


@pytest.mark.parametrize("username", ["leader", "deputy1", "deputy2", "casemgmt1"])
async def test_every_figure_equals_an_independent_count(app, database, new_browser, kit, clock, username):
    await demo.generate(database, 400, seed=11, now=clock.now())
    # the reader is recused from a decided case of the year: no figure counts it (the tallies take it off)
    reader = await kit.actor(username)
    async with database.transaction() as s:
        decided = await s.scalar(
            select(CaseOutcome.clue_id).where(CaseOutcome.stage == "trial", CaseOutcome.approved_on >= dt.date(2026, 1, 1))
        )
        await casefile.add_recusal(
            s, kit.ctx, await kit.actor("casemgmt1" if username != "casemgmt1" else "leader"), decided,
            casefile.RecusalIn(user_id=reader.user_id, reason="利害关系"), clock.now(),
        )  # fmt: skip
    staff = Staff(new_browser)
    browser = await staff(username)
    for query, start, end in (
        ("period=year&at=2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        ("period=range&from=2025-06-10&to=2026-03-20", dt.date(2025, 6, 10), dt.date(2026, 3, 20)),  # part months: day rows
    ):
        resp = await browser.get(f"/statistics?{query}")
        page = await resp.text()
        assert resp.status == 200, page
        _actor, clues, petitions, decisions = await _visible(app, database, username)
        links = FIGURE_LINK.findall(page)
        assert len(links) > 40, len(links)
        assert page.count("<svg") >= 5 and 'role="group"' in page and "<title" in page
        assert "等待案件结果" not in page  # every outcome chart is drawn from the recorded decisions
        nonzero, outcome_figures = 0, set()
        for href, shown in links:
            params = {k: v[0] for k, v in parse_qs(urlsplit(htmllib.unescape(href)).query).items()}
            expected = independent(params, clues, petitions, start, end, decisions)
            assert int(shown) == expected, (username, params, shown, expected)
            nonzero += expected > 0
            if params["figure"] == "outcome" and expected > 0:
                outcome_figures.add(params["by"].partition(":")[0])
        assert nonzero > 10
        if start.year == 2026:  # the demo's year gives every outcome chart data
            assert outcome_figures == {"discipline", "eight_point", "form", "sanction", "rank"}, outcome_figures
    # a figure's list holds exactly its cases, all within the reader's sight
    seen = {c.id for c in clues}
    for kind in ("by=source", "by=discipline", "by=form"):
        href, shown = next((h, v) for h, v in FIGURE_LINK.findall(page) if kind in h and int(v) > 0)
        listing = await (await browser.get(htmllib.unescape(href))).text()
        ids = {int(x) for x in re.findall(r'href="/clues/(\d+)"', listing)}
        assert ids and ids <= seen
        if int(shown) <= 20:  # one page of the list: exactly the figure's cases
            assert len(ids) == int(shown), (href, shown, len(ids))


async def test_a_deputy_never_counts_outside_the_portfolio(app, database, new_browser, kit, clock):
    await demo.generate(database, 300, seed=5, now=clock.now())
    staff = Staff(new_browser)
    actor, clues, _, _ = await _visible(app, database, "deputy2")
    portfolio = set(actor.portfolio)
    for c in clues:
        assert {c.supervisor_group_id, c.reviewer_unit_id, c.trial_group_id, c.appeal_group_id, c.township_id} & portfolio
    page = await (await (await staff("deputy2")).get("/statistics?period=range&from=2020-01-01&to=2026-12-31")).text()
    total = int(re.search(r'data-figure="clues">(\d+)<', page).group(1))
    assert total == len([c for c in clues if c.received_on <= dt.date(2026, 12, 31)])
    listing = await (
        await (await staff("deputy2")).get("/statistics/cases?period=range&from=2020-01-01&to=2026-12-31&figure=clues")
    ).text()
    ids = {int(x) for x in re.findall(r'href="/clues/(\d+)"', listing)}
    assert ids <= {c.id for c in clues}
    # the groups and townships see no statistics
    assert (await (await staff("group3.1")).get("/statistics")).status == 403
    assert (await (await staff("admin")).get("/statistics")).status == 403


async def test_bad_periods_are_refused(new_browser, kit):
    browser = await Staff(new_browser)("leader")
    for bad in ("period=month&at=2026-13", "period=range&from=2026-05-01&to=2026-04-01", "period=decade", "source=nope"):
        assert (await browser.get(f"/statistics?{bad}")).status == 422, bad
    assert (await browser.get("/statistics/cases?figure=nope")).status == 422
