"""The JSON API of case tracking: petitions, clues, transitions, approvals, the case file and the ledger.

Every clue route declares that its caller must see the clue (the policy's loader for "clue", recusals included); what
a person may do to it at its stage is the workflow's rule, checked by the service.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel, Field
from sqlalchemy import select

from hub.cases import casefile, intake, ledger, transitions
from hub.cases import presenters as detail
from hub.cases.access import CaseContext
from hub.cases.colours import Colour
from hub.cases.keys import CASES
from hub.cases.labels import CLOCK_LABELS
from hub.cases.models import AssetStatus, ClueSource, Petition
from hub.cases.params import ledger_query
from hub.cases.workflow import CLUE_TRANSITIONS, PETITION_TRANSITIONS, ClueState, Transition
from hub.http.keys import CATALOGS, LABELS, EnumLabels
from hub.http.views import Call, Permission, Routes, in_transaction
from hub.i18n import N_, Catalogs

routes = Routes()
SEE_CLUE = Permission("view", "clue")
SEE_PETITION = Permission("view", "petition")


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


def ctx_of(call: Call[Any]) -> CaseContext:
    return call.app[CASES]


# ---- clues ----


@routes.post("/api/v1/clues", body=intake.ClueIn, summary="Register a clue (问题线索).")
async def clue_create(call: Call[intake.ClueIn]) -> web.Response:
    clue = await intake.register_clue(call.db, ctx_of(call), call.actor, call.body, call.now)
    return web.json_response(detail.clue_json(clue, call.today), status=201)


@routes.get("/api/v1/clues/{id}", permission=SEE_CLUE, summary="A clue's case file.")
async def clue_get(call: Call[None]) -> web.Response:
    return web.json_response(await detail.clue_file(call.db, ctx_of(call), call.actor, call.target.id, call.today))


@routes.patch("/api/v1/clues/{id}", permission=SEE_CLUE, body=casefile.SubjectPatch, summary="Correct the subject's data.")
async def clue_patch(call: Call[casefile.SubjectPatch]) -> web.Response:
    clue = await casefile.update_subject(call.db, ctx_of(call), call.actor, call.target.id, call.body, call.now)
    return web.json_response(detail.clue_json(clue, call.today))


@routes.post("/api/v1/clues/{id}/events", permission=SEE_CLUE, body=EventIn, summary="Take a step of the workflow.")
async def clue_event(call: Call[EventIn]) -> web.Response:
    body = call.body
    outcome = await transitions.request_clue_event(
        call.db, ctx_of(call), call.actor, call.target.id, body.event, call.now,
        comment=body.comment, payload=body.payload, version=body.version,
    )  # fmt: skip
    return web.json_response(outcome.__dict__, status=200 if outcome.applied else 202)


@routes.post(
    "/api/v1/clues/{id}/approvals/{approval_id}", permission=SEE_CLUE, body=DecisionIn, summary="Sign or refuse an approval."
)
async def clue_approval(call: Call[DecisionIn]) -> web.Response:
    body = call.body
    outcome = await transitions.decide(
        call.db, ctx_of(call), call.actor, call.target.id, call.int("approval_id"), body.decision == "approve", call.now,
        comment=body.comment, external_ref=body.external_ref,
    )  # fmt: skip
    return web.json_response(outcome.__dict__)


def _adder(
    path: str, model: type[BaseModel], add: Callable[..., Awaitable[Any]], shape: Callable[[Any], dict[str, Any]], summary: str
) -> None:
    """The case file's add routes share one shape: a body, a service that adds it, the new row as JSON."""

    async def handler(call: Call[Any]) -> web.Response:
        return web.json_response(
            shape(await add(call.db, ctx_of(call), call.actor, call.target.id, call.body, call.now)), status=201
        )

    handler.__name__ = f"add_{path.rsplit('/', 1)[-1]}"
    routes.post(path, permission=SEE_CLUE, body=model, summary=summary)(handler)


