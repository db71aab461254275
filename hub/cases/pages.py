"""HTML pages: the ledger, the case file and the petitions. Forms post back here; no script is needed."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from enum import Enum
from types import MappingProxyType
from typing import Any
from urllib.parse import urlencode

import aiohttp_jinja2
from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select
from yarl import URL

from hub.auth.interface import User
from hub.cases import casefile, detail, intake, ledger, transitions
from hub.cases.access import load_petition
from hub.cases.colours import ORDER, Colour
from hub.cases.labels import CLOCK_LABELS, EVENT_LABELS, SORT_LABELS, STAGE_LABELS, TIMELINE_KINDS
from hub.cases.models import ApprovalStatus, AssetStatus, ClockStatus, ClueSource, Gender, Petition, PetitionChannel, PetitionKind
from hub.cases.params import ledger_query
from hub.cases.views import ctx_of, run, today_of
from hub.cases.workflow import STAGES, ClueState, PetitionState
from hub.errors import Conflict, Forbidden, Invalid
from hub.http.context import db_of, now_of, require_staff
from hub.http.validation import int_param, parse_form, read_form, validate
from hub.org.interface import OrgUnit, UnitKind

routes = web.RouteTableDef()

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
    }
)


def as_enum(value: str, kind: str) -> Enum | str:
    try:
        return ENUM_KINDS[kind](value)
    except (KeyError, ValueError):
        return value


async def _units(request: web.Request) -> dict[int, OrgUnit]:
    async with db_of(request).transaction(write=False) as s:
        rows = (await s.scalars(select(OrgUnit).where(OrgUnit.kind != UnitKind.STATIONED_GROUP))).all()
    return {u.id: u for u in rows}


@routes.get("/ledger")
@aiohttp_jinja2.template("cases/ledger.html")
async def ledger_page(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    query = ledger_query(request.query)
    today = today_of(request)
    policy = ctx_of(request).policy

    async def work(s: Any) -> tuple[list[dict[str, Any]], bool, dict[str, int]]:
        rows, more = await ledger.page(s, policy, actor, query, today)
        return rows, more, await ledger.counts(s, policy, actor, query, today)

    rows, more, counts = await run(request, work, write=False)
    units = await _units(request)
    args = {k: v for k, v in request.query.items() if k != "page" and v}

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
    }


@routes.get("/clues/{id}")
@aiohttp_jinja2.template("cases/clue.html")
async def clue_page(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    clue_id = int_param(request, "id")
    file = await run(
        request, lambda s: detail.clue_file(s, ctx_of(request), actor, clue_id, today_of(request)), write=False, clue_id=clue_id
    )
    return {
        "file": file,
        "units": await _units(request),
        "error": request.query.get("error", ""),
        "as_enum": as_enum,
        "asset_statuses": list(AssetStatus),
        "clock_labels": CLOCK_LABELS,
        "event_labels": EVENT_LABELS,
        "timeline_kinds": TIMELINE_KINDS,
    }


class EventForm(BaseModel):
    event: str = Field(min_length=1, max_length=60)
    comment: str = Field("", max_length=4000)


class DecisionForm(BaseModel):
    decision: str = Field(pattern="^(approve|reject)$")
    comment: str = Field("", max_length=4000)
    external_ref: str = Field("", max_length=200)


def _back(path: str, exc: Exception | None = None) -> web.HTTPSeeOther:
    if exc is None:
        return web.HTTPSeeOther(path)
    return web.HTTPSeeOther(str(URL(path).with_query(error=getattr(exc, "message", str(exc)))))


@routes.post("/clues/{id}/events")
async def clue_event_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    clue_id = int_param(request, "id")
    body = await parse_form(request, EventForm)
    try:
        await run(
            request,
            lambda s: transitions.request_clue_event(
                s, ctx_of(request), actor, clue_id, body.event, now_of(request), comment=body.comment
            ),
            clue_id=clue_id,
        )
    except (Conflict, Invalid) as exc:
        raise _back(f"/clues/{clue_id}", exc) from None
    raise _back(f"/clues/{clue_id}")


@routes.post("/clues/{id}/approvals/{approval_id}")
async def clue_approval_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    clue_id, approval_id = int_param(request, "id"), int_param(request, "approval_id")
    body = await parse_form(request, DecisionForm)
    try:
        await run(
            request,
            lambda s: transitions.decide(
                s,
                ctx_of(request),
                actor,
                clue_id,
                approval_id,
                body.decision == "approve",
                now_of(request),
                comment=body.comment,
                external_ref=body.external_ref,
            ),
            clue_id=clue_id,
        )
    except (Conflict, Invalid) as exc:
        raise _back(f"/clues/{clue_id}", exc) from None
    raise _back(f"/clues/{clue_id}")


@routes.get("/petitions")
@aiohttp_jinja2.template("cases/petitions.html")
async def petitions_page(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    ctx = ctx_of(request)
    today = today_of(request)

    async def work(s: Any) -> list[dict[str, Any]]:
        stmt = select(Petition).where(ctx.policy.where(actor, "view", Petition)).order_by(Petition.id.desc()).limit(200)
        return [detail.petition_json(p, today) for p in (await s.scalars(stmt)).all()]

    units = await _units(request)
    return {
        "petitions": await run(request, work, write=False),
        "units": units,
        "townships": [u for u in units.values() if u.kind is UnitKind.TOWNSHIP],
        "channels": list(PetitionChannel),
        "kinds": list(PetitionKind),
        "as_enum": as_enum,
        "may_register": actor.is_main_leader
        or (ctx.offices.office_of(actor) is not None and ctx.offices.office_of(actor).value == "petition"),  # type: ignore[union-attr]
        "error": request.query.get("error", ""),
    }


@routes.post("/petitions")
async def petition_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    data = await read_form(request)
    data.pop("csrf_token", None)
    data = {k: (None if v == "" and k in ("township_id", "petitioner_name") else v) for k, v in data.items()}
    try:
        body = validate(intake.PetitionIn, data)
        petition = await run(request, lambda s: intake.register_petition(s, ctx_of(request), actor, body, now_of(request)))
    except (Invalid, Forbidden) as exc:
        raise _back("/petitions", exc) from None
    raise _back(f"/petitions/{petition.id}")


@routes.get("/petitions/{id}")
@aiohttp_jinja2.template("cases/petition.html")
async def petition_page(request: web.Request) -> dict[str, Any]:
    actor = require_staff(request)
    petition_id = int_param(request, "id")

    async def work(s: Any) -> dict[str, Any]:
        petition = await load_petition(s, ctx_of(request), actor, petition_id)
        return await detail.petition_file(s, ctx_of(request), actor, petition, today_of(request))

    return {
        "file": await run(request, work, write=False),
        "units": await _units(request),
        "error": request.query.get("error", ""),
        "as_enum": as_enum,
        "event_labels": EVENT_LABELS,
        "timeline_kinds": TIMELINE_KINDS,
    }


@routes.post("/petitions/{id}/events")
async def petition_event_form(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    petition_id = int_param(request, "id")
    body = await parse_form(request, EventForm)
    try:
        _petition, clue = await run(
            request,
            lambda s: transitions.petition_event(
                s, ctx_of(request), actor, petition_id, body.event, now_of(request), comment=body.comment
            ),
        )
    except (Conflict, Invalid) as exc:
        raise _back(f"/petitions/{petition_id}", exc) from None
    raise _back(
        f"/clues/{clue.id}"
        if clue is not None and ctx_of(request).policy.may(actor, "view", clue)
        else f"/petitions/{petition_id}"
    )


class RecusalForm(BaseModel):
    username: str = Field("", max_length=60)
    org_unit_id: int | None = None
    reason: str = Field(min_length=1, max_length=300)


async def _casefile_form(request: web.Request, kind: str) -> web.StreamResponse:
    """The case file's add forms: money and property, organisations, documents, recusals."""
    actor = require_staff(request)
    clue_id = int_param(request, "id")
    data = {k: v for k, v in (await read_form(request)).items() if k != "csrf_token" and v != ""}
    ctx, now = ctx_of(request), now_of(request)

    async def work(s: Any) -> object:
        if kind == "assets":
            return await casefile.add_asset(s, ctx, actor, clue_id, validate(casefile.AssetIn, data), now)
        if kind == "organisations":
            return await casefile.add_organisation(s, ctx, actor, clue_id, validate(casefile.OrganisationIn, data), now)
        if kind == "documents":
            return await casefile.add_document(s, ctx, actor, clue_id, validate(casefile.DocumentIn, data), now)
        form = validate(RecusalForm, data)
        user_id = await s.scalar(select(User.id).where(User.username == form.username)) if form.username else None
        if form.username and user_id is None:
            raise Invalid("invalid", "Some fields are not valid.", fields={"username": "No such person."})
        body = casefile.RecusalIn(user_id=user_id, org_unit_id=form.org_unit_id, reason=form.reason)
        return await casefile.add_recusal(s, ctx, actor, clue_id, body, now)

    try:
        await run(request, work, clue_id=clue_id)
    except (Invalid, Conflict) as exc:
        raise _back(f"/clues/{clue_id}", exc) from None
    raise _back(f"/clues/{clue_id}")


def _casefile_handler(kind: str) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        return await _casefile_form(request, kind)

    return handler


for _kind in ("assets", "organisations", "documents", "recusals"):
    routes.post(f"/clues/{{id}}/{_kind}")(_casefile_handler(_kind))
