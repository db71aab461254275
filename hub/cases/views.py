"""The JSON API of case tracking: petitions, clues, transitions, approvals, the case file and the ledger."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.cases import casefile, detail, intake, ledger, transitions
from hub.cases.access import CaseContext, load_petition
from hub.cases.keys import CASES
from hub.cases.models import AssetStatus, Petition
from hub.cases.params import ledger_query
from hub.cases.workflow import CLUE_TRANSITIONS, PETITION_TRANSITIONS, Transition
from hub.clock import LOCAL_TZ
from hub.http.context import db_of, now_of, require_staff
from hub.http.validation import int_param, parse_json
from hub.http.views import in_transaction

routes = web.RouteTableDef()
T = TypeVar("T")


class EventIn(BaseModel):
    event: str = Field(min_length=1, max_length=60)
    comment: str = Field("", max_length=4000)
    payload: dict[str, Any] = Field(default_factory=dict)
    version: int | None = None


class DecisionIn(BaseModel):
    decision: str = Field(pattern="^(approve|reject)$")
    comment: str = Field("", max_length=4000)
    external_ref: str = Field("", max_length=200)


class AssetStatusIn(BaseModel):
    status: AssetStatus
    version: int


def ctx_of(request: web.Request) -> CaseContext:
    return request.app[CASES]


def today_of(request: web.Request) -> dt.date:
    return now_of(request).astimezone(LOCAL_TZ).date()


async def run(request: web.Request, work: Callable[[Any], Awaitable[T]], *, write: bool = True, clue_id: int | None = None) -> T:
    """One unit of work; a recused person's attempt is refused and logged in a transaction of its own (规则 65)."""
    require_staff(request)
    return await in_transaction(request, work, write=write)


# ---- clues ----


@routes.post("/api/v1/clues")
async def clue_create(request: web.Request) -> web.Response:
    actor = require_staff(request)
    body = await parse_json(request, intake.ClueIn)

    async def work(s: Any) -> dict[str, Any]:
        clue = await intake.register_clue(s, ctx_of(request), actor, body, now_of(request))
        return detail.clue_json(clue, today_of(request))

    return web.json_response(await run(request, work), status=201)


@routes.get("/api/v1/clues/{id}")
async def clue_get(request: web.Request) -> web.Response:
    actor = require_staff(request)
    clue_id = int_param(request, "id")
    data = await run(
        request, lambda s: detail.clue_file(s, ctx_of(request), actor, clue_id, today_of(request)), write=False, clue_id=clue_id
    )
    return web.json_response(data)


@routes.patch("/api/v1/clues/{id}")
async def clue_patch(request: web.Request) -> web.Response:
    actor = require_staff(request)
    clue_id = int_param(request, "id")
    body = await parse_json(request, casefile.SubjectPatch)

    async def work(s: Any) -> dict[str, Any]:
        clue = await casefile.update_subject(s, ctx_of(request), actor, clue_id, body, now_of(request))
        return detail.clue_json(clue, today_of(request))

    return web.json_response(await run(request, work, clue_id=clue_id))


@routes.post("/api/v1/clues/{id}/events")
async def clue_event(request: web.Request) -> web.Response:
    actor = require_staff(request)
    clue_id = int_param(request, "id")
    body = await parse_json(request, EventIn)

    async def work(s: Any) -> transitions.Outcome:
        return await transitions.request_clue_event(
            s, ctx_of(request), actor, clue_id, body.event, now_of(request),
            comment=body.comment, payload=body.payload, version=body.version,
        )  # fmt: skip

    outcome = await run(request, work, clue_id=clue_id)
    return web.json_response(outcome.__dict__, status=200 if outcome.applied else 202)


@routes.post("/api/v1/clues/{id}/approvals/{approval_id}")
async def clue_approval(request: web.Request) -> web.Response:
    actor = require_staff(request)
    clue_id = int_param(request, "id")
    approval_id = int_param(request, "approval_id")
    body = await parse_json(request, DecisionIn)

    async def work(s: Any) -> transitions.Outcome:
        return await transitions.decide(
            s, ctx_of(request), actor, clue_id, approval_id, body.decision == "approve", now_of(request),
            comment=body.comment, external_ref=body.external_ref,
        )  # fmt: skip

    outcome = await run(request, work, clue_id=clue_id)
    return web.json_response(outcome.__dict__)


def _adder(model: type[BaseModel], fn: Callable[..., Awaitable[Any]], shape: Callable[[Any], dict[str, Any]]) -> Any:
    async def handler(request: web.Request) -> web.Response:
        actor = require_staff(request)
        clue_id = int_param(request, "id")
        body = await parse_json(request, model)

        async def work(s: Any) -> dict[str, Any]:
            return shape(await fn(s, ctx_of(request), actor, clue_id, body, now_of(request)))

        return web.json_response(await run(request, work, clue_id=clue_id), status=201)

    return handler


routes.post("/api/v1/clues/{id}/assets")(_adder(casefile.AssetIn, casefile.add_asset, casefile.asset_json))
routes.post("/api/v1/clues/{id}/organisations")(
    _adder(casefile.OrganisationIn, casefile.add_organisation, lambda o: {"id": o.id, "name": o.name, "role": o.role})
)
routes.post("/api/v1/clues/{id}/documents")(
    _adder(
        casefile.DocumentIn, casefile.add_document, lambda d: {"id": d.id, "title": d.title, "stored_file_id": d.stored_file_id}
    )
)
routes.post("/api/v1/clues/{id}/recusals")(
    _adder(casefile.RecusalIn, casefile.add_recusal, lambda r: {"id": r.id, "user_id": r.user_id, "org_unit_id": r.org_unit_id})
)
routes.post("/api/v1/clues/{id}/members")(
    _adder(casefile.MemberIn, casefile.add_member, lambda m: {"id": m.id, "user_id": m.user_id, "duty": m.duty.value})
)