_adder("/api/v1/clues/{id}/assets", casefile.AssetIn, casefile.add_asset, casefile.asset_json, "Add money or property.")
_adder(
    "/api/v1/clues/{id}/organisations", casefile.OrganisationIn, casefile.add_organisation,
    lambda o: {"id": o.id, "name": o.name, "role": o.role}, "Add an organisation involved.",
)  # fmt: skip
_adder(
    "/api/v1/clues/{id}/documents", casefile.DocumentIn, casefile.add_document,
    lambda d: {"id": d.id, "title": d.title, "stored_file_id": d.stored_file_id}, "Add a document.",
)  # fmt: skip
_adder(
    "/api/v1/clues/{id}/recusals", casefile.RecusalIn, casefile.add_recusal,
    lambda r: {"id": r.id, "user_id": r.user_id, "org_unit_id": r.org_unit_id}, "Put a person or group on the recusal list.",
)  # fmt: skip
_adder(
    "/api/v1/clues/{id}/members", casefile.MemberIn, casefile.add_member,
    lambda m: {"id": m.id, "user_id": m.user_id, "duty": m.duty.value}, "Name a person to a duty on the case.",
)  # fmt: skip


@routes.patch(
    "/api/v1/clues/{id}/assets/{asset_id}", permission=SEE_CLUE, body=AssetStatusIn, summary="Change what became of an asset."
)
async def asset_patch(call: Call[AssetStatusIn]) -> web.Response:
    asset = await casefile.set_asset_status(
        call.db, ctx_of(call), call.actor, call.target.id, call.int("asset_id"), call.body.status, call.body.version, call.now
    )
    return web.json_response(casefile.asset_json(asset))


# ---- petitions ----


@routes.post("/api/v1/petitions", body=intake.PetitionIn, summary="Register a petition (信访件).")
async def petition_create(call: Call[intake.PetitionIn]) -> web.Response:
    petition = await intake.register_petition(call.db, ctx_of(call), call.actor, call.body, call.now)
    return web.json_response(detail.petition_json(petition, call.today), status=201)


@routes.get("/api/v1/petitions", summary="The petitions the caller may see, newest first (200 at most).")
async def petition_list(call: Call[None]) -> web.Response:
    stmt = select(Petition).where(ctx_of(call).policy.where(call.actor, "view", Petition)).order_by(Petition.id.desc()).limit(200)
    return web.json_response({"items": [detail.petition_json(p, call.today) for p in (await call.db.scalars(stmt)).all()]})


@routes.get("/api/v1/petitions/{id}", permission=SEE_PETITION, summary="A petition with its timeline.")
async def petition_get(call: Call[None]) -> web.Response:
    return web.json_response(await detail.petition_file(call.db, ctx_of(call), call.actor, call.target, call.today))


@routes.post("/api/v1/petitions/{id}/events", permission=SEE_PETITION, body=EventIn, summary="Take a step on a petition.")
async def petition_event(call: Call[EventIn]) -> web.Response:
    body = call.body
    petition, clue = await transitions.petition_event(
        call.db, ctx_of(call), call.actor, call.target.id, body.event, call.now, comment=body.comment, payload=body.payload
    )
    out = detail.petition_json(petition, call.today)
    if clue is not None:
        out["clue"] = detail.clue_json(clue, call.today)
    return web.json_response(out)


# ---- ledger ----


@routes.get("/api/v1/ledger", summary="The ledger (台账): one page, filtered, in urgency order.")
async def ledger_api(call: Call[None]) -> web.Response:
    query = ledger_query(call.request.query)
    rows, more = await ledger.page(call.db, ctx_of(call).policy, call.actor, query, call.today)
    return web.json_response(
        {"items": rows, "page": query.page, "per_page": query.per_page, "more": more, "today": call.today.isoformat()}
    )


@routes.get("/api/v1/ledger/counts", summary="Counts per deadline colour of the filtered ledger.")
async def ledger_counts(call: Call[None]) -> web.Response:
    query = ledger_query(call.request.query)
    result = await ledger.counts(call.db, ctx_of(call).policy, call.actor, query, call.today)
    return web.json_response({**result, "today": call.today.isoformat()})


