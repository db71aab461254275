"""A case's outcome: recorded by the reviewing group (its proposal) and by the trial group (the decision), checked
against the rules, frozen while the decision is being approved, and what is announced or served is what was approved.

The rules (each refusal names its field and says why):
* a party sanction only for a Party member (a probationary member is handled by extending or cancelling the probation);
* a 政务处分 only for a public employee;
* a decision needs its sanction, another disposition, or the reason there is none (and not a sanction and such a reason);
* the form (四种形态) fits the sanctions: a sanction belongs to the forms the taxonomy names, a decision with no sanction
  at all is of the first form;
* a trial outcome cannot change once its decision is requested; "announce" needs an approved party sanction (or no
  sanction at all), "serve" an approved 政务处分; "finalise" refuses a decision that needs the Party committee.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import ColumnElement, and_, case, delete, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.access.actor import Actor
from hub.cases.access import CaseContext, check_separation, duties_of, load_clue
from hub.cases.models import ApprovalStatus, CaseApproval, Clue, Duty
from hub.cases.outcome_models import CaseOutcome, CaseOutcomeItem
from hub.cases.taxonomy import (
    DISCIPLINES,
    DISPOSITIONS,
    EIGHT_POINT,
    FORMS,
    GOV_SANCTIONS,
    NO_SANCTION_REASONS,
    PARTY_COMMITTEE_SANCTIONS,
    PARTY_MEMBERSHIP,
    PARTY_SANCTIONS,
    RANKS,
    VIOLATIONS,
    Taxonomy,
)
from hub.cases.timeline import log_step
from hub.cases.workflow import ClueState, Who
from hub.clock import to_local
from hub.errors import Conflict, Forbidden, Invalid
from hub.i18n import N_

REVIEW, TRIAL = "review", "trial"
# where each stage's outcome is recorded: the review before its report goes to trial, the trial before its decision
STAGE_STATES: dict[str, frozenset[ClueState]] = {
    REVIEW: frozenset({ClueState.INVESTIGATING, ClueState.FACTS_CONFIRMED}),
    TRIAL: frozenset({ClueState.TRIAL_ACCEPTED, ClueState.TRIAL_REPORTED, ClueState.COUNTY_CHECKED}),
}
STAGE_DUTY: dict[str, tuple[frozenset[Who], Duty]] = {
    REVIEW: (frozenset({Who.REVIEWER}), Duty.REVIEW),
    TRIAL: (frozenset({Who.TRIAL, Who.COUNTY_TRIAL}), Duty.TRIAL),
}
ITEM_KINDS: dict[str, Taxonomy] = {"violation": VIOLATIONS, "eight_point": EIGHT_POINT, "disposition": DISPOSITIONS}


def _codes(value: Any) -> list[str]:
    """A form's checkboxes (one value, several, or none) as a list without blanks or repeats."""
    items = value if isinstance(value, list) else [value] if value not in (None, "") else []
    return list(dict.fromkeys(str(v) for v in items if v not in (None, "")))


