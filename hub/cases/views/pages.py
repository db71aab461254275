"""HTML pages: the ledger, the case file and the petitions. Forms post back here; no script is needed."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from hub.auth.interface import User
from hub.cases import casefile, holidays, intake, ledger, transitions
from hub.cases import presenters as detail
from hub.cases.colours import ORDER, Colour
from hub.cases.keys import CLUE_PAGE_PARTS
from hub.cases.labels import CLOCK_LABELS, EVENT_LABELS, SORT_LABELS, STAGE_LABELS, TIMELINE_KINDS
from hub.cases.models import ApprovalStatus, AssetStatus, ClockStatus, ClueSource, Gender, Petition, PetitionChannel, PetitionKind
from hub.cases.params import ledger_query
from hub.cases.views import outcomes as outcome_views
from hub.cases.views.api import SEE_CLUE, SEE_PETITION, ctx_of
from hub.cases.workflow import STAGES, Approver, ClueState, PetitionState
from hub.errors import Forbidden, Invalid
from hub.http.views import Call, Routes
from hub.org.interface import OrgUnit, UnitKind

routes = Routes()

# the JSON shapes the pages render carry enum values as strings; the ``label`` filter wants the enum members back
ENUM_KINDS: Mapping[str, type[Enum]] = MappingProxyType(
    {
        "clue_state": ClueState,
        "petition_state": PetitionState,
        "source": ClueSource,
        "channel": PetitionChannel,
        "kind": PetitionKind,
        "gender": Gender,
        "approval": ApprovalStatus,
        "asset": AssetStatus,
        "clock": ClockStatus,
        "colour": Colour,
        "approver": Approver,
    }
)


def as_enum(value: str, kind: str) -> Enum | str:
    try:
        return ENUM_KINDS[kind](value)
    except (KeyError, ValueError):
        return value


async def _units(s: AsyncSession) -> dict[int, OrgUnit]:
    rows = (await s.scalars(select(OrgUnit).where(OrgUnit.kind != UnitKind.STATIONED_GROUP))).all()
    return {u.id: u for u in rows}


@routes.get("/ledger", template="cases/ledger.html", summary="The ledger page.")
async def ledger_page(call: Call[None]) -> dict[str, Any]:
    query = ledger_query(call.request.query)
    today, policy = call.today, ctx_of(call).policy
    rows, more = await ledger.page(call.db, policy, call.actor, query, today)
    counts = await ledger.counts(call.db, policy, call.actor, query, today)
    units = await _units(call.db)
    args = {k: v for k, v in call.request.query.items() if k != "page" and v}

    def qs(**changes: object) -> str:
        """The current filters with some changed, as a query string (for the colour and page links)."""
        return urlencode({k: v for k, v in {**args, **changes}.items() if v not in ("", None)})

    return {
        "rows": rows,
        "more": more,
        "counts": counts,
        "query": query,
        "qs": qs,
        "today": today,
        "units": units,
        "colours": ORDER,
        "sources": list(ClueSource),
        "stages": ["live", *STAGES, "all"],
        "groups": sorted((u for u in units.values() if u.kind is UnitKind.JOINT_GROUP), key=lambda u: u.ordinal or 0),
        "townships": [u for u in units.values() if u.kind is UnitKind.TOWNSHIP],
        "supervised": sorted((u for u in units.values() if u.kind is UnitKind.SUPERVISED_UNIT), key=lambda u: u.code),
        "as_enum": as_enum,
        "stage_labels": STAGE_LABELS,
        "sort_labels": SORT_LABELS,
        "entered_years": await holidays.entered_years(call.db),
    }


@routes.get("/clues/{id}", permission=SEE_CLUE, template="cases/clue.html", summary="A clue's case file page.")
async def clue_page(call: Call[None]) -> dict[str, Any]:
    parts = [await part(call.db, call.actor, call.target) for part in call.app[CLUE_PAGE_PARTS]]
    return {
        **await outcome_views.page_context(call, call.target),
        "file": await detail.clue_file(call.db, ctx_of(call), call.actor, call.target.id, call.today),
        "parts": [p for p in parts if p is not None],
        "units": await _units(call.db),
        "error": call.query("error"),
        "as_enum": as_enum,
        "asset_statuses": list(AssetStatus),
        "clock_labels": CLOCK_LABELS,
        "event_labels": EVENT_LABELS,
        "timeline_kinds": TIMELINE_KINDS,
        "entered_years": await holidays.entered_years(call.db),
    }


class EventForm(BaseModel):
    event: str = Field(min_length=1, max_length=60)
    comment: str = Field("", max_length=4000)


class DecisionForm(BaseModel):
    decision: str = Field(pattern="^(approve|reject)$")
    comment: str = Field("", max_length=4000)
    external_ref: str = Field("", max_length=200)


@routes.post("/clues/{id}/events", permission=SEE_CLUE, form=EventForm, back="/clues/{id}")
async def clue_event_form(call: Call[EventForm]) -> None:
    await transitions.request_clue_event(
        call.db, ctx_of(call), call.actor, call.target.id, call.body.event, call.now, comment=call.body.comment
    )


@routes.post("/clues/{id}/approvals/{approval_id}", permission=SEE_CLUE, form=DecisionForm, back="/clues/{id}")
async def clue_approval_form(call: Call[DecisionForm]) -> None:
    body = call.body
    await transitions.decide(
        call.db, ctx_of(call), call.actor, call.target.id, call.int("approval_id"), body.decision == "approve", call.now,
        comment=body.comment, external_ref=body.external_ref,
    )  # fmt: skip


@routes.get("/petitions", template="cases/petitions.html", summary="The petitions page.")
async def petitions_page(call: Call[None]) -> dict[str, Any]:
    ctx = ctx_of(call)
    stmt = select(Petition).where(ctx.policy.where(call.actor, "view", Petition)).order_by(Petition.id.desc()).limit(200)
    units = await _units(call.db)
    office = ctx.offices.office_of(call.actor)
    return {
        "petitions": [detail.petition_json(p, call.today) for p in (await call.db.scalars(stmt)).all()],
        "units": units,
        "townships": [u for u in units.values() if u.kind is UnitKind.TOWNSHIP],
        "channels": list(PetitionChannel),
        "kinds": list(PetitionKind),
        "as_enum": as_enum,
        "may_register": call.actor.is_main_leader or (office is not None and office.value == "petition"),
        "error": call.query("error"),
    }


@routes.post("/petitions", form=intake.PetitionIn, back="/petitions", back_on=(Invalid, Forbidden))
async def petition_form(call: Call[intake.PetitionIn]) -> str:
    petition = await intake.register_petition(call.db, ctx_of(call), call.actor, call.body, call.now)
    return f"/petitions/{petition.id}"


@routes.get("/petitions/{id}", permission=SEE_PETITION, template="cases/petition.html", summary="A petition's page.")
async def petition_page(call: Call[None]) -> dict[str, Any]:
    return {
        "file": await detail.petition_file(call.db, ctx_of(call), call.actor, call.target, call.today),
        "people": await outcome_views.people_names(call.db),
        "petition_recordings": await outcome_views.petition_recordings_of(call, call.target.id),
        "units": await _units(call.db),
        "error": call.query("error"),
        "as_enum": as_enum,
        "event_labels": EVENT_LABELS,
        "timeline_kinds": TIMELINE_KINDS,
        "entered_years": await holidays.entered_years(call.db),
    }


@routes.post("/petitions/{id}/events", permission=SEE_PETITION, form=EventForm, back="/petitions/{id}")
async def petition_event_form(call: Call[EventForm]) -> str:
    _petition, clue = await transitions.petition_event(
        call.db, ctx_of(call), call.actor, call.target.id, call.body.event, call.now, comment=call.body.comment
    )
    if clue is not None and ctx_of(call).policy.may(call.actor, "view", clue):
        return f"/clues/{clue.id}"
    return f"/petitions/{call.target.id}"


class RecusalForm(BaseModel):
    username: str = Field("", max_length=60)
    org_unit_id: int | None = None
    reason: str = Field(min_length=1, max_length=300)


@routes.post("/clues/{id}/assets", permission=SEE_CLUE, form=casefile.AssetIn, back="/clues/{id}")
async def asset_form(call: Call[casefile.AssetIn]) -> None:
    await casefile.add_asset(call.db, ctx_of(call), call.actor, call.target.id, call.body, call.now)


@routes.post("/clues/{id}/organisations", permission=SEE_CLUE, form=casefile.OrganisationIn, back="/clues/{id}")
async def organisation_form(call: Call[casefile.OrganisationIn]) -> None:
    await casefile.add_organisation(call.db, ctx_of(call), call.actor, call.target.id, call.body, call.now)


@routes.post("/clues/{id}/documents", permission=SEE_CLUE, form=casefile.DocumentIn, back="/clues/{id}")
async def document_form(call: Call[casefile.DocumentIn]) -> None:
    await casefile.add_document(call.db, ctx_of(call), call.actor, call.target.id, call.body, call.now)


@routes.post("/clues/{id}/recusals", permission=SEE_CLUE, form=RecusalForm, back="/clues/{id}")
async def recusal_form(call: Call[RecusalForm]) -> None:
    form = call.body
    user_id = await call.db.scalar(select(User.id).where(User.username == form.username)) if form.username else None
    if form.username and user_id is None:
        raise Invalid("invalid", "Some fields are not valid.", fields={"username": "No such person."})
    body = casefile.RecusalIn(user_id=user_id, org_unit_id=form.org_unit_id, reason=form.reason)
    await casefile.add_recusal(call.db, ctx_of(call), call.actor, call.target.id, body, call.now)