# (field, header): the export speaks the reader's language (Chinese first), with values as names, never codes
CSV_COLUMNS = (
    ("number", N_("Number")),
    ("source", N_("Source")),
    ("state", N_("Stage")),
    ("subject_name", N_("Subject")),
    ("received_on", N_("Received")),
    ("due_date", N_("Due date")),
    ("days_left", N_("Days left")),
    ("colour", N_("Deadline colour")),
    ("due_key", N_("Time limit")),
)
CSV_FIELDS = tuple(f for f, _h in CSV_COLUMNS)
_CSV_ENUMS: dict[str, Any] = {"source": ClueSource, "state": ClueState, "colour": Colour}


def _csv_value(field: str, value: Any, catalogs: Catalogs, labels: EnumLabels) -> Any:
    """A ledger cell as a person reads it: enum values and clock keys by their (translated) names."""
    if value is None or value == "":
        return value
    if field in _CSV_ENUMS:
        try:
            return catalogs.gettext(labels.get(_CSV_ENUMS[field](value)))
        except ValueError:
            return value
    if field == "due_key":
        return catalogs.gettext(CLOCK_LABELS.get(value, value))
    return value


@routes.get("/ledger.csv", tx=False, summary="The filtered ledger as CSV.")
async def ledger_csv(call: Call[None]) -> web.StreamResponse:
    query = ledger_query(call.request.query)
    today = call.today
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="ledger-{today.isoformat()}.csv"',
        }
    )
    await response.prepare(call.request)
    buf = io.StringIO()
    writer = csv.writer(buf)
    buf.write("\ufeff")  # so that spreadsheet programs read the Chinese text as UTF-8
    catalogs, labels = call.app[CATALOGS], call.app[LABELS]
    writer.writerow([catalogs.gettext(header) for _f, header in CSV_COLUMNS])

    async def rows(s: Any) -> None:
        async for row in ledger.stream(s, ctx_of(call).policy, call.actor, query, today):
            writer.writerow([_csv_cell(_csv_value(f, row[f], catalogs, labels)) for f in CSV_FIELDS])
            if buf.tell() > 64 * 1024:
                await response.write(buf.getvalue().encode())
                buf.seek(0)
                buf.truncate()

    await in_transaction(call.request, rows, write=False)
    await response.write(buf.getvalue().encode())
    await response.write_eof()
    return response


@routes.get("/ledger.xlsx", tx=False, summary="The filtered ledger as an Excel workbook, with the CSV's columns.")
async def ledger_xlsx(call: Call[None]) -> web.StreamResponse:
    query = ledger_query(call.request.query)
    today = call.today
    catalogs, labels = call.app[CATALOGS], call.app[LABELS]
    rows: list[list[Any]] = []

    async def collect(s: Any) -> None:
        async for row in ledger.stream(s, ctx_of(call).policy, call.actor, query, today):
            rows.append([_xlsx_cell(f, _csv_value(f, row[f], catalogs, labels)) for f in CSV_FIELDS])

    await in_transaction(call.request, collect, write=False)
    headers = [catalogs.gettext(header) for _f, header in CSV_COLUMNS]
    body = await asyncio.to_thread(_workbook, catalogs.gettext(N_("Ledger")), headers, rows)
    return web.Response(
        body=body,
        headers={
            "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Content-Disposition": f'attachment; filename="ledger-{today.isoformat()}.xlsx"',
        },
    )


def _xlsx_cell(field: str, value: Any) -> Any:
    """Dates and numbers stay dates and numbers (a spreadsheet sorts them); text is guarded like the CSV's."""
    if value is None or isinstance(value, int | dt.date):
        return value
    return _csv_cell(value)


def _workbook(title: str, headers: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook  # imported here: only the export needs it

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


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


@routes.get("/api/v1/cases/workflow", tx=False, summary="The workflow as declared: every step, who takes it, who approves.")
async def workflow_api(call: Call[None]) -> web.Response:
    return web.json_response(
        {"clue": [transition_json(t) for t in CLUE_TRANSITIONS], "petition": [transition_json(t) for t in PETITION_TRANSITIONS]}
    )