class OutcomeIn(BaseModel):
    """An outcome as recorded (form post or JSON). Codes are those of hub/cases/taxonomy.py."""

    violations: list[str] = Field(default_factory=list, max_length=40)
    eight_point: list[str] = Field(default_factory=list, max_length=20)
    facts: str = Field("", max_length=20000)
    form: str = Field(min_length=1, max_length=10)
    party_membership: str = Field(min_length=1, max_length=20)
    public_employee: bool
    rank: str | None = Field(None, max_length=20)
    party_sanction: str | None = Field(None, max_length=30)
    gov_sanction: str | None = Field(None, max_length=30)
    dispositions: list[str] = Field(default_factory=list, max_length=20)
    no_sanction_reason: str | None = Field(None, max_length=30)
    reason_text: str = Field("", max_length=4000)
    version: int | None = None

    @field_validator("violations", "eight_point", "dispositions", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> list[str]:
        return _codes(value)

    @field_validator("rank", "party_sanction", "gov_sanction", "no_sanction_reason", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if value == "" else value


def problems(data: OutcomeIn) -> dict[str, str]:
    """Every rule the outcome breaks, by field (empty: it holds). Messages are English ids, translated when shown."""
    errors: dict[str, str] = {}
    for name, taxonomy in (("violations", VIOLATIONS), ("eight_point", EIGHT_POINT), ("dispositions", DISPOSITIONS)):
        if any(code not in taxonomy for code in getattr(data, name)):
            errors[name] = N_("Choose one of the offered values.")
    for name, taxonomy in (
        ("form", FORMS),
        ("party_membership", PARTY_MEMBERSHIP),
        ("rank", RANKS),
        ("party_sanction", PARTY_SANCTIONS),
        ("gov_sanction", GOV_SANCTIONS),
        ("no_sanction_reason", NO_SANCTION_REASONS),
    ):
        value = getattr(data, name)
        if value is not None and value not in taxonomy:
            errors[name] = N_("Choose one of the offered values.")
    if errors:
        return errors
    if not data.violations and data.no_sanction_reason != "not_established":
        errors["violations"] = N_("Name the violations found (or give as reason that none is established).")
    if data.party_sanction is not None and data.party_membership != "member":
        errors["party_sanction"] = (
            N_("A probationary member is not given a party sanction: extend or cancel the probation instead.")
            if data.party_membership == "probationary"
            else N_("A party sanction is only for a Party member.")
        )
    if data.gov_sanction is not None and not data.public_employee:
        errors["gov_sanction"] = N_("A government sanction (政务处分) is only for a public employee.")
    probation = {"probation_extended", "probation_cancelled"} & set(data.dispositions)
    if probation and data.party_membership != "probationary":
        errors["dispositions"] = N_("Extending or cancelling a probation is only for a probationary Party member.")
    sanctioned = data.party_sanction is not None or data.gov_sanction is not None
    if not sanctioned and not data.dispositions and data.no_sanction_reason is None:
        errors["no_sanction_reason"] = N_("A decision needs its sanction, another disposition, or the reason there is none.")
    if sanctioned and data.no_sanction_reason is not None:
        errors["no_sanction_reason"] = N_("A decision with a sanction has no reason for no sanction.")
    if data.no_sanction_reason == "other" and not data.reason_text.strip():
        errors["reason_text"] = N_("Explain the reason in words.")
    for name, taxonomy in (("party_sanction", PARTY_SANCTIONS), ("gov_sanction", GOV_SANCTIONS)):
        term = taxonomy.get(getattr(data, name))
        if term is not None and data.form not in term.forms and name not in errors:
            errors["form"] = N_("The form does not fit the sanction (warnings and demerits: second form; heavier: third).")
    if (
        not sanctioned
        and data.form != "first"
        and not (
            {"suspension", "post_adjustment", "ordered_resignation", "removal", "demotion", "to_prosecution"}
            & set(data.dispositions)
        )
    ):
        errors["form"] = N_("A decision without a sanction or organisational handling is of the first form.")
    if data.form == "fourth" and not ({"to_prosecution"} & set(data.dispositions)):
        errors["form"] = N_("The fourth form means a suspected crime: add the transfer to the procuratorate.")
    return errors


def check(data: OutcomeIn) -> None:
    errors = problems(data)
    if errors:
        raise Invalid("outcome_rules", next(iter(errors.values())), fields=errors)  # the first broken rule, in words


def stage_of(clue: Clue) -> str | None:
    return next((stage for stage, states in STAGE_STATES.items() if clue.state in states), None)


async def outcome_of(session: AsyncSession, clue_id: int, stage: str) -> CaseOutcome | None:
    return await session.scalar(select(CaseOutcome).where(CaseOutcome.clue_id == clue_id, CaseOutcome.stage == stage))


async def items_of(session: AsyncSession, outcome_id: int) -> dict[str, list[str]]:
    rows = (await session.execute(select(CaseOutcomeItem.kind, CaseOutcomeItem.code).where(
        CaseOutcomeItem.outcome_id == outcome_id))).all()  # fmt: skip
    found: dict[str, list[str]] = {kind: [] for kind in ITEM_KINDS}
    for kind, code in rows:
        found.setdefault(kind, []).append(code)
    for kind, taxonomy in ITEM_KINDS.items():  # in the taxonomy's order
        order = {t.code: i for i, t in enumerate(taxonomy)}
        found[kind].sort(key=lambda c: order.get(c, len(order)))
    return found


async def _decision_requested(session: AsyncSession, clue_id: int) -> bool:
    return (
        await session.scalar(
            select(CaseApproval.id)
            .where(CaseApproval.clue_id == clue_id, CaseApproval.event == "decide", CaseApproval.status == ApprovalStatus.PENDING)
            .limit(1)
        )
    ) is not None


async def may_record(session: AsyncSession, ctx: CaseContext, actor: Actor, clue: Clue) -> str | None:
    """The stage whose outcome this person may record on this clue now, or None."""
    stage = stage_of(clue)
    if stage is None or not (STAGE_DUTY[stage][0] & duties_of(actor, clue, ctx.offices)):
        return None
    if stage == TRIAL and await _decision_requested(session, clue.id):
        return None
    return stage


async def record(
    session: AsyncSession, ctx: CaseContext, actor: Actor, clue_id: int, data: OutcomeIn, now: dt.datetime
) -> CaseOutcome:
    """Record (or correct) the outcome of the clue's current stage: the reviewing group during review, the trial group
    (and for township cases the county trial office) during trial, until the decision is requested."""
    clue = await load_clue(session, ctx, actor, clue_id, for_update=True)
    stage = stage_of(clue)
    if stage is None:
        raise Conflict("outcome_not_now", N_("An outcome is recorded during review (the proposal) and trial (the decision)."))
    who, duty = STAGE_DUTY[stage]
    if not who & duties_of(actor, clue, ctx.offices):
        raise Forbidden("not_your_step", N_("This outcome is recorded by the group that handles this stage."))
    await check_separation(session, actor, clue, duty, ctx.offices)
    if stage == TRIAL and await _decision_requested(session, clue.id):
        raise Conflict("decision_requested", N_("The decision is being approved: it cannot change now."))
    check(data)
    row = await outcome_of(session, clue.id, stage)
    if row is not None and data.version is not None and row.version != data.version:
        raise Conflict("stale", "Someone else changed this record; reload it and try again.")
    if row is None:
        row = CaseOutcome(clue_id=clue.id, stage=stage)
        session.add(row)
    for name in ("facts", "form", "party_membership", "public_employee", "rank", "party_sanction", "gov_sanction",
                 "no_sanction_reason", "reason_text"):  # fmt: skip
        setattr(row, name, getattr(data, name))
    row.recorded_by, row.recorded_at = actor.user_id, now
    row.recorded_label = actor.display_name or actor.username  # a name for the page; the audit entry has the account
    await session.flush()
    await session.execute(delete(CaseOutcomeItem).where(CaseOutcomeItem.outcome_id == row.id))
    for kind, codes in (("violation", data.violations), ("eight_point", data.eight_point), ("disposition", data.dispositions)):
        taxonomy = ITEM_KINDS[kind]
        for code in codes:
            term = taxonomy.get(code)
            assert term is not None  # checked above
            session.add(CaseOutcomeItem(outcome_id=row.id, kind=kind, code=code, parent=term.parent))
    await session.flush()
    await log_step(
        session, actor, now, clue_id=clue.id, event=f"outcome_{stage}", from_state=clue.state.value,
        to_state=clue.state.value, action=f"clue.outcome.{stage}",
        change={"stage": stage, **data.model_dump(exclude={"version"})},
    )  # fmt: skip
    return row


# ---- the workflow's hooks (hub/cases/transitions.py) ----


async def before_request(session: AsyncSession, clue: Clue, event: str) -> dict[str, Any]:
    """Checks before a step is requested; returns what the step's record should carry (the decision as approved)."""
    if event == "decide":
        row = await outcome_of(session, clue.id, TRIAL)
        if row is None:
            raise Conflict(
                "outcome_missing", N_("Record the trial's decision (the outcome) before asking for it to be approved.")
            )
        check(await as_input(session, row))
        return {"outcome": await summary(session, row)}
    if event in ("finalise", "announce", "serve"):
        row = await outcome_of(session, clue.id, TRIAL)
        if row is None or row.approved_on is None:
            raise Conflict("outcome_not_approved", N_("No approved decision is on this case."))
        if event == "finalise" and row.party_sanction in PARTY_COMMITTEE_SANCTIONS and row.rank == "county":
            raise Conflict(
                "needs_party_committee",
                N_("Removal from Party posts and heavier sanctions of county-level cadres need the Party committee's approval."),
            )
        if event == "announce" and row.party_sanction is None and row.gov_sanction is not None:
            raise Conflict("serve_instead", N_("The approved decision is a government sanction: serve it instead."))
        if event == "serve" and row.gov_sanction is None:
            raise Conflict("nothing_to_serve", N_("The approved decision has no government sanction to serve."))
        return {"outcome": await summary(session, row)}
    return {}


async def on_decided(session: AsyncSession, clue: Clue, now: dt.datetime) -> None:
    """The decision's approvals are complete: the trial outcome is the approved decision from now on."""
    row = await outcome_of(session, clue.id, TRIAL)
    if row is None:  # a request made before outcomes existed
        return
    row.approved_at, row.approved_on = now, to_local(now).date()
    clue.party_sanction, clue.gov_sanction = row.party_sanction, row.gov_sanction


async def as_input(session: AsyncSession, row: CaseOutcome) -> OutcomeIn:
    items = await items_of(session, row.id)
    return OutcomeIn(
        violations=items["violation"], eight_point=items["eight_point"], dispositions=items["disposition"],
        facts=row.facts, form=row.form, party_membership=row.party_membership, public_employee=row.public_employee,
        rank=row.rank, party_sanction=row.party_sanction, gov_sanction=row.gov_sanction,
        no_sanction_reason=row.no_sanction_reason, reason_text=row.reason_text, version=row.version,
    )  # fmt: skip


async def summary(session: AsyncSession, row: CaseOutcome) -> dict[str, Any]:
    """The outcome in codes (the audit entry, the API)."""
    data = (await as_input(session, row)).model_dump()
    return {**data, "stage": row.stage, "approved_on": row.approved_on.isoformat() if row.approved_on else None}


def named(data: dict[str, Any], locale: str) -> dict[str, Any]:
    """The outcome in words, for pages: every code replaced by its name."""

    def many(taxonomy: Taxonomy, codes: Iterable[str]) -> list[str]:
        return [taxonomy.name_of(c, locale) for c in codes]

    violations: dict[str, list[str]] = {}
    for code in data["violations"]:
        term = VIOLATIONS.get(code)
        group = DISCIPLINES.name_of(term.parent if term else "", locale)
        violations.setdefault(group, []).append(VIOLATIONS.name_of(code, locale))
    return {
        "violations": violations,
        "eight_point": many(EIGHT_POINT, data["eight_point"]),
        "form": FORMS.name_of(data["form"], locale),
        "party_membership": PARTY_MEMBERSHIP.name_of(data["party_membership"], locale),
        "public_employee": data["public_employee"],
        "rank": RANKS.name_of(data["rank"], locale) if data["rank"] else "",
        "party_sanction": PARTY_SANCTIONS.name_of(data["party_sanction"], locale) if data["party_sanction"] else "",
        "gov_sanction": GOV_SANCTIONS.name_of(data["gov_sanction"], locale) if data["gov_sanction"] else "",
        "dispositions": many(DISPOSITIONS, data["dispositions"]),
        "no_sanction_reason": NO_SANCTION_REASONS.name_of(data["no_sanction_reason"], locale)
        if data["no_sanction_reason"]
        else "",
        "reason_text": data["reason_text"],
        "facts": data["facts"],
        "approved_on": data.get("approved_on"),
    }


async def outcomes_of(session: AsyncSession, clue_id: int) -> dict[str, dict[str, Any]]:
    rows = (await session.scalars(select(CaseOutcome).where(CaseOutcome.clue_id == clue_id))).all()
    found = {}
    for row in rows:
        found[row.stage] = {**await summary(session, row), "recorded_by": row.recorded_label, "recorded_at": row.recorded_at}
    return found


# ---- what statistics read (published through hub/cases/interface.py) ----


@dataclass(frozen=True)
class OutcomeFact:
    """One decided outcome (人次: one person, one decision), as statistics count it."""

    clue_id: int
    decided_on: dt.date
    township: bool  # a township case (else a supervised unit's)
    unit_id: int | None
    township_id: int | None
    rank: str | None
    party_membership: str
    public_employee: bool
    form: str
    party_sanction: str | None
    gov_sanction: str | None
    no_sanction_reason: str | None
    violations: frozenset[str]
    disciplines: frozenset[str]
    eight_point: frozenset[str]
    eight_point_classes: frozenset[str]
    dispositions: frozenset[str]

    @property
    def sanctioned(self) -> bool:
        """Counted among 党纪政务处分人数."""
        return self.party_sanction is not None or self.gov_sanction is not None


async def decided_outcomes(
    session: AsyncSession,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    visible: ColumnElement[bool] | None = None,
) -> list[OutcomeFact]:
    """The approved decisions with ``start <= decided_on < end``, of the clues ``visible`` admits (pass the policy's
    ``where(actor, "view", Clue)`` so that a report never counts what its reader may not see)."""
    stmt = (
        select(CaseOutcome, Clue.unit_id, Clue.township_id)
        .join(Clue, Clue.id == CaseOutcome.clue_id)
        .where(CaseOutcome.stage == TRIAL, CaseOutcome.approved_on.is_not(None))
    )
    if start is not None:
        stmt = stmt.where(CaseOutcome.approved_on >= start)
    if end is not None:
        stmt = stmt.where(CaseOutcome.approved_on < end)
    if visible is not None:
        stmt = stmt.where(visible)
    rows = (await session.execute(stmt.order_by(CaseOutcome.approved_on, CaseOutcome.id))).all()
    items: dict[int, list[tuple[str, str, str]]] = {}
    ids = [r[0].id for r in rows]
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk : chunk + 5000]
        for oid, kind, code, parent in (
            await session.execute(
                select(CaseOutcomeItem.outcome_id, CaseOutcomeItem.kind, CaseOutcomeItem.code, CaseOutcomeItem.parent).where(
                    CaseOutcomeItem.outcome_id.in_(part)
                )
            )
        ).all():
            items.setdefault(oid, []).append((kind, code, parent))
    facts = []
    for row, unit_id, township_id in rows:
        mine = items.get(row.id, [])

        def of(kind: str, *, parents: bool = False, mine: list[tuple[str, str, str]] = mine) -> frozenset[str]:
            return frozenset(p if parents else c for k, c, p in mine if k == kind)

        assert row.approved_on is not None
        facts.append(
            OutcomeFact(
                clue_id=row.clue_id,
                decided_on=row.approved_on,
                township=township_id is not None,
                unit_id=unit_id,
                township_id=township_id,
                rank=row.rank,
                party_membership=row.party_membership,
                public_employee=row.public_employee,
                form=row.form,
                party_sanction=row.party_sanction,
                gov_sanction=row.gov_sanction,
                no_sanction_reason=row.no_sanction_reason,
                violations=of("violation"),
                disciplines=of("violation", parents=True),
                eight_point=of("eight_point"),
                eight_point_classes=of("eight_point", parents=True),
                dispositions=of("disposition"),
            )
        )
    return facts


DIMENSIONS = ("form", "discipline", "violation", "eight_point", "eight_point_class", "party_sanction", "gov_sanction",
              "disposition", "rank", "sanction_type")  # fmt: skip


def tally(facts: Iterable[OutcomeFact], dimension: str) -> dict[str, int]:
    """Person-times (人次) per code of one dimension. A person counts once per code they carry (two disciplines: once
    in each); "sanction_type" sorts each decision into party / gov / both / other (dispositions only) / none."""
    counts: Counter[str] = Counter()
    for f in facts:
        if dimension == "form":
            counts[f.form] += 1
        elif dimension == "rank":
            counts[f.rank or "unknown"] += 1
        elif dimension in ("party_sanction", "gov_sanction"):
            value = getattr(f, dimension)
            if value is not None:
                counts[value] += 1
        elif dimension == "sanction_type":
            kind = (
                "both" if f.party_sanction and f.gov_sanction
                else "party" if f.party_sanction
                else "gov" if f.gov_sanction
                else "other" if f.dispositions
                else "none"
            )  # fmt: skip
            counts[kind] += 1
        else:
            attr = {"discipline": "disciplines", "violation": "violations", "eight_point": "eight_point",
                    "eight_point_class": "eight_point_classes", "disposition": "dispositions"}.get(dimension)  # fmt: skip
            if attr is None:
                raise ValueError(f"unknown dimension {dimension!r}; one of {', '.join(DIMENSIONS)}")
            counts.update(getattr(f, attr))
    return dict(counts)


_COLUMNS = {"form": "form", "rank": "rank", "party_sanction": "party_sanction", "gov_sanction": "gov_sanction"}
_ITEMS = {  # dimension: (item kind, the column counted by)
    "discipline": ("violation", "parent"),
    "violation": ("violation", "code"),
    "eight_point": ("eight_point", "code"),
    "eight_point_class": ("eight_point", "parent"),
    "disposition": ("disposition", "code"),
}


async def count_outcomes(
    session: AsyncSession,
    dimension: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    visible: ColumnElement[bool] | None = None,
) -> dict[str, int]:
    """What ``tally(decided_outcomes(...), dimension)`` gives, counted by the database (GROUP BY): for large histories."""
    where: list[ColumnElement[bool]] = [CaseOutcome.stage == TRIAL, CaseOutcome.approved_on.is_not(None)]
    if start is not None:
        where.append(CaseOutcome.approved_on >= start)
    if end is not None:
        where.append(CaseOutcome.approved_on < end)
    if visible is not None:
        where.append(CaseOutcome.clue_id.in_(select(Clue.id).where(visible)))
    if dimension in _COLUMNS:
        column = getattr(CaseOutcome, _COLUMNS[dimension])
        stmt = select(column, func.count()).where(*where).group_by(column)
        rows = (await session.execute(stmt)).all()
        if dimension == "rank":
            return {(k or "unknown"): int(n) for k, n in rows}
        return {k: int(n) for k, n in rows if k is not None}
    if dimension in _ITEMS:
        kind, by = _ITEMS[dimension]
        column = getattr(CaseOutcomeItem, by)
        stmt = (
            select(column, func.count(distinct(CaseOutcomeItem.outcome_id)))
            .join(CaseOutcome, CaseOutcome.id == CaseOutcomeItem.outcome_id)
            .where(CaseOutcomeItem.kind == kind, *where)
            .group_by(column)
        )
        return {k: int(n) for k, n in (await session.execute(stmt)).all()}
    if dimension == "sanction_type":
        has_other = (
            select(CaseOutcomeItem.outcome_id)
            .where(CaseOutcomeItem.outcome_id == CaseOutcome.id, CaseOutcomeItem.kind == "disposition")
            .exists()
        )
        kind_of = case(
            (and_(CaseOutcome.party_sanction.is_not(None), CaseOutcome.gov_sanction.is_not(None)), "both"),
            (CaseOutcome.party_sanction.is_not(None), "party"),
            (CaseOutcome.gov_sanction.is_not(None), "gov"),
            (has_other, "other"),
            else_="none",
        )
        stmt = select(kind_of, func.count()).where(*where).group_by(kind_of)
        return {k: int(n) for k, n in (await session.execute(stmt)).all()}
    raise ValueError(f"unknown dimension {dimension!r}; one of {', '.join(DIMENSIONS)}")