@routes.patch("/api/v1/clues/{id}/assets/{asset_id}")
async def asset_patch(request: web.Request) -> web.Response:
    actor = require_staff(request)
    clue_id, asset_id = int_param(request, "id"), int_param(request, "asset_id")
    body = await parse_json(request, AssetStatusIn)

    async def work(s: Any) -> dict[str, Any]:
        asset = await casefile.set_asset_status(
            s, ctx_of(request), actor, clue_id, asset_id, body.status, body.version, now_of(request)
        )
        return casefile.asset_json(asset)

    return web.json_response(await run(request, work, clue_id=clue_id))


# ---- petitions ----


@routes.post("/api/v1/petitions")
async def petition_create(request: web.Request) -> web.Response:
    actor = require_staff(request)
    body = await parse_json(request, intake.PetitionIn)

    async def work(s: Any) -> dict[str, Any]:
        petition = await intake.register_petition(s, ctx_of(request), actor, body, now_of(request))
        return detail.petition_json(petition, today_of(request))

    return web.json_response(await run(request, work), status=201)


@routes.get("/api/v1/petitions")
async def petition_list(request: web.Request) -> web.Response:
    actor = require_staff(request)
    ctx = ctx_of(request)

    async def work(s: Any) -> list[dict[str, Any]]:
        stmt = select(Petition).where(ctx.policy.where(actor, "view", Petition)).order_by(Petition.id.desc()).limit(200)
        return [detail.petition_json(p, today_of(request)) for p in (await s.scalars(stmt)).all()]

    return web.json_response({"items": await run(request, work, write=False)})


@routes.get("/api/v1/petitions/{id}")
async def petition_get(request: web.Request) -> web.Response:
    actor = require_staff(request)
    petition_id = int_param(request, "id")

    async def work(s: Any) -> dict[str, Any]:
        petition = await load_petition(s, ctx_of(request), actor, petition_id)
        return await detail.petition_file(s, ctx_of(request), actor, petition, today_of(request))

    return web.json_response(await run(request, work, write=False))


@routes.post("/api/v1/petitions/{id}/events")
async def petition_event(request: web.Request) -> web.Response:
    actor = require_staff(request)
    petition_id = int_param(request, "id")
    body = await parse_json(request, EventIn)

    async def work(s: Any) -> dict[str, Any]:
        petition, clue = await transitions.petition_event(
            s, ctx_of(request), actor, petition_id, body.event, now_of(request), comment=body.comment, payload=body.payload
        )
        out = detail.petition_json(petition, today_of(request))
        if clue is not None:
            out["clue"] = detail.clue_json(clue, today_of(request))
        return out

    return web.json_response(await run(request, work))


# ---- ledger ----


@routes.get("/api/v1/ledger")
async def ledger_api(request: web.Request) -> web.Response:
    actor = require_staff(request)
    query = ledger_query(request.query)
    today = today_of(request)

    async def work(s: Any) -> tuple[list[dict[str, Any]], bool]:
        return await ledger.page(s, ctx_of(request).policy, actor, query, today)

    rows, more = await run(request, work, write=False)
    return web.json_response(
        {"items": rows, "page": query.page, "per_page": query.per_page, "more": more, "today": today.isoformat()}
    )


@routes.get("/api/v1/ledger/counts")
async def ledger_counts(request: web.Request) -> web.Response:
    actor = require_staff(request)
    query = ledger_query(request.query)
    today = today_of(request)
    result = await run(request, lambda s: ledger.counts(s, ctx_of(request).policy, actor, query, today), write=False)
    return web.json_response({**result, "today": today.isoformat()})


CSV_FIELDS = ("number", "source", "state", "subject_name", "received_on", "due_date", "days_left", "colour", "due_key")


@routes.get("/ledger.csv")
async def ledger_csv(request: web.Request) -> web.StreamResponse:
    actor = require_staff(request)
    query = ledger_query(request.query)
    today = today_of(request)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="ledger-{today.isoformat()}.csv"',
        }
    )
    await response.prepare(request)
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")  # so that spreadsheet programs read the Chinese text as UTF-8
    writer.writerow(CSV_FIELDS)
    async with db_of(request).transaction(write=False) as s:
        async for row in ledger.stream(s, ctx_of(request).policy, actor, query, today):
            writer.writerow([_csv_cell(row[f]) for f in CSV_FIELDS])
            if buf.tell() > 64 * 1024:
                await response.write(buf.getvalue().encode())
                buf.seek(0)
                buf.truncate()
    await response.write(buf.getvalue().encode())
    await response.write_eof()
    return response


def _csv_cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # a cell starting with = + - @ would run as a formula in a spreadsheet
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# ---- the workflow declaration ----


def transition_json(t: Transition) -> dict[str, Any]:
    return {
        "event": t.event,
        "from": sorted(t.sources),
        "to": t.target,
        "by": sorted(w.value for w in t.by),
        "approvals": [a.value for a in t.approvals],
        "lower_leader_approvals": [a.value for a in t.lower_leader_approvals] if t.lower_leader_approvals else None,
        "clocks": [{"op": c.op.value, "key": c.key} for c in t.clocks],
        "township": t.township,
        "rule": t.rule,
        "label": t.label,
    }


@routes.get("/api/v1/cases/workflow")
async def workflow_api(request: web.Request) -> web.Response:
    require_staff(request)
    return web.json_response(
        {"clue": [transition_json(t) for t in CLUE_TRANSITIONS], "petition": [transition_json(t) for t in PETITION_TRANSITIONS]}
    )
